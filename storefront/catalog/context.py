"""What every store page's layout needs, loaded once per request and shared with the views."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Flask, g, request, url_for
from markupsafe import Markup

from storefront.catalog.services import CategoryNode, CategoryTree, category_tree
from storefront.cms.sanitize import sanitize_html
from storefront.cms.services import layout_blocks
from storefront.formatting import date, money
from storefront.i18n import page_locales, query_args
from storefront.models_base import TenantStore
from storefront.tenancy.session import optional_shop, tenant_session


@dataclass(frozen=True)
class Layout:
    """The store frame around a page: identity, locale, navigation and CMS blocks.

    Colours, fonts and the logo are the theme's (``storefront.themes``).
    """

    shop: TenantStore
    locale: str
    nav: list[CategoryNode]
    blocks: dict[str, Markup]


def request_tree() -> CategoryTree:
    """The store's category tree in the request's locale, read once per request."""
    tree: CategoryTree | None = g.get("category_tree")
    if tree is None:
        locale, default = page_locales()
        tree = g.category_tree = category_tree(tenant_session(), locale, default)
    return tree


def build_layout() -> Layout | None:
    """Read the layout of the current store page (before its template renders); None outside a
    store or when its DB is down."""
    cached: Layout | None = g.get("layout")
    if cached is not None:
        return cached
    shop = optional_shop()
    if shop is None:
        return None
    locale, default = page_locales()
    result = Layout(
        shop=shop, locale=locale, nav=request_tree().roots,
        blocks=layout_blocks(tenant_session(), locale=locale, default_locale=default),
    )
    g.layout = result
    return result


def layout() -> Layout | None:
    """The layout ``build_layout`` read for this page, if any; for templates, never a query."""
    built: Layout | None = g.get("layout")
    return built


def price(value: Decimal | None) -> str:
    """Money in the store's currency, formatted for the page's locale."""
    current = layout()
    if current is None:
        return "" if value is None else str(value)
    return money(value, current.shop.currency, current.locale)


def local_date(value: datetime | None) -> str:
    """A date formatted for the page's locale."""
    current = layout()
    return date(value, current.locale if current else "en")


def page_url(number: int) -> str:
    """This listing's URL with ``page`` set to ``number`` (omitted for the first page)."""
    args: dict[str, Any] = query_args(drop=("page",))
    if number > 1:
        args["page"] = str(number)
    endpoint = request.endpoint or "store.catalog.home"
    return url_for(endpoint, **{**args, **(request.view_args or {})})


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(layout=layout, price=price, local_date=local_date,
                                 page_url=page_url)
    app.jinja_env.filters["store_html"] = sanitize_html
