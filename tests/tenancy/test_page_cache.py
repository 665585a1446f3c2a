"""The shared whole-page cache: only truly anonymous pages, invalidated by the store's version."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from storefront.platform import provisioning
from storefront.tenancy.resolve import bump_store_version
from tests.catalog.catalogs import ACME, import_document, make_acme
from tests.catalog.html import links, product_names
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
    assert first.headers["Vary"] == second.headers["Vary"] == "Cookie"
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


def test_links_on_a_cached_page_carry_only_what_the_page_understood(app: Flask) -> None:
    make_acme(app, settings={"page_size": 1})
    client = app.test_client(use_cookies=False)
    # The first visitor comes from a newsletter with a referral code; the key leaves both out…
    first = client.get("/acme/de/c/shirts?colour=blue&utm_source=newsletter&ref=friend-42")
    assert first.headers["X-Page-Cache"] == "miss"
    # …so the next visitor is served the same page: it must not hand them the first one's codes.
    second = client.get("/acme/de/c/shirts?colour=blue")
    assert second.headers["X-Page-Cache"] == "hit" and second.data == first.data
    # Unknown parameters and unknown filter values are ignored by the page, and by its links.
    unknown = client.get("/acme/de/c/shirts?colour=blue&foo=bar&colour=purple")
    assert unknown.status_code == 200
    for response in (first, unknown):
        body = response.get_data(as_text=True)
        for leak in ("utm_source", "newsletter", "?ref=", "&ref=", "friend-42", "foo=", "purple"):
            assert leak not in body, leak
        assert links(body, "pagination") == ["/acme/de/c/shirts?colour=blue",
                                             "/acme/de/c/shirts?colour=blue&page=2",
                                             "/acme/de/c/shirts?colour=blue&page=2"]
        assert links(body, "locale-switcher") == ["/acme/c/shirts?colour=blue",
                                                  "/acme/de/c/shirts?colour=blue"]


def test_a_tracking_name_is_never_a_filter_the_key_would_miss(app: Flask) -> None:
    """``ref`` is left out of the key, so a store's attribute called ``ref`` cannot filter by it."""
    store = make_acme(app)
    ref = {"attributes": [{"code": "ref", "labels": {"en": "Ref"},
                           "values": [{"value": "a1", "labels": {"en": "A1"}}]}],
           "products": [{**ACME["products"][0], "attributes": {"ref": ["a1"]}}]}
    import_document(app, store, {**ACME, **ref, "products": ACME["products"][1:]
                                 + ref["products"]})
    client = app.test_client(use_cookies=False)
    referred = client.get("/acme/c/shirts?ref=a1").get_data(as_text=True)
    assert 'name="ref" value="a1"' in referred  # the attribute is there, as a facet
    everything = product_names(client.get("/acme/c/shirts").get_data(as_text=True))
    assert len(everything) > 1 and product_names(referred) == everything


def test_repeated_parameters_are_keyed_as_the_view_reads_them(app: Flask) -> None:
    make_acme(app, settings={"page_size": 1})
    client = app.test_client(use_cookies=False)
    # The view reads the first page number: these two requests mean different pages.
    second_page = client.get("/acme/c/shirts?page=2&page=1")
    assert b"Page 2 of 4" in second_page.data
    for _ in range(2):
        first_page = client.get("/acme/c/shirts?page=1&page=2")
        assert b"Page 1 of 4" in first_page.data, first_page.headers["X-Page-Cache"]
    assert first_page.headers["X-Page-Cache"] == "hit"
    # A filter reads every value: keying on the first one would mix these two up.
    client.get("/acme/c/shirts?colour=red&colour=blue")
    for query, pages in (("colour=red&colour=blue", 3), ("colour=red&colour=green", 2)):
        body = client.get(f"/acme/c/shirts?{query}").get_data(as_text=True)
        assert f"Page 1 of {pages}" in body, query


def test_a_cached_page_in_another_locale_needs_no_tenant_db(app: Flask,
                                                            databases: Databases) -> None:
    store = make_acme(app)
    client = app.test_client(use_cookies=False)
    pages = ("/acme/de/", "/acme/de/pages/about", "/acme/de/c/shirts?colour=blue")
    stored = {path: client.get(path).data for path in pages}
    provisioning.drop_database(databases.tenant_url(store.id))
    connections = app.extensions["tenant_connections"]
    connections.dispose_all()
    for path in pages:
        response = client.get(path)
        assert (response.status_code, response.headers["X-Page-Cache"]) == (200, "hit"), path
        assert response.data == stored[path]
    assert len(connections) == 0  # not even an engine was made for the store's DB
    # The DB really is down: a page that is not stored cannot be rendered.
    assert client.get("/acme/de/c/jackets").status_code == 503
