"""The shared whole-page cache: only truly anonymous pages, invalidated by the store's version."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from storefront.tenancy.resolve import bump_store_version
from tests.conftest import Databases, app_config, build_app, dispose
from tests.factories import add_products, make_store


@pytest.fixture
def app(databases: Databases, tmp_path: Path) -> Iterator[Flask]:
    """The app with its whole-page cache on (the suite's default app has it off)."""
    cached = build_app(app_config(databases, tmp_path, PAGE_CACHE_ENABLED=True))
    yield cached
    dispose(cached)


def test_anonymous_pages_are_served_from_the_cache(app: Flask) -> None:
    store = make_store(app, "acme", products=[{"slug": "anvil", "name": "Iron anvil"}])
    client = app.test_client(use_cookies=False)
    first = client.get("/acme/")
    assert first.headers["X-Page-Cache"] == "miss"
    second = client.get("/acme/")
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.data == first.data
    # A change behind the cache's back is not seen until the store's version moves…
    with app.app_context():
        from storefront.platform.cli import store_service

        add_products(store_service().tenant_url(store.id),
                     [{"slug": "hammer", "name": "Claw hammer"}])
    assert b"Claw hammer" not in client.get("/acme/").data
    with app.app_context():
        bump_store_version(store.id)
    fresh = client.get("/acme/")
    assert fresh.headers["X-Page-Cache"] == "miss" and b"Claw hammer" in fresh.data


def test_the_status_gate_comes_before_the_cache(app: Flask) -> None:
    make_store(app, "acme")
    client = app.test_client(use_cookies=False)
    client.get("/acme/")
    assert client.get("/acme/").headers["X-Page-Cache"] == "hit"
    assert app.test_cli_runner().invoke(args=["stores", "suspend", "acme"]).exit_code == 0
    assert client.get("/acme/").status_code == 503


def test_visitors_with_a_session_are_never_served_a_stored_page(app: Flask) -> None:
    make_store(app, "acme")
    anonymous = app.test_client(use_cookies=False)
    anonymous.get("/acme/")
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], "anything")
    response = client.get("/acme/")
    assert response.status_code == 200 and "X-Page-Cache" not in response.headers


def test_pages_that_write_the_session_are_not_stored(app: Flask) -> None:
    make_store(app, "acme")

    @app.get("/acme-session-writer")
    def writer() -> str:  # stands for any page rendering a CSRF token or a cart
        from flask import g, session

        from storefront.tenancy.page_cache import serve_cached, store_response
        from storefront.tenancy.resolve import resolve_store

        g.store = resolve_store("acme")
        assert serve_cached() is None
        session["cart"] = "something"
        from flask import make_response

        response = store_response(make_response("per-visitor"))
        assert "X-Page-Cache" not in response.headers
        return "ok"

    assert app.test_client(use_cookies=False).get("/acme-session-writer").data == b"ok"


def test_page_cache_is_per_store(app: Flask) -> None:
    make_store(app, "north", products=[{"slug": "same", "name": "Northern thing"}])
    make_store(app, "south", products=[{"slug": "same", "name": "Southern thing"}])
    client = app.test_client(use_cookies=False)
    for _ in range(2):
        assert b"Northern thing" in client.get("/north/").data
        south = client.get("/south/")
        assert b"Southern thing" in south.data and b"Northern thing" not in south.data


def test_an_order_drops_the_stores_cached_pages(app: Flask) -> None:
    from tests.checkout.helpers import add_to_cart, checkout_form, order_number

    make_store(app, "acme", products=[{"slug": "last-lamp", "name": "Last lamp", "stock": 1}])
    anonymous = app.test_client(use_cookies=False)
    anonymous.get("/acme/")
    cached = anonymous.get("/acme/")
    assert cached.headers["X-Page-Cache"] == "hit" and b"Only 1 left" in cached.data
    shopper = app.test_client()
    assert add_to_cart(shopper, "acme", 1).status_code == 303
    order_number(shopper.post("/acme/checkout", data=checkout_form(shopper, "acme")))
    after = anonymous.get("/acme/")
    assert after.headers["X-Page-Cache"] == "miss"
    assert b"Only 1 left" not in after.data and b"Out of stock" in after.data


def test_a_forged_host_header_never_reaches_other_visitors(app: Flask) -> None:
    make_store(app, "acme")
    client = app.test_client(use_cookies=False)
    forged = client.get("/acme/", headers={"Host": "evil.example"})
    assert b"http://evil.example/acme/" in forged.data
    honest = client.get("/acme/")
    assert b"evil.example" not in honest.data
    assert honest.headers["X-Page-Cache"] == "miss"


def test_tracking_parameters_share_one_cached_page(app: Flask) -> None:
    make_store(app, "acme")
    client = app.test_client(use_cookies=False)
    assert client.get("/acme/").headers["X-Page-Cache"] == "miss"
    for query in ("?utm_source=a", "?fbclid=xyz", "?utm_campaign=b&gclid=c"):
        assert client.get("/acme/" + query).headers["X-Page-Cache"] == "hit", query
    assert "X-Page-Cache" not in client.get("/acme/?x=" + "a" * 600).headers


def test_unknown_slugs_are_not_kept_in_the_cache(app: Flask) -> None:
    from storefront.extensions import cache

    client = app.test_client()
    for i in range(5):
        assert client.get(f"/random-{i}/").status_code == 404
    with app.app_context():
        assert all(cache.get(f"store-slug:random-{i}") is None for i in range(5))
