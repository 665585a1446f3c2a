"""Tenant database models: one database per store, all sharing this schema."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storefront.extensions import NAMING_CONVENTION
from storefront.models_base import Timestamps, utcnow

Money = Numeric(12, 2)


class TenantBase(DeclarativeBase):
    """Declarative base of every tenant database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IntPrimaryKey:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class TenantStore(Timestamps, TenantBase):
    """The store's full configuration; same id as the master ``stores`` row."""

    __tablename__ = "stores"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(63))
    email: Mapped[str | None] = mapped_column(String(254))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    default_locale: Mapped[str] = mapped_column(String(10), default="en")
    locales: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["en"])
    theme: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contact: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Category(IntPrimaryKey, Timestamps, TenantBase):
    __tablename__ = "categories"

    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    translations: Mapped[list[CategoryTranslation]] = relationship(lazy="raise")


class CategoryTranslation(IntPrimaryKey, TenantBase):
    __tablename__ = "category_translations"
    __table_args__ = (UniqueConstraint("category_id", "locale"),)

    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    seo_title: Mapped[str | None] = mapped_column(String(200))
    seo_description: Mapped[str | None] = mapped_column(String(500))


class Product(IntPrimaryKey, Timestamps, TenantBase):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price >= 0", name="price_not_negative"),
    )

    sku: Mapped[str] = mapped_column(String(64), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    price: Mapped[Decimal] = mapped_column(Money)
    sale_price: Mapped[Decimal | None] = mapped_column(Money)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    is_featured: Mapped[bool] = mapped_column(Boolean, default=False)

    translations: Mapped[list[ProductTranslation]] = relationship(lazy="raise")
    images: Mapped[list[ProductImage]] = relationship(
        lazy="raise", order_by="ProductImage.position"
    )


class ProductTranslation(IntPrimaryKey, TenantBase):
    __tablename__ = "product_translations"
    __table_args__ = (UniqueConstraint("product_id", "locale"),)

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    seo_title: Mapped[str | None] = mapped_column(String(200))
    seo_description: Mapped[str | None] = mapped_column(String(500))


class ProductImage(IntPrimaryKey, TenantBase):
    __tablename__ = "product_images"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(500))
    alt: Mapped[str | None] = mapped_column(String(300))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Attribute(IntPrimaryKey, TenantBase):
    """A product property shoppers can filter by (colour, size, …)."""

    __tablename__ = "attributes"

    code: Mapped[str] = mapped_column(String(50), unique=True)
    # Label per locale, e.g. {"en": "Colour", "de": "Farbe"}.
    labels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    is_filterable: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class AttributeValue(IntPrimaryKey, TenantBase):
    __tablename__ = "attribute_values"
    __table_args__ = (UniqueConstraint("attribute_id", "value"),)

    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("attributes.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str] = mapped_column(String(100))
    labels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ProductAttributeValue(TenantBase):
    __tablename__ = "product_attribute_values"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    attribute_value_id: Mapped[int] = mapped_column(
        ForeignKey("attribute_values.id", ondelete="CASCADE"), primary_key=True, index=True
    )


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
    kind: Mapped[str] = mapped_column(String(20), default="shipping")
    name: Mapped[str] = mapped_column(String(200))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    postal_code: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    phone: Mapped[str | None] = mapped_column(String(40))


class Order(IntPrimaryKey, Timestamps, TenantBase):
    __tablename__ = "orders"

    number: Mapped[str] = mapped_column(String(32), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20), default="pending")
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


class CmsPage(IntPrimaryKey, Timestamps, TenantBase):
    """A CMS page in one locale; the default locale's row is the fallback."""

    __tablename__ = "cms_pages"
    __table_args__ = (UniqueConstraint("slug", "locale"),)

    slug: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    seo_title: Mapped[str | None] = mapped_column(String(200))
    seo_description: Mapped[str | None] = mapped_column(String(500))
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)


class CmsBlock(IntPrimaryKey, Timestamps, TenantBase):
    """A named piece of store-authored HTML placed in the layout (``home``, ``footer``, …)."""

    __tablename__ = "cms_blocks"
    __table_args__ = (UniqueConstraint("key", "locale"),)

    key: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(10))
    content: Mapped[str] = mapped_column(Text, default="")


class EmailTemplate(IntPrimaryKey, Timestamps, TenantBase):
    __tablename__ = "email_templates"
    __table_args__ = (UniqueConstraint("key", "locale"),)

    key: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    html_body: Mapped[str] = mapped_column(Text)
    text_body: Mapped[str] = mapped_column(Text)


class Wishlist(IntPrimaryKey, TenantBase):
    __tablename__ = "wishlists"
    __table_args__ = (UniqueConstraint("customer_id", "product_id"),)

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Review(IntPrimaryKey, Timestamps, TenantBase):
    __tablename__ = "reviews"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(100))
    rating: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")


class Coupon(IntPrimaryKey, Timestamps, TenantBase):
    __tablename__ = "coupons"
    __table_args__ = (CheckConstraint("used_count >= 0", name="used_count_not_negative"),)

    code: Mapped[str] = mapped_column(String(50), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # "percent" or "fixed"
    value: Mapped[Decimal] = mapped_column(Money)
    min_subtotal: Mapped[Decimal | None] = mapped_column(Money)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    per_customer_limit: Mapped[int | None] = mapped_column(Integer)
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Redirect(IntPrimaryKey, TenantBase):
    """An old product/category path and where it lives now, written when a slug changes."""

    __tablename__ = "redirects"

    old_path: Mapped[str] = mapped_column(String(500), unique=True)
    new_path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
