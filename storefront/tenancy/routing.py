"""Slug routing: every store page lives under ``/<slug>/`` and is resolved before its view runs."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, g

from storefront import i18n
from storefront.extensions import db
from storefront.platform.auth import signed_in_user_id
from storefront.seo import http as seo_http
from storefront.tenancy import page_cache
from storefront.tenancy.resolve import ResolvedStore, resolve_store
from storefront.themes.active import preview_headers


def resolve_request_store(slug: str) -> ResolvedStore:
    """Resolve this request's store into ``g.store`` (its logged-in owner passes the gate)."""
    g.store = resolve_store(
        slug,
        ttl=current_app.config["STORE_CACHE_TTL"],
        owner_id=signed_in_user_id(db.session()),
    )
    return g.store  # type: ignore[no-any-return]


def _resolve(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    slug = (values or {}).pop("store_slug", None)
    if slug is not None:
        resolve_request_store(slug)


def _add_slug(_endpoint: str, values: dict[str, Any]) -> None:
    if "store_slug" not in values and g.get("store") is not None:
        values["store_slug"] = g.store.slug


def init_app(app: Flask, blueprints: list[Blueprint]) -> None:
    """Mount the store blueprints under ``/<store_slug>`` behind store resolution."""
    store_bp = Blueprint("store", __name__)
    store_bp.url_value_preprocessor(_resolve)
    store_bp.url_defaults(_add_slug)
    store_bp.after_request(seo_http.add_validators)  # after_request runs in reverse: last
    store_bp.after_request(seo_http.private_noindex)
    # A page is stored only once its writes committed: the request's unit of work commits
    # before any after_request hook runs (storefront.unit_of_work).
    page_cache.init_store_blueprint(store_bp)
    store_bp.after_request(preview_headers)  # first: marks a preview before anything stores it
    # After the page cache's hook: the locale is checked against the store only on a miss.
    i18n.init_store_blueprint(store_bp)
    for bp in blueprints:
        store_bp.register_blueprint(bp)
    app.register_blueprint(store_bp, url_prefix="/<store_slug>")
    i18n.init_app(app)
    page_cache.init_app(app)
    i18n.add_localized_rules(app)
