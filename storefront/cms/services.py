"""CMS reads: a page or the layout's blocks in a locale, falling back to the default locale."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.cms.models import CmsBlock, CmsPage
from storefront.cms.sanitize import sanitize_html


class PageNotFound(Exception):
    """No published CMS page answers to this slug in the locale or the default locale."""


@dataclass(frozen=True)
class PageView:
    slug: str
    locale: str
    title: str
    body: Markup
    seo_title: str | None
    seo_description: str | None


def cms_page(session: Session, slug: str, *, locale: str, default_locale: str) -> PageView:
    """The published page in ``locale``, else in the default locale; its body sanitised."""
    rows = {
        row.locale: row for row in session.scalars(
            select(CmsPage).where(CmsPage.slug == slug, CmsPage.is_published.is_(True),
                                  CmsPage.locale.in_({locale, default_locale})))
    }
    page = rows.get(locale) or rows.get(default_locale)
    if page is None:
        raise PageNotFound(slug)
    return PageView(page.slug, page.locale, page.title, sanitize_html(page.body), page.seo_title,
                    page.seo_description)


def layout_blocks(session: Session, *, locale: str, default_locale: str) -> dict[str, Markup]:
    """Every CMS block by key, in ``locale`` where written, else the default; one statement."""
    chosen: dict[str, CmsBlock] = {}
    for block in session.scalars(
        select(CmsBlock).where(CmsBlock.locale.in_({locale, default_locale}))
    ):
        if block.key not in chosen or block.locale == locale:
            chosen[block.key] = block
    return {key: sanitize_html(block.content) for key, block in chosen.items()}
