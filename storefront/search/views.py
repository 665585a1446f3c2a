"""Search results at ``/<s>/search?q=`` (never indexed)."""
from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, request
from werkzeug.wrappers import Response

from storefront.catalog.services import PageOutOfRange, page_size_setting
from storefront.i18n import page_locales
from storefront.page_params import parse_page, understood
from storefront.search.services import (
    MAX_QUERY_LENGTH,
    QueryTooLong,
    normalise_query,
    search_products,
)
from storefront.tenancy.session import current_shop, tenant_session

bp = Blueprint("search", __name__)


@bp.get("/search")
def results() -> Response:
    """Matching products, paginated; an empty or overlong query gets a message, not an error."""
    page_number = parse_page(request.args)
    raw = request.args.get("q", "")
    understood("q", [raw])
    problem = None
    results = None
    q = ""
    try:
        q = normalise_query(raw)
    except QueryTooLong:
        problem = "too_long"
    if not problem and not q:
        problem = "empty"
    if problem is None:
        locale, default = page_locales()
        try:
            results = search_products(tenant_session(), q, locale=locale, default_locale=default,
                                      page=page_number,
                                      page_size=page_size_setting(current_shop().settings))
        except PageOutOfRange:
            abort(404)
    response = make_response(render_template(
        "search/results.html", q=q if problem != "too_long" else raw[:MAX_QUERY_LENGTH],
        results=results, problem=problem, max_length=MAX_QUERY_LENGTH))
    response.headers["X-Robots-Tag"] = "noindex"
    return response
