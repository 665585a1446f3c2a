"""Coupons: finding and checking one for a cart, its discount, and counting its use atomically."""
from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from storefront.cart.models import Coupon, CouponKind
from storefront.orders.models import Order

CENT = Decimal("0.01")


class CouponInvalid(Exception):
    """The coupon cannot be used for this cart; the message is shown to the shopper."""


def normalize_code(code: str) -> str:
    """Coupon codes are matched without regard to case or surrounding spaces."""
    return code.strip().upper()


def find_coupon(session: Session, code: str, subtotal: Decimal, now: datetime, *,
                customer_id: int | None = None, email: str | None = None) -> Coupon:
    """The active coupon ``code`` if this cart may use it, else ``CouponInvalid`` saying why."""
    coupon = session.scalar(select(Coupon).where(func.upper(Coupon.code) == normalize_code(code)))
    if coupon is None or not coupon.is_active:
        raise CouponInvalid(f"The coupon code {code.strip()!r} is not valid.")
    starts, ends = coupon.starts_at, coupon.ends_at
    if starts is not None and now < starts:
        raise CouponInvalid(f"The coupon {coupon.code} is not valid yet.")
    if ends is not None and now >= ends:
        raise CouponInvalid(f"The coupon {coupon.code} has expired.")
    if coupon.usage_limit is not None and coupon.used_count >= coupon.usage_limit:
        raise CouponInvalid(f"The coupon {coupon.code} has been used up.")
    if coupon.min_subtotal is not None and subtotal < coupon.min_subtotal:
        raise CouponInvalid(
            f"The coupon {coupon.code} needs a subtotal of at least {coupon.min_subtotal}.")
    check_customer_limit(session, coupon, customer_id=customer_id, email=email)
    return coupon


def check_customer_limit(session: Session, coupon: Coupon, *, customer_id: int | None,
                         email: str | None) -> None:
    """Refuse the coupon if this customer (account or e-mail) has used it up already."""
    if coupon.per_customer_limit is None or (customer_id is None and not email):
        return
    mine = []
    if customer_id is not None:
        mine.append(Order.customer_id == customer_id)
    if email:
        mine.append(func.lower(Order.email) == email.strip().lower())
    used = session.scalar(
        select(func.count(Order.id)).where(Order.coupon_code == coupon.code, or_(*mine))
    ) or 0
    if used >= coupon.per_customer_limit:
        raise CouponInvalid(f"You have already used the coupon {coupon.code}.")


def coupon_discount(coupon: Coupon, subtotal: Decimal) -> Decimal:
    """The discount ``coupon`` gives on ``subtotal``: never more than the subtotal."""
    if coupon.kind == CouponKind.PERCENT:
        discount = (subtotal * coupon.value / Decimal(100)).quantize(CENT, ROUND_HALF_UP)
    else:
        discount = coupon.value
    return max(Decimal("0.00"), min(discount, subtotal)).quantize(CENT)


def redeem_coupon(session: Session, coupon_id: int) -> None:
    """Count one use, atomically: the row is updated only while it is still under its limit."""
    result = session.execute(
        update(Coupon)
        .where(Coupon.id == coupon_id, Coupon.is_active.is_(True),
               or_(Coupon.usage_limit.is_(None), Coupon.used_count < Coupon.usage_limit))
        .values(used_count=Coupon.used_count + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise CouponInvalid("This coupon has just been used up.")
