"""Search: names, SKUs and descriptions in the current locale, paginated, never indexed."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from storefront.platform.models import Store
from tests.catalog.conftest import set_settings
from tests.catalog.html import product_names

MATCHES = [
    ("tee", {"Red tee", "Blue tee", "Green tee"}),
    ("TEE", {"Red tee", "Blue tee", "Green tee"}),
    ("oxford", {"Oxford shirt"}),
    ("shirts", {"Oxford shirt"}),  # a plural finds the singular on every backend
    ("jkt-rain", {"Rain jacket"}),  # SKU
    ("cotton", {"Red tee"}),  # description
    ("red tee", {"Red tee"}),  # every word must match
    ("draft", set()),  # drafts are not for sale
    ("100%_off", set()),  # LIKE wildcards are literal
]


@pytest.mark.read_only
def test_search_matches_name_sku_and_description(client: FlaskClient, acme: Store) -> None:
    for q, expected in MATCHES:
        page = client.get("/acme/search", query_string={"q": q})
        assert page.status_code == 200
        assert page.headers["X-Robots-Tag"] == "noindex"
        body = page.get_data(as_text=True)
        assert set(product_names(body)) == expected, q
        assert '<meta name="robots" content="noindex">' in body


@pytest.mark.read_only
def test_search_in_the_current_locale(client: FlaskClient, acme: Store, books: Store) -> None:
    body = client.get("/acme/de/search?q=Regenjacke").get_data(as_text=True)
    assert product_names(body) == ["Regenjacke"]
    # A product without a German name is found by its English one.
    assert product_names(client.get("/acme/de/search?q=green").get_data(as_text=True)) == [
        "Green tee"]
    # Only this store's products.
    assert product_names(client.get("/books/search?q=tee").get_data(as_text=True)) == [
        "The Red Tee Mystery"]


def test_search_is_paginated(app: Flask, client: FlaskClient, acme: Store) -> None:
    set_settings(app, acme, page_size=2)
    first = client.get("/acme/search?q=tee").get_data(as_text=True)
    second = client.get("/acme/search?q=tee&page=2").get_data(as_text=True)
    assert len(product_names(first)) == 2 and len(product_names(second)) == 1
    assert set(product_names(first) + product_names(second)) == {"Red tee", "Blue tee",
                                                                 "Green tee"}
    assert 'href="/acme/search?q=tee&amp;page=2" rel="next"' in first
    assert client.get("/acme/search?q=tee&page=3").status_code == 404
    assert client.get("/acme/search?q=tee&page=x").status_code == 400


@pytest.mark.read_only
def test_empty_or_overlong_query(client: FlaskClient, acme: Store) -> None:
    for q, message in [("", "Enter a word to search for."),
                       ("   ", "Enter a word to search for."),
                       ("x" * 10_000, "Your search is too long")]:
        page = client.get("/acme/search", query_string={"q": q})
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert message in body
        assert product_names(body) == []
        assert "x" * 201 not in body.split("<body", 1)[1]  # not echoed back whole
