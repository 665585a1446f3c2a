"""What every store page's layout needs, loaded once per request and shared with the views."""
from __future__ import annotations

import re
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
from storefront.i18n import current_locale, query_args
from storefront.tenancy.models import TenantStore
from storefront.tenancy.session import current_shop, optional_shop, tenant_session

HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
SAFE_URL = re.compile(r"^(?:https://|/)[^\s\"'<>()\\]*$")


@dataclass(frozen=True)
class Layout:
    """The store frame around a page: identity, locale, navigation, CMS blocks, colours."""

    shop: TenantStore
    locale: str
    nav: list[CategoryNode]
    blocks: dict[str, Markup]
    colours: dict[str, str]
    logo_url: str | None


def locales() -> tuple[str, str]:
    """(locale of this request, the store's default locale)."""
    return current_locale(), current_shop().default_locale


def request_tree() -> CategoryTree:
    """The store's category tree in the request's locale, read once per request."""
    tree: CategoryTree | None = g.get("category_tree")
    if tree is None:
        locale, default = locales()
        tree = g.category_tree = category_tree(tenant_session(), locale, default)
    return tree


def theme_colours(theme: dict[str, Any] | None) -> dict[str, str]:
    """The theme's colours that are plain hex values (anything else could escape the CSS)."""
    colours = (theme or {}).get("colors") or (theme or {}).get("colours") or {}
    if not isinstance(colours, dict):
        return {}
    return {name: value for name, value in colours.items()
            if name in ("accent", "header_bg", "header_fg") and isinstance(value, str)
            and HEX_COLOUR.match(value)}


def layout() -> Layout | None:
    """The layout of the current store page; None outside a store or when its DB is down."""
    cached: Layout | None = g.get("layout")
    if cached is not None:
        return cached
    shop = optional_shop()
    if shop is None:
        return None
    locale, default = locales()
    logo = (shop.theme or {}).get("logo_url")
    result = Layout(
        shop=shop, locale=locale, nav=request_tree().roots,
        blocks=layout_blocks(tenant_session(), locale=locale, default_locale=default),
        colours=theme_colours(shop.theme),
        logo_url=logo if isinstance(logo, str) and SAFE_URL.match(logo) else None,
    )
    g.layout = result
    return result


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
