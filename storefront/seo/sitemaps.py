"""Sitemap contents: every public page of a store, in every locale, with its last change."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storefront.catalog.models import Category, Product, ProductStatus
from storefront.cms.models import CmsPage
from storefront.models_base import TenantStore

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class PublicPage:
    """One public page (before locales): which endpoint, its argument, when it last changed."""

    endpoint: str
    args: tuple[tuple[str, str], ...]
    lastmod: datetime | None


def public_pages(session: Session, shop: TenantStore) -> list[PublicPage]:
    """Home, active categories, active products and published CMS pages, in a stable order."""
    pages = [PublicPage("store.catalog.home", (), shop.updated_at)]
    for slug, updated in session.execute(
        select(Category.slug, Category.updated_at).where(Category.is_active.is_(True))
        .order_by(Category.position, Category.slug)
    ):
        pages.append(PublicPage("store.catalog.category", (("category", slug),), updated))
    for slug, updated in session.execute(
        select(Product.slug, Product.updated_at).where(Product.status == ProductStatus.ACTIVE)
        .order_by(Product.id)
    ):
        pages.append(PublicPage("store.catalog.product", (("product", slug),), updated))
    for slug, updated in session.execute(
        select(CmsPage.slug, func.max(CmsPage.updated_at)).where(CmsPage.is_published.is_(True))
        .group_by(CmsPage.slug).order_by(CmsPage.slug)
    ):
        pages.append(PublicPage("store.cms.page", (("page", slug),), updated))
    return pages


def w3c_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds")
