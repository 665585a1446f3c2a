"""Shopper accounts of one store: customers, their address book and their wishlists."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models_base import (
    AwareDateTime,
    IntPrimaryKey,
    TenantBase,
    Timestamps,
    enum_by_value,
    utcnow,
)


class AddressKind(enum.StrEnum):
    SHIPPING = "shipping"
    BILLING = "billing"


class Customer(IntPrimaryKey, Timestamps, TenantBase):
    """A shopper of this store (not a platform user)."""

    __tablename__ = "customers"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    # Stored in the shopper's session at sign-in; raising it ends every session issued before.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CustomerAddress(IntPrimaryKey, Timestamps, TenantBase):
    __tablename__ = "customer_addresses"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AddressKind] = mapped_column(
        enum_by_value(AddressKind, "address_kind"), default=AddressKind.SHIPPING
    )
    name: Mapped[str] = mapped_column(String(200))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    postal_code: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    phone: Mapped[str | None] = mapped_column(String(40))


class Wishlist(IntPrimaryKey, TenantBase):
    __tablename__ = "wishlists"
    __table_args__ = (UniqueConstraint("customer_id", "product_id"),)

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
