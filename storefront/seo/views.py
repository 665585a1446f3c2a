"""Crawl files: ``/<s>/sitemap.xml`` per store; ``/sitemap.xml``, ``/robots.txt`` per host."""
from __future__ import annotations

import re
import uuid
from typing import Any
from xml.sax.saxutils import escape

from flask import Blueprint, Flask, Response, abort, current_app, request, url_for
from sqlalchemy import select

from storefront.extensions import cache, db
from storefront.inputs import whole_number
from storefront.models_base import TenantStore
from storefront.platform.models import Store, StoreDatabase
from storefront.seo.sitemaps import SITEMAP_NS, XHTML_NS, PublicPage, public_pages, w3c_datetime
from storefront.tenancy.errors import TenantUnavailable
from storefront.tenancy.resolve import settings_versions, stores_version
from storefront.tenancy.session import current_shop, reading_tenant, tenant_session

store_bp = Blueprint("seo", __name__)
host_bp = Blueprint("crawl", __name__)

# Never for crawlers: private, per-shopper or duplicate pages.
DISALLOWED = ("/platform/", "/*/cart", "/*/checkout", "/*/account/", "/*/order/", "/*/search",
              "/*?preview_theme=", "/*&preview_theme=")


ROBOTS_PATH = re.compile(r"^/[A-Za-z0-9/_.*$?=&%-]{0,200}$")


def _xml(body: str) -> Response:
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + body,
                    mimetype="application/xml")


MAX_SITEMAP_PART = 999_999


def _part_arg() -> int | None:
    raw = request.args.get("part")
    if raw is None:
        return None
    try:
        return whole_number(raw, 1, MAX_SITEMAP_PART)
    except ValueError:
        abort(400, "part must be a positive whole number")


@store_bp.get("/sitemap.xml")
def store_sitemap() -> Response:
    """The store's sitemap; past the URL limit an index of numbered parts (``?part=N``)."""
    part = _part_arg()  # a malformed one is a 400 before the store's pages are read
    shop = current_shop()
    locales = list(shop.locales or [shop.default_locale])
    pages = public_pages(tenant_session(), shop)
    limit = current_app.config.get("SITEMAP_MAX_URLS", 50000)
    per_part = max(1, limit // len(locales))  # every locale of a page stays in one part
    if len(pages) * len(locales) > limit:
        parts = (len(pages) + per_part - 1) // per_part
        if part is None:
            return _xml(_index([url_for("store.seo.store_sitemap", part=n, locale=None,
                                        _external=True) for n in range(1, parts + 1)]))
        if part > parts:
            abort(404)
        pages = pages[(part - 1) * per_part: part * per_part]
    elif part is not None and part != 1:
        abort(404)
    return _xml(_urlset(pages, locales, shop.default_locale))


def _urlset(pages: list[PublicPage], locales: list[str], default: str) -> str:
    lines = [f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    for page in pages:
        args = dict(page.args)
        hrefs = {loc: url_for(page.endpoint, **args, locale=None if loc == default else loc,
                              _external=True) for loc in locales}
        alternates = ""
        if len(locales) > 1:
            alternates = "".join(
                f'<xhtml:link rel="alternate" hreflang="{escape(loc)}" href="{escape(href)}"/>'
                for loc, href in hrefs.items()
            ) + (f'<xhtml:link rel="alternate" hreflang="x-default" '
                 f'href="{escape(hrefs[default])}"/>')
        lastmod = w3c_datetime(page.lastmod)
        for href in hrefs.values():
            lines.append(f"<url><loc>{escape(href)}</loc>"
                         + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
                         + alternates + "</url>")
    lines.append("</urlset>")
    return "\n".join(lines)


def _index(locs: list[str]) -> str:
    body = "".join(f"<sitemap><loc>{escape(loc)}</loc></sitemap>" for loc in locs)
    return f'<sitemapindex xmlns="{SITEMAP_NS}">{body}</sitemapindex>'


@host_bp.get("/sitemap.xml")
def platform_sitemap() -> Response:
    """An index of the sitemaps of active stores only (read from master alone)."""
    slugs = db.session.scalars(
        select(Store.slug).where(Store.live()).order_by(Store.slug)
    ).all()
    base = request.host_url.rstrip("/")
    return _xml(_index([f"{base}/{slug}/sitemap.xml" for slug in slugs]))


ROBOTS_TTL_SECONDS = 3600
ROBOTS_RETRY_SECONDS = 60  # a body missing an unreachable store's rules is rebuilt soon


@host_bp.get("/robots.txt")
def robots() -> Response:
    """Rules for this host: no private or duplicate pages, each store's own rules, sitemaps."""
    # Keyed on the version every store's life and settings move, never an order: serving it
    # opens no tenant DB unless a store was added or changed its settings.
    key = f"robots-txt:{stores_version()}"
    body = cache.get(key)
    if body is None:
        body, complete = _robots_body()
        cache.set(key, body, timeout=ROBOTS_TTL_SECONDS if complete else ROBOTS_RETRY_SECONDS)
    sitemap = f"Sitemap: {request.host_url.rstrip('/')}/sitemap.xml"
    return Response(body + "\n" + sitemap + "\n", mimetype="text/plain")


def _robots_body() -> tuple[str, bool]:
    """The host's rules, and whether every live store's own rules are in them."""
    lines = ["User-agent: *", *[f"Disallow: {path}" for path in DISALLOWED]]
    rows = db.session.execute(
        select(Store.id, Store.slug, StoreDatabase.version)
        .join(StoreDatabase, StoreDatabase.store_id == Store.id)
        .where(Store.live()).order_by(Store.slug)
    ).all()
    rules = _stores_rules({store_id: version for store_id, _, version in rows})
    for store_id, slug, _ in rows:
        lines += [f"Disallow: /{slug}{path}" for path in rules.get(store_id) or []]
    return "\n".join(lines) + "\n", len(rules) == len(rows)


def _stores_rules(db_versions: dict[uuid.UUID, int]) -> dict[uuid.UUID, list[str]]:
    """Each store's rules, cached per store and settings version: only a store whose settings
    changed (or that is new to the cache) has its tenant DB opened. An unreachable one is left
    out of the answer."""
    keys = {store_id: f"robots-rules:{store_id}:{version}"
            for store_id, version in settings_versions(db_versions).items()}
    found = dict(zip(keys, cache.get_many(*keys.values()) if keys else [], strict=True))
    rules: dict[uuid.UUID, list[str]] = {}
    for store_id, paths in found.items():
        if paths is None:
            paths = _store_rules(store_id, db_versions[store_id])
            if paths is None:
                continue
            cache.set(keys[store_id], paths, timeout=0)
        rules[store_id] = paths
    return rules


def _store_rules(store_id: uuid.UUID, version: int) -> list[str] | None:
    """The store's ``settings.robots_disallow`` paths (relative to the store), sanitised; None
    when its tenant DB cannot be reached."""
    try:
        with reading_tenant(store_id, version) as tenant:
            settings = tenant.scalar(select(TenantStore.settings)
                                     .where(TenantStore.id == store_id)) or {}
    except TenantUnavailable:
        return None  # one unreachable store must not take robots.txt down
    paths = settings.get("robots_disallow") if isinstance(settings, dict) else None
    if not isinstance(paths, list):
        return []
    return [p for p in paths if isinstance(p, str) and ROBOTS_PATH.match(p)][:50]


def init_app(app: Flask) -> Any:
    app.register_blueprint(host_bp)
