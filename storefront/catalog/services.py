"""Catalog queries; each takes the tenant session and returns what a page shows."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from storefront.tenancy.models import Product, ProductTranslation


@dataclass(frozen=True)
class ProductCard:
    id: int
    slug: str
    sku: str
    name: str
    price: Decimal
    sale_price: Decimal | None
    stock: int


def product_cards(session: Session, locale: str, default_locale: str,
                  limit: int = 48) -> list[ProductCard]:
    """Active products with their name in ``locale``, falling back to the default locale."""
    wanted = aliased(ProductTranslation)
    fallback = aliased(ProductTranslation)
    rows = session.execute(
        select(Product, wanted.name, fallback.name)
        .outerjoin(wanted, and_(wanted.product_id == Product.id, wanted.locale == locale))
        .outerjoin(fallback, and_(fallback.product_id == Product.id,
                                  fallback.locale == default_locale))
        .where(Product.status == "active")
        .order_by(Product.is_featured.desc(), Product.id)
        .limit(limit)
    ).all()
    return [
        ProductCard(p.id, p.slug, p.sku, name or fallback_name or p.sku, p.price, p.sale_price,
                    p.stock)
        for p, name, fallback_name in rows
    ]
