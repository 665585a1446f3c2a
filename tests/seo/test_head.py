"""Head tags and structured data per page type, read with a real extractor (extruct)."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import extruct
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from storefront.catalog.models import Product, Review
from storefront.platform.models import Store
from tests.catalog.catalogs import make_acme
from tests.factories import tenant_engine

CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)">')
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')


def head(client: FlaskClient, path: str) -> tuple[str, list[str], dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    return html, CANONICAL.findall(html), dict(ALTERNATE.findall(html))


def json_ld(html: str, url: str = "http://localhost/") -> dict[str, dict[str, Any]]:
    items = extruct.extract(html, base_url=url, syntaxes=["json-ld", "opengraph"],
                            uniform=True)
    return {item["@type"]: item for item in items["json-ld"]}, items["opengraph"]  # type: ignore[return-value]


def path_of(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def approve_review(app: Flask, store: Any, slug: str, ratings: list[int]) -> None:
    engine = tenant_engine(app, store.id)
    try:
        with Session(engine) as s, s.begin():
            product_id = s.query(Product.id).filter(Product.slug == slug).scalar()
            for rating in ratings:
                s.add(Review(product_id=product_id, author_name="Ann", rating=rating,
                             body="Good", status="approved"))
            s.add(Review(product_id=product_id, author_name="Spam", rating=1, body="x",
                         status="pending"))
    finally:
        engine.dispose()


@pytest.mark.read_only
def test_product_page(client: FlaskClient, acme: Store) -> None:
    # red-tee has two approved reviews (5 and 4) and a pending one
    html, canonicals, alternates = head(client, "/acme/p/red-tee?utm_source=news&fbclid=1")
    assert canonicals == ["http://localhost/acme/p/red-tee"]
    assert alternates == {"en": "http://localhost/acme/p/red-tee",
                          "de": "http://localhost/acme/de/p/red-tee",
                          "x-default": "http://localhost/acme/p/red-tee"}
    # hreflang consistent both ways: the German page names the same set, and itself canonical.
    de_html, de_canonicals, de_alternates = head(client, "/acme/de/p/red-tee")
    assert de_canonicals == ["http://localhost/acme/de/p/red-tee"]
    assert de_alternates == alternates
    data, og = json_ld(html)
    product = data["Product"]
    assert product["name"] and product["sku"]
    offer = product["offers"]
    assert offer["@type"] == "Offer" and offer["priceCurrency"] == "EUR"
    assert re.fullmatch(r"\d+\.\d{2}", offer["price"])
    assert offer["availability"] in ("https://schema.org/InStock", "https://schema.org/OutOfStock")
    assert offer["url"] == "http://localhost/acme/p/red-tee"
    assert product["aggregateRating"] == {"@type": "AggregateRating", "ratingValue": "4.5",
                                          "reviewCount": 2, "bestRating": 5, "worstRating": 1}
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [c["position"] for c in crumbs] == list(range(1, len(crumbs) + 1))
    assert crumbs[0]["item"] == "http://localhost/acme/" and crumbs[-1]["item"] == \
        "http://localhost/acme/p/red-tee"
    assert og[0]["@type"] == "product" and og[0]["og:url"] == canonicals[0]
    assert '<meta name="twitter:card"' in html


def test_rating_counts_approved_reviews_only(app: Flask, client: FlaskClient) -> None:
    store = make_acme(app)
    html, _, _ = head(client, "/acme/p/blue-tee")
    assert "aggregateRating" not in json_ld(html)[0]["Product"]
    approve_review(app, store, "blue-tee", [3])
    html, _, _ = head(client, "/acme/p/blue-tee")
    rating = json_ld(html)[0]["Product"]["aggregateRating"]
    assert (rating["ratingValue"], rating["reviewCount"]) == ("3.0", 1)


@pytest.mark.read_only
def test_category_listing(client: FlaskClient, acme: Store) -> None:
    html, canonicals, alternates = head(client, "/acme/c/shirts")
    assert canonicals == ["http://localhost/acme/c/shirts"]
    assert set(alternates) == {"en", "de", "x-default"}
    assert 'name="robots"' not in html
    crumbs = json_ld(html)[0]["BreadcrumbList"]["itemListElement"]
    assert crumbs[-1]["item"] == "http://localhost/acme/c/shirts"
    # Sorting, filtering and tracking do not change the canonical; such variants are noindex.
    html, canonicals, alternates = head(client, "/acme/c/shirts?sort=price_asc&utm_source=x")
    assert canonicals == ["http://localhost/acme/c/shirts"] and alternates == {}
    assert '<meta name="robots" content="noindex, follow">' in html


@pytest.mark.read_only
def test_home_page_has_organization_and_search_action(client: FlaskClient, acme: Store) -> None:
    html, canonicals, _ = head(client, "/acme/")
    assert canonicals == ["http://localhost/acme/"]
    data, _ = json_ld(html)
    assert data["Organization"]["url"] == "http://localhost/acme/"
    action = data["WebSite"]["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == \
        "http://localhost/acme/search?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    assert html.count("<title>") == 1


@pytest.mark.read_only
def test_private_pages_are_noindex(client: FlaskClient, acme: Store) -> None:
    for path in ("/acme/search?q=tee", "/acme/cart", "/acme/checkout", "/acme/account/login",
                 "/acme/account/", "/acme/account/wishlist", "/acme/order/A-1"):
        response = client.get(path)
        assert response.headers["X-Robots-Tag"] == "noindex", path
        if response.status_code == 200:
            html = response.get_data(as_text=True)
            assert 'content="noindex' in html, path
            assert len(CANONICAL.findall(html)) <= 1


@pytest.mark.read_only
def test_error_pages_have_no_canonical(client: FlaskClient, acme: Store) -> None:
    response = client.get("/acme/p/no-such-thing")
    assert response.status_code == 404
    assert CANONICAL.findall(response.get_data(as_text=True)) == []
