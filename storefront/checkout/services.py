"""Placing an order: one tenant transaction that re-prices the cart, takes stock, counts the
coupon, links the customer and writes the order with its items.

Stock is taken with one conditional ``UPDATE … WHERE stock >= :n`` per line, in product-id
order, so two checkouts never deadlock and never sell the same last unit; a line that updates no
row fails the whole order. The coupon's use is counted by a conditional ``UPDATE`` as well. The
checkout form's idempotency key is unique in ``orders``: a second submit finds the first order
(or, racing it, hits the unique index and then finds it).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from storefront.accounts.addresses import address_columns
from storefront.accounts.models import AddressKind, Customer, CustomerAddress
from storefront.cart.coupons import CouponInvalid, check_customer_limit, redeem_coupon
from storefront.cart.services import CartLines, PricedCart, price_cart
from storefront.catalog.models import Product, ProductStatus
from storefront.checkout.settings import Totals, checkout_settings, order_totals
from storefront.models_base import TenantStore, utcnow
from storefront.orders.models import Order, OrderItem, OrderStatus
from storefront.unit_of_work import savepoint

# Order numbers: the date and six characters nobody misreads (no 0/O, 1/I/L).
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class CheckoutError(Exception):
    """The order cannot be placed as submitted; the message is shown on the checkout form."""


class CartEmpty(CheckoutError):
    """There is nothing to order."""


class CartChanged(CheckoutError):
    """The cart no longer matches the store (a product went away or ran short)."""


class OutOfStock(CheckoutError):
    """A line's stock was taken by another order while this one was being placed."""


class MethodUnavailable(CheckoutError):
    """The chosen shipping or payment method is not one the store offers."""


@dataclass(frozen=True)
class CheckoutDetails:
    """What the shopper submitted, already parsed (never a price)."""

    email: str
    shipping_address: dict[str, str]
    billing_address: dict[str, str]
    shipping_method: str
    payment_method: str
    idempotency_key: str
    locale: str
    coupon_code: str | None = None
    customer_id: int | None = None
    save_addresses: bool = True


@dataclass(frozen=True)
class PlacedOrder:
    """The order, and whether this call created it (False: an earlier submit of the same form)."""

    order: Order
    created: bool


def idempotency_key(browser_nonce: str, form_token: str) -> str:
    """The key stored on the order: the form's token bound to the browser that was given it.

    A token copied into another browser's form maps to another key, so it can never be used to
    reach someone else's order.
    """
    return hashlib.sha256(f"{browser_nonce}:{form_token}".encode()).hexdigest()


def new_order_number(now: datetime) -> str:
    """A readable, unguessable order number, e.g. ``261125-K7Q4MZ``."""
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
    return f"{now:%y%m%d}-{suffix}"


def order_by_key(session: Session, key: str) -> Order | None:
    return session.scalar(select(Order).where(Order.idempotency_key == key))


def find_order(session: Session, number: str) -> Order | None:
    """The order ``number`` with its items loaded."""
    return session.scalar(
        select(Order).where(Order.number == number).options(selectinload(Order.items))
    )


def checkout_summary(session: Session, shop: TenantStore, lines: CartLines, *, locale: str,
                     coupon_code: str | None, shipping_method: str | None, now: datetime,
                     customer_id: int | None = None,
                     email: str | None = None) -> tuple[PricedCart, Totals]:
    """The priced cart and the totals the checkout page shows for a shipping method."""
    settings = checkout_settings(shop.settings)
    cart = price_cart(session, lines, locale=locale, default_locale=shop.default_locale,
                      coupon_code=coupon_code, now=now, customer_id=customer_id, email=email)
    shipping = settings.shipping(shipping_method) or settings.shipping_methods[0]
    return cart, order_totals(cart.subtotal, cart.discount, shipping, settings.tax)


def place_order(session: Session, shop: TenantStore, lines: CartLines, details: CheckoutDetails,
                *, now: datetime) -> PlacedOrder:
    """Place the order (flushed, not committed), or return the one this form already placed.

    The attempt runs in a savepoint: on a ``CheckoutError`` or ``CouponInvalid`` nothing of it
    (a line's stock already taken) is left for the request to commit.
    """
    existing = order_by_key(session, details.idempotency_key)
    if existing is not None:
        return PlacedOrder(existing, created=False)
    try:
        with savepoint(session):
            order = _place(session, shop, lines, details, now)
        return PlacedOrder(order, created=True)
    except IntegrityError:
        # The same form submitted twice at once: the other request's order won the unique key.
        existing = order_by_key(session, details.idempotency_key)
        if existing is None:
            raise
        return PlacedOrder(existing, created=False)


