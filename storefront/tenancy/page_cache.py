"""Whole-page cache for anonymous store pages, shared by every process through ``cache``.

Only a response that cannot differ between visitors is stored: a GET answered 200 to a request
without a session cookie, whose rendering did not write the session (a CSRF token, a cart) and
that did not opt out (previews, carts, checkout). Keys carry the store id and its content
version, so a catalog import or a theme publish invalidates every page of the store at once.
"""
from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask, Response, current_app, g, request, session

from storefront.extensions import cache
from storefront.page_params import ignored
from storefront.tenancy.resolve import bump_store_version, store_version
from storefront.unit_of_work import after_commit

HEADER = "X-Page-Cache"


def no_page_cache() -> None:
    """Mark this response as never to be stored (a preview, a per-visitor page)."""
    g.no_page_cache = True


def no_store(response: Response) -> Response:
    """Carts, checkouts and accounts are personal: never kept by a shared cache."""
    no_page_cache()
    response.headers["Cache-Control"] = "private, no-store"
    return response


def content_changed() -> None:
    """This request changes what the store's pages show (stock, say): once its writes are
    committed, every cached page of the store is dropped."""
    store_id = g.store.id
    # A shopper's write (an order's stock) changes pages, never the store's settings: what is
    # built from settings alone (its robots.txt rules) stays cached.
    after_commit(lambda: bump_store_version(store_id, settings_changed=False))


def _anonymous() -> bool:
    return request.method in ("GET", "HEAD") and current_app.config["SESSION_COOKIE_NAME"] \
        not in request.cookies


MAX_QUERY = 512


def _key() -> str | None:
    store = g.get("store")
    if store is None or len(request.query_string) > MAX_QUERY:
        return None
    # Exactly what a view can read: the parsed parameters in their order, every value of each
    # (a view reads the first ``page``, but every ``colour`` filter), less the tracking ones no
    # view reads. Nothing is sorted: ``?page=2&page=1`` is not ``?page=1&page=2``, and a page
    # whose output follows parameter order (its canonical URL) is never served for another
    # order. The links pages build are in one fixed order, so real visitors share entries.
    query = [(k, values) for k, values in request.args.lists() if not ignored(k)]
    # The host and scheme are in the key: pages carry absolute URLs built from them.
    identity = repr((request.host_url, request.path, query))
    digest = hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{store.id}:{store_version(store.id)}:{digest}"


def serve_cached() -> Response | None:
    """Before the view: the stored page for an anonymous request, if there is one."""
    if not current_app.config.get("PAGE_CACHE_ENABLED", True) or not _anonymous():
        return None
    if "preview_theme" in request.args:
        return None
    key = _key()
    if key is None:
        return None
    stored: dict[str, Any] | None = cache.get(key)
    if stored is None:
        g.page_cache_key = key
        return None
    response = Response(stored["body"], status=200, mimetype=stored["mimetype"])
    for name, value in stored["headers"]:
        response.headers[name] = value
    response.headers[HEADER] = "hit"
    response.vary.add("Cookie")  # served only to a request without a session cookie
    return response


def store_response(response: Response) -> Response:
    """After the view: keep the response if nothing about it is visitor-specific."""
    key = g.pop("page_cache_key", None)
    if (key is None or response.status_code != 200 or g.get("no_page_cache")
            or session.modified or response.headers.get("Set-Cookie")
            or response.direct_passthrough or response.headers.get(HEADER) == "hit"):
        return response
    headers = [(k, v) for k, v in response.headers.items()
               if k in ("Content-Language", "X-Robots-Tag", "Link", "Last-Modified")]
    cache.set(key, {"body": response.get_data(), "mimetype": response.mimetype,
                    "headers": headers}, timeout=current_app.config.get("PAGE_CACHE_TTL", 600))
    response.headers[HEADER] = "miss"
    return response


def init_store_blueprint(store_bp: Any) -> None:
    store_bp.before_request(serve_cached)
    store_bp.after_request(store_response)


def init_app(app: Flask) -> None:
    app.config.setdefault("PAGE_CACHE_ENABLED", True)
    app.config.setdefault("PAGE_CACHE_TTL", 600)
