"""Order tables: an order, its lines, and the states an order moves through."""
from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.models_base import IntPrimaryKey, Money, TenantBase, Timestamps, enum_by_value


class OrderStatus(enum.StrEnum):
    """pending → processing → shipped → delivered, or cancelled / refunded."""

    PENDING = "pending"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class Order(IntPrimaryKey, Timestamps, TenantBase):
    __tablename__ = "orders"

    number: Mapped[str] = mapped_column(String(32), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[OrderStatus] = mapped_column(
        enum_by_value(OrderStatus, "order_status"), default=OrderStatus.PENDING
    )
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[Decimal] = mapped_column(Money)
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    shipping: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    tax: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(Money)
    coupon_code: Mapped[str | None] = mapped_column(String(50))
    shipping_method: Mapped[str | None] = mapped_column(String(50))
    payment_method: Mapped[str | None] = mapped_column(String(50))
    shipping_address: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    billing_address: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    locale: Mapped[str | None] = mapped_column(String(10))

    items: Mapped[list[OrderItem]] = relationship(lazy="raise")


class OrderItem(IntPrimaryKey, TenantBase):
    __tablename__ = "order_items"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit_price: Mapped[Decimal] = mapped_column(Money)
    quantity: Mapped[int] = mapped_column(Integer)
    line_total: Mapped[Decimal] = mapped_column(Money)
