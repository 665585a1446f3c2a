"""Templates never query: every page type is rendered with no SQL statement sent while its
template renders. Views (and the before-render step that loads the page's frame) read everything
first; a template only formats what it was given, so a relationship left unloaded raises instead
of querying and a slow page is visible in its view, not hidden in its template."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask, before_render_template, template_rendered
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, text

from storefront.platform.models import Store
from storefront.tenancy.routing import resolve_request_store
from storefront.tenancy.session import tenant_session
from tests.accounts.test_accounts import register
from tests.catalog.conftest import acme  # noqa: F401 - the store fixture
from tests.checkout.helpers import add_to_cart, checkout_form, csrf_from, order_number
from tests.themes.test_themes import login as owner_login

# (method, path, expected status): every kind of page the storefront and the platform render.
ANONYMOUS = [
    ("/", 200),  # the landing page
    ("/acme/", 200),
    ("/acme/de/", 200),
    ("/acme/c/shirts?sort=price_desc&colour=red", 200),
    ("/acme/p/red-tee", 200),
    ("/acme/de/p/red-tee", 200),
    ("/acme/search?q=tee", 200),
    ("/acme/pages/about", 200),
    ("/acme/cart", 200),
    ("/acme/account/login", 200),
    ("/acme/account/register", 200),
    ("/acme/no-such-page", 404),
    ("/acme/p/no-such-product", 404),
    ("/no-such-store/", 404),
    ("/platform/login", 200),
]
SHOPPER = [
    ("/acme/cart", 200),
    ("/acme/checkout", 200),
    ("/acme/account/", 200),
    ("/acme/account/addresses", 200),
    ("/acme/account/wishlist", 200),
    ("/acme/account/password", 200),
    ("/acme/p/red-tee", 200),
]
OWNER_PAGES = [
    ("/platform/", 200),
    ("/platform/password", 200),
    ("/platform/stores/acme/theme", 200),
    ("/acme/?preview_theme=boutique", 200),
    ("/acme/p/red-tee?preview_theme=market", 200),
]


class Renders:
    """The templates rendered while watching, and the SQL each one sent while it rendered."""

    def __init__(self) -> None:
        self.rendering: list[str] = []
        self.statements: dict[str, list[str]] = {}

    def queried(self) -> dict[str, list[str]]:
        return {name: sql for name, sql in self.statements.items() if sql}


@contextmanager
def watching(app: Flask) -> Iterator[Renders]:
    """Record, per template, every statement any engine sends between the template's
    ``before_render_template`` and ``template_rendered`` signals (this thread only)."""
    renders = Renders()
    thread = threading.get_ident()

    def started(_app: Flask, template: Any, **_: Any) -> None:
        renders.rendering.append(template.name)
        renders.statements.setdefault(template.name, [])

    def finished(_app: Flask, template: Any, **_: Any) -> None:
        renders.rendering.pop()

    def statement(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if threading.get_ident() == thread and renders.rendering:
            renders.statements[renders.rendering[-1]].append(sql)

    before_render_template.connect(started, app)
    template_rendered.connect(finished, app)
    event.listen(Engine, "before_cursor_execute", statement)
    try:
        yield renders
    finally:
        event.remove(Engine, "before_cursor_execute", statement)
        template_rendered.disconnect(finished, app)
        before_render_template.disconnect(started, app)


def _visit(app: Flask, client: FlaskClient, pages: list[tuple[str, int]]) -> Renders:
    with watching(app) as renders:
        for path, status in pages:
            response = client.get(path)
            assert response.status_code == status, (path, response.status_code)
            assert response.headers.get("X-Page-Cache") != "hit", path  # really rendered
    return renders


@pytest.fixture
def uncached(app: Flask) -> Flask:
    app.config["PAGE_CACHE_ENABLED"] = False  # every visit renders its page
    return app


def test_anonymous_pages_render_without_a_query(uncached: Flask, client: FlaskClient,
                                                acme: Store) -> None:  # noqa: F811
    renders = _visit(uncached, client, ANONYMOUS)
    assert {"catalog/home.html", "catalog/category.html", "catalog/product.html",
            "search/results.html", "cms/page.html", "cart/cart.html", "errors/404.html",
            "landing/index.html", "platform/login.html"} <= set(renders.statements)
    assert renders.queried() == {}


def test_shopper_pages_render_without_a_query(uncached: Flask, client: FlaskClient,
                                              acme: Store) -> None:  # noqa: F811
    assert register(client, slug="acme").status_code == 303  # type: ignore[attr-defined]
    add_to_cart(client, "acme", 1, 2)
    number = order_number(client.post("/acme/checkout", data=checkout_form(client, "acme")))
    add_to_cart(client, "acme", 2)
    form = checkout_form(client, "acme", shipping_method="no-such-method")
    with watching(uncached) as refused:
        assert client.post("/acme/checkout", data=form).status_code == 422
    token = csrf_from(client, "/acme/account/addresses")
    with watching(uncached) as invalid:  # a form shown again with its errors
        assert client.post("/acme/account/addresses",
                           data={"csrf_token": token, "kind": "shipping"}).status_code == 422
    renders = _visit(uncached, client, [*SHOPPER, (f"/acme/order/{number}", 200)])
    assert {"checkout/checkout.html", "checkout/confirmation.html", "account/orders.html",
            "account/addresses.html", "account/wishlist.html",
            "account/password.html"} <= set(renders.statements)
    assert (renders.queried(), refused.queried(), invalid.queried()) == ({}, {}, {})


def test_owner_pages_and_previews_render_without_a_query(uncached: Flask, client: FlaskClient,
                                                         acme: Store) -> None:  # noqa: F811
    owner_login(client)
    renders = _visit(uncached, client, OWNER_PAGES)
    assert {"platform/stores.html", "platform/password.html", "platform/theme.html",
            "catalog/home.html", "catalog/product.html"} <= set(renders.statements)
    assert renders.queried() == {}


def test_error_pages_render_without_a_query(uncached: Flask, client: FlaskClient,
                                            acme: Store, runner: Any) -> None:  # noqa: F811
    @uncached.get("/test-failing-statement/<slug>")
    def failing_statement(slug: str) -> str:
        resolve_request_store(slug)
        tenant_session().execute(text("SELECT no_such_column FROM stores"))
        return "unreachable"

    with watching(uncached) as failed:
        assert client.get("/test-failing-statement/acme").status_code == 500
    assert runner.invoke(args=["stores", "suspend", "acme"]).exit_code == 0
    with watching(uncached) as closed:
        assert client.get("/acme/").status_code == 503
    assert runner.invoke(args=["stores", "delete", "acme", "--yes"]).exit_code == 0
    with watching(uncached) as gone:
        assert client.get("/acme/").status_code == 410
    assert "errors/500.html" in failed.statements
    assert "errors/unavailable.html" in closed.statements
    assert "errors/410.html" in gone.statements
    assert (failed.queried(), closed.queried(), gone.queried()) == ({}, {}, {})
