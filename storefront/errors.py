"""Every exception that answers a request, mapped to its status code and page in one place."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, current_app, g, redirect, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from storefront.catalog.redirects import find_redirect
from storefront.extensions import db
from storefront.i18n import store_locales
from storefront.platform.crypto import CredentialError
from storefront.tenancy.errors import (
    StoreGone,
    StoreMoved,
    StoreNotFound,
    StoreSuspended,
    TenantUnavailable,
)
from storefront.tenancy.hosts import moved_host_url
from storefront.tenancy.routing import resolve_request_store
from storefront.tenancy.session import close_tenant_session, tenant_session

log = logging.getLogger(__name__)

PATH_SAFE = "/:@!$&'()*+,;=-._~"
UNREACHABLE = "This store cannot be reached right now. Please try again shortly."


def _page(template: str, status: int, headers: dict[str, str] | None = None,
          **context: object) -> tuple[str | Response, int, dict[str, str]]:
    if request_ctx.url_adapter is None:
        # Werkzeug could not bind the request's URLs (a Host it refuses): the themed page's
        # links cannot be built, a plain page can.
        return _plain_page(status), status, headers or {}
    return render_template(template, status=status, **context), status, headers or {}


def _plain_page(status: int) -> Response:
    """A page that needs nothing (no template, no URL building, no database)."""
    response = Response(f"{status} {HTTP_STATUS_CODES.get(status, 'Error')}\n", status,
                        mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def _store_moved(exc: StoreMoved) -> Any:
    # Keep the rest of the path and the query string; only the first segment changes.
    rest = request.path.split("/", 2)[2] if request.path.count("/") >= 2 else ""
    # On an old store host (acme-old.shops.example) the new store host is the target.
    # request.path is decoded: quote it again (a %0A must not become a header line break,
    # a %25 must stay a %25).
    rest = quote(rest, safe=PATH_SAFE)
    target = moved_host_url(request.environ, exc.new_slug, rest) or f"/{exc.new_slug}/{rest}"
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    # 308 keeps the method of a form POST; a crawler's GET gets the permanent 301.
    return redirect(target, code=301 if request.method in ("GET", "HEAD") else 308)


def _store_not_found(_exc: Exception | None) -> Any:
    return _page("errors/404.html", 404, store_known=False)


def _store_suspended(_exc: Exception) -> Any:
    return _page("errors/unavailable.html", 503,
                 {"Retry-After": str(current_app.config["RETRY_AFTER_SECONDS"])},
                 message="This store is closed for now. Please come back later.")


def _store_gone(_exc: Exception) -> Any:
    return _page("errors/410.html", 410)


def _tenant_unavailable(exc: Exception) -> Any:
    if isinstance(exc, CredentialError):
        log.error("credential error: %s", exc)
    return _page("errors/unavailable.html", 503, {"Retry-After": "30"}, message=UNREACHABLE)


STORE_ERRORS: dict[type[Exception], Callable[[Any], Any]] = {
    StoreMoved: _store_moved,
    StoreNotFound: _store_not_found,
    StoreSuspended: _store_suspended,
    StoreGone: _store_gone,
    TenantUnavailable: _tenant_unavailable,
    CredentialError: _tenant_unavailable,
}


def _not_found() -> Any:
    """A URL no view answered: inside a store, the store's own 404 (after its status gate)."""
    if g.get("store") is None:
        first = request.path.lstrip("/").split("/", 1)[0]
        if not first or first in ("static", "platform"):
            return _store_not_found(None)
        try:
            resolve_request_store(first)
        except tuple(STORE_ERRORS) as exc:
            return STORE_ERRORS[type(exc)](exc)
    moved = _moved_page()
    if moved is not None:
        return moved
    return _page("errors/404.html", 404, store_known=True)


def _moved_page() -> Any:
    """A product or category whose slug changed: 301 to where it lives now, in one hop."""
    if request.method not in ("GET", "HEAD"):
        return None
    parts = request.path.strip("/").split("/")[1:]  # without the store slug
    prefix = ""
    try:
        known = store_locales()
        if parts and parts[0] in known.available and parts[0] != known.default:
            prefix, parts = parts[0] + "/", parts[1:]
        target = find_redirect(tenant_session(), "/".join(parts)) if parts else None
    except TenantUnavailable:
        return None
    if target is None:
        return None
    location = f"/{g.store.slug}/{prefix}{target}"
    if request.query_string:
        location += "?" + request.query_string.decode("latin-1")
    return redirect(location, code=301)


def init_app(app: Flask) -> None:
    for exc_type, handler in STORE_ERRORS.items():
        app.register_error_handler(exc_type, handler)

    @app.errorhandler(CSRFError)
    def _csrf(_exc: CSRFError) -> Any:
        return _page("errors/400.html", 400, message="The form expired or was not sent from "
                     "this site. Please go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        if exc.code == 404:
            return _not_found()
        if exc.code == 400:
            return _page("errors/400.html", 400, message=exc.description)
        return exc.get_response()

    @app.errorhandler(Exception)
    def _unexpected(_exc: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        # A failed statement leaves a PostgreSQL transaction aborted; the page reads the store
        # (name, menu) through fresh ones.
        close_tenant_session()
        db.session.rollback()
        try:
            return _page("errors/500.html", 500)
        except Exception:  # the themed page failed too: still an answer, not Flask's bare one
            log.exception("the 500 page failed on %s %s", request.method, request.path)
            return _plain_page(500)