def _place(session: Session, shop: TenantStore, lines: CartLines, details: CheckoutDetails,
           now: datetime) -> Order:
    settings = checkout_settings(shop.settings)
    shipping = settings.shipping(details.shipping_method)
    payment = settings.payment(details.payment_method)
    if shipping is None or payment is None:
        raise MethodUnavailable("Please choose one of the shipping and payment methods offered.")
    customer = session.get(Customer, details.customer_id) if details.customer_id else None
    email = details.email.strip().lower()
    cart = price_cart(session, lines, locale=details.locale, default_locale=shop.default_locale,
                      coupon_code=details.coupon_code, now=now,
                      customer_id=customer.id if customer else None, email=email)
    if cart.is_empty:
        raise CartEmpty("Your cart is empty.")
    if cart.problems:
        raise CartChanged(" ".join(cart.problems))
    if details.coupon_code and cart.coupon is None:
        raise CouponInvalid(cart.coupon_error or "The coupon is not valid.")
    totals = order_totals(cart.subtotal, cart.discount, shipping, settings.tax)

    for line in sorted(cart.lines, key=lambda line: line.product.id):
        taken = session.execute(
            update(Product)
            .where(Product.id == line.product.id, Product.status == ProductStatus.ACTIVE,
                   Product.stock >= line.quantity)
            .values(stock=Product.stock - line.quantity)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            raise OutOfStock(f"Sorry, {line.product.name} just sold out (or not enough is left "
                             "for your quantity). Nothing was ordered; please review your cart.")
    customer_id = customer.id if customer else _guest_customer_id(session, email)
    if cart.coupon is not None:
        if cart.coupon.per_customer_limit is not None:
            # Checkouts by one customer take turns here, so two at once cannot both count
            # "not used yet": the row of the e-mail (and of the account) is locked first.
            _lock_customers(session, email, customer.id if customer else None)
            check_customer_limit(session, cart.coupon, customer_id=customer_id, email=email)
        redeem_coupon(session, cart.coupon.id)

    order = Order(
        number=new_order_number(now), idempotency_key=details.idempotency_key,
        customer_id=customer_id,
        email=email, status=OrderStatus.PENDING, currency=shop.currency, subtotal=totals.subtotal,
        discount=totals.discount, shipping=totals.shipping, tax=totals.tax, total=totals.total,
        coupon_code=cart.coupon.code if cart.coupon else None, shipping_method=shipping.code,
        payment_method=payment.code, shipping_address=details.shipping_address,
        billing_address=details.billing_address, locale=details.locale,
        created_at=now, updated_at=now,
    )
    session.add(order)
    session.flush()
    for line in cart.lines:
        session.add(OrderItem(
            order_id=order.id, product_id=line.product.id, sku=line.product.sku,
            name=line.product.name, unit_price=line.unit_price, quantity=line.quantity,
            line_total=line.line_total,
        ))
    if customer is not None and details.save_addresses:
        save_address(session, customer.id, AddressKind.SHIPPING, details.shipping_address)
        if details.billing_address != details.shipping_address:
            save_address(session, customer.id, AddressKind.BILLING, details.billing_address)
    session.flush()
    return order


def _guest_customer_id(session: Session, email: str) -> int | None:
    """Link a guest order to the guest ``customers`` row of its e-mail, creating it if needed.

    An e-mail that belongs to a registered account is not linked: its owner must not see orders
    someone else placed with their address, and the guest must not learn the account exists.
    """
    now = utcnow()
    values: dict[str, Any] = {"email": email, "created_at": now, "updated_at": now}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # ON CONFLICT DO NOTHING: two guest checkouts with one new e-mail do not fail each other.
    session.execute(insert(Customer).values(values).on_conflict_do_nothing())
    row = session.execute(
        select(Customer.id, Customer.password_hash).where(Customer.email == email)
    ).one()
    return None if row.password_hash else row.id


def _lock_customers(session: Session, email: str, account_id: int | None) -> None:
    """Row-lock the customers of this e-mail and account (PostgreSQL; SQLite already holds the
    database's write lock by the time this runs)."""
    ids = [account_id] if account_id is not None else []
    session.execute(
        select(Customer.id).where(or_(Customer.email == email, Customer.id.in_(ids)))
        .order_by(Customer.id).with_for_update()
    ).all()


def save_address(session: Session, customer_id: int, kind: AddressKind,
                 address: dict[str, str]) -> None:
    """Keep an address in the customer's address book unless the same one is there already."""
    fields = address_columns(address)
    for existing in session.scalars(
        select(CustomerAddress).where(CustomerAddress.customer_id == customer_id,
                                      CustomerAddress.kind == kind)
    ):
        if all(getattr(existing, f) == v for f, v in fields.items()):
            return
    session.add(CustomerAddress(customer_id=customer_id, kind=kind, **fields))
