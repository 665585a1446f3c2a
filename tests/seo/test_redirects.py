"""A product whose slug changes keeps its old URLs: 301 to the final URL in one hop."""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.catalog.catalogs import import_document
from tests.factories import make_store


def product(slug: str) -> dict[str, Any]:
    return {"products": [{"sku": "SKU-1", "slug": slug, "price": "10.00", "stock": 3,
                          "translations": {"en": {"name": "Lamp"}, "de": {"name": "Lampe"}}}]}


def test_old_product_slugs_redirect_in_one_hop(app: Flask, client: FlaskClient) -> None:
    store = make_store(app, "acme", locales=["en", "de"], default_locale="en")
    import_document(app, store, product("lamp-a"))
    import_document(app, store, product("lamp-b"))
    import_document(app, store, product("lamp-c"))
    assert client.get("/acme/p/lamp-c").status_code == 200
    for old in ("lamp-a", "lamp-b"):
        response = client.get(f"/acme/p/{old}?utm_source=mail")
        assert response.status_code == 301
        assert response.headers["Location"] == "/acme/p/lamp-c?utm_source=mail"
        localized = client.get(f"/acme/de/p/{old}")
        assert (localized.status_code, localized.headers["Location"]) == (301, "/acme/de/p/lamp-c")
    assert client.get("/acme/p/never-existed").status_code == 404


def test_a_slug_taken_back_is_live_again(app: Flask, client: FlaskClient) -> None:
    store = make_store(app, "acme", locales=["en", "de"], default_locale="en")
    import_document(app, store, product("lamp-a"))
    import_document(app, store, product("lamp-b"))
    import_document(app, store, product("lamp-a"))
    assert client.get("/acme/p/lamp-a").status_code == 200
    moved = client.get("/acme/p/lamp-b")
    assert (moved.status_code, moved.headers["Location"]) == (301, "/acme/p/lamp-a")


def test_redirects_never_cross_stores(app: Flask, client: FlaskClient) -> None:
    first = make_store(app, "first", locales=["en", "de"], default_locale="en")
    make_store(app, "second")
    import_document(app, first, product("lamp-a"))
    import_document(app, first, product("lamp-b"))
    assert client.get("/first/p/lamp-a").status_code == 301
    assert client.get("/second/p/lamp-a").status_code == 404
