"""A multi-tenant, server-rendered storefront."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from storefront import (
    cart,
    checkout,
    errors,
    formatting,
    health,
    i18n,
    inputs,
    mail,
    page_frame,
    unit_of_work,
)
from storefront.accounts import views as account_views
from storefront.cart import views as cart_views
from storefront.catalog import cli as catalog_cli
from storefront.catalog import context as catalog_context
from storefront.catalog import views as catalog_views
from storefront.checkout import views as checkout_views
from storefront.cms import views as cms_views
from storefront.config import PROJECT_ROOT, load_config
from storefront.console import views as console_views
from storefront.demo import cli as demo_cli
from storefront.extensions import cache, csrf, db
from storefront.landing import views as landing_views
from storefront.platform import cli as platform_cli
from storefront.platform import worker_cli
from storefront.search import views as search_views
from storefront.seo import head as seo_head
from storefront.seo import http as seo_http
from storefront.seo import views as seo_views
from storefront.tenancy import notices, page_cache, resolve, routing
from storefront.tenancy import session as tenancy_session
from storefront.tenancy.hosts import HostRouting
from storefront.themes import active as themes_active

# Every blueprint served under /<store_slug>/ (and /<store_slug>/<locale>/).
STORE_BLUEPRINTS = (catalog_views.bp, cms_views.bp, search_views.bp, seo_views.store_bp,
                    cart_views.bp, checkout_views.bp, account_views.bp, landing_views.store_bp)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The application factory; ``config`` overrides what the environment says (tests)."""
    settings = load_config(config)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(settings)
    if not app.logger.handlers or app.debug:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    db.init_app(app)
    unit_of_work.init_app(app)  # first: a request has its unit before other before_request hooks
    cache.init_app(app)
    csrf.init_app(app)
    tenancy_session.init_app(app)
    notices.init_app(app)
    _mount_stores(app)
    catalog_context.init_app(app)
    catalog_cli.init_app(app)
    demo_cli.init_app(app)
    health.init_app(app)
    formatting.init_app(app)
    errors.init_app(app)
    platform_cli.init_app(app, forget_slugs=resolve.forget_slugs)
    console_views.init_app(app)
    landing_views.init_app(app)
    seo_views.init_app(app)
    seo_head.init_app(app)
    themes_active.init_app(app)
    page_frame.init_app(app)
    cart.init_app(app)
    mail.init_app(app)
    checkout.init_app(app)
    worker_cli.init_app(app)
    if app.config["STOREFRONT_BASE_DOMAIN"]:
        routed = HostRouting(app.wsgi_app, app.config["STOREFRONT_BASE_DOMAIN"])
        app.wsgi_app = routed  # type: ignore[method-assign]
    # Around host routing, so nothing sees a malformed request; inside a ProxyFix, so the Host it
    # takes from X-Forwarded-Host is checked too.
    inputs.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        # Around host routing, so a forwarded Host is routed like a direct one.
        hops = app.config["TRUSTED_PROXIES"]
        fixed = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
        app.wsgi_app = fixed  # type: ignore[method-assign]
    return app


def _mount_stores(app: Flask) -> None:
    """Mount the store blueprints under ``/<store_slug>`` behind store resolution, with the
    hooks the features add to every store page.

    ``after_request`` hooks run in the reverse of their registration: the theme preview marks a
    preview first, the page cache then stores the page (never a preview; and only once its
    writes committed: the unit of work commits before any of them), and the SEO headers come
    last. ``before_request``: the page cache answers a stored page before the locale is
    checked against the store, so a cache hit opens no tenant DB.
    """
    store_bp: Blueprint = routing.store_blueprint()
    store_bp.after_request(seo_http.add_validators)  # runs last
    store_bp.after_request(seo_http.private_noindex)
    page_cache.init_store_blueprint(store_bp)
    store_bp.after_request(themes_active.preview_headers)  # runs first
    i18n.init_store_blueprint(store_bp)
    for bp in STORE_BLUEPRINTS:
        store_bp.register_blueprint(bp)
    app.register_blueprint(store_bp, url_prefix="/<store_slug>")
    i18n.init_app(app)
    page_cache.init_app(app)
    i18n.add_localized_rules(app)
