"""Coupon table: a code that takes a percentage or a fixed amount off a cart."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models_base import (
    AwareDateTime,
    IntPrimaryKey,
    Money,
    TenantBase,
    Timestamps,
    enum_by_value,
)


class CouponKind(enum.StrEnum):
    PERCENT = "percent"  # ``value`` percent of the subtotal
    FIXED = "fixed"  # ``value`` in the store's currency


class Coupon(IntPrimaryKey, Timestamps, TenantBase):
    __tablename__ = "coupons"
    __table_args__ = (CheckConstraint("used_count >= 0", name="used_count_not_negative"),)

    code: Mapped[str] = mapped_column(String(50), unique=True)
    kind: Mapped[CouponKind] = mapped_column(enum_by_value(CouponKind, "coupon_kind", length=10))
    value: Mapped[Decimal] = mapped_column(Money)
    min_subtotal: Mapped[Decimal | None] = mapped_column(Money)
    starts_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    per_customer_limit: Mapped[int | None] = mapped_column(Integer)
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
