"""A multi-tenant, server-rendered storefront."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from storefront.config import PROJECT_ROOT, load_config


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

    from storefront import (
        cart,
        checkout,
        errors,
        formatting,
        health,
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
    from storefront.extensions import cache, csrf, db
    from storefront.landing import views as landing_views
    from storefront.platform import cli as platform_cli
    from storefront.platform import views as platform_views
    from storefront.platform import worker_cli
    from storefront.search import views as search_views
    from storefront.seo import head as seo_head
    from storefront.seo import views as seo_views
    from storefront.tenancy import notices
    from storefront.tenancy import session as tenancy_session
    from storefront.tenancy.routing import init_app as init_storefront
    from storefront.themes import active as themes_active

    db.init_app(app)
    unit_of_work.init_app(app)  # first: its commit runs before every after_request hook
    cache.init_app(app)
    csrf.init_app(app)
    tenancy_session.init_app(app)
    notices.init_app(app)
    init_storefront(app, [catalog_views.bp, cms_views.bp, search_views.bp, seo_views.store_bp,
                          cart_views.bp, checkout_views.bp, account_views.bp,
                          landing_views.store_bp])
    catalog_context.init_app(app)
    catalog_cli.init_app(app)
    health.init_app(app)
    formatting.init_app(app)
    errors.init_app(app)
    platform_cli.init_app(app)
    platform_views.init_app(app)
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
        from storefront.tenancy.hosts import HostRouting

        routed = HostRouting(app.wsgi_app, app.config["STOREFRONT_BASE_DOMAIN"])
        app.wsgi_app = routed  # type: ignore[method-assign]
    # Around host routing, so nothing sees a malformed request; inside a ProxyFix, so the Host it
    # takes from X-Forwarded-Host is checked too.
    inputs.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Around host routing, so a forwarded Host is routed like a direct one.
        hops = app.config["TRUSTED_PROXIES"]
        fixed = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
        app.wsgi_app = fixed  # type: ignore[method-assign]
    return app
