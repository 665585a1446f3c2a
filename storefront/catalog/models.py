"""Catalog tables: categories, products with their images and attributes, reviews, and the
redirects left behind when a product's or category's slug changes."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models_base import (
    AwareDateTime,
    IntPrimaryKey,
    Money,
    TenantBase,
    Timestamps,
    enum_by_value,
    utcnow,
)


class ProductStatus(enum.StrEnum):
    ACTIVE = "active"  # the only status shoppers see
    DRAFT = "draft"
    ARCHIVED = "archived"


class ReviewStatus(enum.StrEnum):
    APPROVED = "approved"  # the only status shoppers see
    PENDING = "pending"
    REJECTED = "rejected"


class TranslatedTexts:
    """A category's or product's texts in one locale: a row of its ``…_translations`` table."""

    locale: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    seo_title: Mapped[str | None] = mapped_column(String(200))
    seo_description: Mapped[str | None] = mapped_column(String(500))


class Category(IntPrimaryKey, Timestamps, TenantBase):
    __tablename__ = "categories"

    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class CategoryTranslation(IntPrimaryKey, TranslatedTexts, TenantBase):
    __tablename__ = "category_translations"
    __table_args__ = (UniqueConstraint("category_id", "locale"),)

    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))


class Product(IntPrimaryKey, Timestamps, TenantBase):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price >= 0", name="price_not_negative"),
    )

    sku: Mapped[str] = mapped_column(String(64), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[ProductStatus] = mapped_column(
        enum_by_value(ProductStatus, "product_status"), default=ProductStatus.ACTIVE, index=True
    )
    price: Mapped[Decimal] = mapped_column(Money)
    sale_price: Mapped[Decimal | None] = mapped_column(Money)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    is_featured: Mapped[bool] = mapped_column(Boolean, default=False)


class ProductTranslation(IntPrimaryKey, TranslatedTexts, TenantBase):
    __tablename__ = "product_translations"
    __table_args__ = (UniqueConstraint("product_id", "locale"),)

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))


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
    status: Mapped[ReviewStatus] = mapped_column(
        enum_by_value(ReviewStatus, "review_status"), default=ReviewStatus.PENDING
    )


class Redirect(IntPrimaryKey, TenantBase):
    """An old product/category path and where it lives now, written when a slug changes."""

    __tablename__ = "redirects"

    old_path: Mapped[str] = mapped_column(String(500), unique=True)
    new_path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
