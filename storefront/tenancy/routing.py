"""Slug routing: every store page lives under ``/<slug>/`` and is resolved before its view runs."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g

from storefront.extensions import db
from storefront.platform.auth import signed_in_user_id
from storefront.tenancy.resolve import ResolvedStore, resolve_store


def resolve_request_store(slug: str) -> ResolvedStore:
    """Resolve this request's store into ``g.store`` (its logged-in owner passes the gate)."""
    g.store = resolve_store(
        slug,
        ttl=current_app.config["STORE_CACHE_TTL"],
        signed_in=lambda: signed_in_user_id(db.session()),
    )
    return g.store  # type: ignore[no-any-return]


def _resolve(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    slug = (values or {}).pop("store_slug", None)
    if slug is not None:
        resolve_request_store(slug)


def _add_slug(_endpoint: str, values: dict[str, Any]) -> None:
    if "store_slug" not in values and g.get("store") is not None:
        values["store_slug"] = g.store.slug


def store_blueprint() -> Blueprint:
    """The ``store`` blueprint, to be mounted under ``/<store_slug>``: it resolves the slug into
    ``g.store`` before any view and puts it back into every store URL built.

    The hooks features add to it (locale, page cache, SEO headers, theme previews) and the
    blueprints it holds are the app factory's to register, in the order it documents.
    """
    store_bp = Blueprint("store", __name__)
    store_bp.url_value_preprocessor(_resolve)
    store_bp.url_defaults(_add_slug)
    return store_bp
