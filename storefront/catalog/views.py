"""Catalog pages: home, category listing, product; parse the request, call a service, render."""
from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, request
from werkzeug.datastructures import MultiDict

from storefront.catalog.context import request_tree
from storefront.catalog.services import (
    SORTS,
    CatalogNotFound,
    ListingQuery,
    PageOutOfRange,
    category_page,
    home_page,
    page_size_setting,
    product_page,
)
from storefront.i18n import page_locales
from storefront.page_params import ignored, parse_page, understood
from storefront.tenancy.session import current_shop, tenant_session

bp = Blueprint("catalog", __name__)

RESERVED_PARAMS = frozenset({"page", "sort", "q"})
ATTRIBUTE_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


def parse_listing(args: MultiDict[str, str]) -> ListingQuery:
    """Page, sort order and every other parameter as a candidate attribute filter."""
    sort = args.get("sort", "") or "relevance"
    if sort not in SORTS:
        abort(400, description="Sort by one of: " + ", ".join(SORTS) + ".")
    understood("sort", [args.get("sort", "")])
    # A tracking parameter is never a filter, even where a store has an attribute ``ref``: the
    # page cache's key leaves it out, so the page must not depend on it.
    filters = {
        code: tuple(v for v in args.getlist(code) if v)
        for code in args
        if code not in RESERVED_PARAMS and ATTRIBUTE_CODE.match(code) and not ignored(code)
    }
    return ListingQuery(page=parse_page(args), sort=sort,
                        filters={k: v for k, v in filters.items() if v})


@bp.get("/")
def home() -> str:
    """The store's home page: CMS home block, top categories, featured and new products."""
    locale, default = page_locales()
    page = home_page(tenant_session(), locale=locale, default_locale=default)
    return render_template("catalog/home.html", page=page, categories=request_tree().roots)


@bp.get("/c/<category>")
def category(category: str) -> str:
    """A category listing with subcategories, facets, sorting and pagination."""
    query = parse_listing(request.args)
    locale, default = page_locales()
    try:
        page = category_page(tenant_session(), request_tree(), category, query, locale=locale,
                             default_locale=default,
                             page_size=page_size_setting(current_shop().settings))
    except (CatalogNotFound, PageOutOfRange):
        abort(404)
    for code, values in page.active_filters.items():  # links keep known filters only
        understood(code, values)
    return render_template("catalog/category.html", page=page, query=query, sorts=SORTS)


@bp.get("/p/<product>")
def product(product: str) -> str:
    """A product page: images, price, stock, attributes, reviews, related products."""
    locale, default = page_locales()
    try:
        page = product_page(tenant_session(), request_tree(), product, locale=locale,
                            default_locale=default)
    except CatalogNotFound:
        abort(404)
    return render_template("catalog/product.html", page=page)
