"""Home, category and product pages on both backends: content, breadcrumb, sorting, filters."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from storefront.catalog.models import Product
from storefront.platform.models import Store
from tests.catalog.conftest import set_settings
from tests.catalog.html import breadcrumb, checked, facet_counts, product_names
from tests.factories import tenant_engine

SHIRTS = ["Red tee", "Blue tee", "Green tee", "Oxford shirt"]


@pytest.mark.read_only
def test_home_shows_the_stores_own_content(client: FlaskClient, acme: Store,
                                           books: Store) -> None:
    page = client.get("/acme/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Acme Outfitters" in body
    assert "Welcome to Acme" in body  # the home CMS block
    assert "Free shipping over 50" in body  # the header notice
    assert 'href="/acme/c/clothing"' in body and 'href="/acme/c/accessories"' in body
    assert "Rain jacket" in body.split('id="home-featured"')[1].split("</section>")[0]
    assert "The Red Tee Mystery" not in body and "Draft shirt" not in body

    other = client.get("/books/").get_data(as_text=True)
    assert "Book Nook" in other and "The Red Tee Mystery" in other
    assert "Acme" not in other and "Red tee" not in other


@pytest.mark.read_only
def test_category_lists_its_subtree_with_breadcrumb_and_subcategories(
        client: FlaskClient, acme: Store) -> None:
    body = client.get("/acme/c/clothing").get_data(as_text=True)
    assert breadcrumb(body) == ["Home", "Clothing"]
    assert 'href="/acme/c/shirts"' in body.split('class="subcategories"')[1].split("</nav>")[0]
    # Products of subcategories are listed, featured first; drafts never.
    assert product_names(body) == ["Rain jacket", *SHIRTS]
    assert "5 products" in body

    body = client.get("/acme/c/shirts").get_data(as_text=True)
    assert breadcrumb(body) == ["Home", "Clothing", "Shirts"]
    assert 'aria-current="page">Shirts' in body
    assert "<p>All our <b>shirts</b></p>" in body  # the description, sanitised HTML
    assert product_names(body) == SHIRTS
    assert 'class="subcategories"' not in body


@pytest.mark.read_only
@pytest.mark.parametrize("path", ["/acme/c/nope", "/acme/p/nope", "/acme/p/draft-shirt",
                                  "/acme/c/", "/acme/p/red-tee/x"])
def test_unknown_category_or_product_is_a_themed_404(client: FlaskClient, acme: Store,
                                                      path: str) -> None:
    page = client.get(path)
    assert page.status_code == 404
    body = page.get_data(as_text=True)
    assert "Page not found" in body
    assert "Acme Outfitters" in body and 'href="/acme/c/clothing"' in body  # the store's layout


def test_pagination_uses_the_store_page_size(app: Flask, client: FlaskClient,
                                             acme: Store) -> None:
    set_settings(app, acme, page_size=3)
    first = client.get("/acme/c/shirts").get_data(as_text=True)
    assert product_names(first) == SHIRTS[:3]
    assert 'href="/acme/c/shirts?page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    assert "Page 1 of 2" in first

    second = client.get("/acme/c/shirts?page=2&sort=relevance").get_data(as_text=True)
    assert product_names(second) == SHIRTS[3:]
    assert 'href="/acme/c/shirts?sort=relevance" rel="prev"' in second
    assert 'rel="next"' not in second

    assert client.get("/acme/c/shirts?page=3").status_code == 404
    assert client.get("/acme/c/shirts?page=1").status_code == 200
    set_settings(app, acme, page_size=50)
    assert product_names(client.get("/acme/c/shirts").get_data(as_text=True)) == SHIRTS
    assert client.get("/acme/c/shirts?page=2").status_code == 404


def test_an_empty_category_has_one_empty_page(app: Flask, client: FlaskClient) -> None:
    from tests.catalog.catalogs import import_document
    from tests.factories import make_store

    store = make_store(app, "empty")
    import_document(app, store, {"categories": [{"slug": "void",
                                                 "translations": {"en": {"name": "Void"}}}]})
    page = client.get("/empty/c/void")
    assert page.status_code == 200
    assert "This category has no products yet." in page.get_data(as_text=True)
    assert client.get("/empty/c/void?page=2").status_code == 404


def _age(app: Flask, store: Store, years: dict[str, int]) -> None:
    engine = tenant_engine(app, store.id)
    try:
        with engine.begin() as connection:
            for slug, year in years.items():
                connection.execute(update(Product).where(Product.slug == slug)
                                   .values(created_at=datetime(year, 1, 1, tzinfo=UTC)))
    finally:
        engine.dispose()


@pytest.mark.parametrize("sort, expected", [
    ("relevance", SHIRTS),
    ("price_asc", ["Blue tee", "Red tee", "Green tee", "Oxford shirt"]),  # the sale price counts
    ("price_desc", ["Oxford shirt", "Green tee", "Red tee", "Blue tee"]),
    ("name", ["Blue tee", "Green tee", "Oxford shirt", "Red tee"]),
    ("newest", ["Oxford shirt", "Blue tee", "Green tee", "Red tee"]),
])
def test_each_sort_order_orders(app: Flask, client: FlaskClient, acme: Store, sort: str,
                                expected: list[str]) -> None:
    _age(app, acme, {"red-tee": 2020, "green-tee": 2021, "blue-tee": 2022, "oxford-shirt": 2023})
    page = client.get(f"/acme/c/shirts?sort={sort}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert product_names(body) == expected
    assert f'<option value="{sort}" selected>' in body


@pytest.mark.read_only
def test_sort_by_name_uses_the_locale(client: FlaskClient, acme: Store) -> None:
    body = client.get("/acme/de/c/shirts?sort=name").get_data(as_text=True)
    # Green tee has no German name and falls back to English.
    assert product_names(body) == ["Blaues Shirt", "Green tee", "Oxford-Hemd", "Rotes Shirt"]


@pytest.mark.read_only
def test_filters_narrow_and_facet_counts_respect_the_other_filters(
        client: FlaskClient, acme: Store) -> None:
    body = client.get("/acme/c/shirts").get_data(as_text=True)
    assert facet_counts(body, "colour") == {"red": 1, "blue": 2, "green": 1}
    assert facet_counts(body, "size") == {"s": 1, "m": 3, "l": 2}

    body = client.get("/acme/c/shirts?colour=blue").get_data(as_text=True)
    assert product_names(body) == ["Blue tee", "Oxford shirt"]
    assert checked(body, "colour") == {"blue"}
    # Colour counts ignore the colour filter itself; size counts apply it.
    assert facet_counts(body, "colour") == {"red": 1, "blue": 2, "green": 1}
    assert facet_counts(body, "size") == {"m": 2, "l": 1}

    body = client.get("/acme/c/shirts?colour=blue&colour=red").get_data(as_text=True)
    assert product_names(body) == ["Red tee", "Blue tee", "Oxford shirt"]
    assert checked(body, "colour") == {"blue", "red"}

    body = client.get("/acme/c/shirts?colour=blue&colour=green&size=l").get_data(as_text=True)
    assert product_names(body) == ["Blue tee", "Green tee"]
    assert facet_counts(body, "colour") == {"blue": 1, "green": 1}
    assert facet_counts(body, "size") == {"m": 2, "l": 2}
    # A facet's count is what ticking it would list.
    assert len(product_names(body)) == facet_counts(body, "size")["l"]

    body = client.get("/acme/c/shirts?colour=red&size=l").get_data(as_text=True)
    assert product_names(body) == []
    assert "No products match these filters." in body


def test_filters_and_sort_combine_with_pagination(app: Flask, client: FlaskClient,
                                                 acme: Store) -> None:
    set_settings(app, acme, page_size=1)
    body = client.get("/acme/c/shirts?colour=blue&sort=price_desc").get_data(as_text=True)
    assert product_names(body) == ["Oxford shirt"]
    assert 'href="/acme/c/shirts?colour=blue&amp;sort=price_desc&amp;page=2" rel="next"' in body
    body = client.get("/acme/c/shirts?colour=blue&sort=price_desc&page=2").get_data(as_text=True)
    assert product_names(body) == ["Blue tee"]
    assert client.get("/acme/c/shirts?colour=blue&page=3").status_code == 404


@pytest.mark.read_only
@pytest.mark.parametrize("query", ["utm_source=news&fbclid=abc", "bogus=1", "colour=purple",
                                   "material=wool", "colour=", "sort=&page="])
def test_unknown_parameters_and_values_are_ignored(client: FlaskClient, acme: Store,
                                                   query: str) -> None:
    page = client.get(f"/acme/c/shirts?{query}")
    assert page.status_code == 200
    assert product_names(page.get_data(as_text=True)) == SHIRTS


@pytest.mark.read_only
def test_product_page(client: FlaskClient, acme: Store) -> None:
    page = client.get("/acme/p/red-tee")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "<h1>Red tee</h1>" in body
    assert breadcrumb(body) == ["Home", "Clothing", "Shirts", "Red tee"]
    assert ('<img src="/static/img/demo/red-tee.svg" alt="Red tee photo" width="600" '
            'height="600">') in body
    assert "€20.00" in body
    assert "In stock" in body
    assert "<dt>Colour</dt><dd>Red</dd>" in body and "<dt>Size</dt><dd>S, M</dd>" in body
    assert "<p>Soft <em>cotton</em>.</p>" in body
    # Approved reviews only, with their average.
    assert "Lovely" in body and "Great fit." in body and "Good." in body
    assert "Pending spam" not in body
    assert "4.5 out of 5 (2 reviews)" in body
    related = body.split('id="related-heading"')[1]
    assert product_names(related) == ["Blue tee", "Green tee", "Oxford shirt"]


@pytest.mark.read_only
def test_product_page_sale_price_and_stock(client: FlaskClient, acme: Store) -> None:
    body = client.get("/acme/p/rain-jacket").get_data(as_text=True)
    assert "<del>€1,299.00</del>" in body and "<ins>€999.50</ins>" in body
    assert "Out of stock" in body
    assert "No reviews yet." in body
    body = client.get("/acme/p/green-tee").get_data(as_text=True)
    assert "Only 3 left" in body


@pytest.mark.read_only
def test_money_is_formatted_for_currency_and_locale(client: FlaskClient, acme: Store,
                                                    books: Store) -> None:
    assert "<del>1.299,00\xa0€</del>" in client.get("/acme/de/p/rain-jacket").get_data(
        as_text=True)
    assert "$1,234.50" in client.get("/books/p/red-tee").get_data(as_text=True)
    assert "€1,299.00" in client.get("/acme/c/jackets").get_data(as_text=True)


def test_pages_describe_themselves_to_crawlers(app: Flask, client: FlaskClient,
                                               acme: Store) -> None:
    from tests.catalog.catalogs import import_document

    import_document(app, acme, {"products": [{"sku": "OXFORD", "slug": "oxford-shirt",
                                              "translations": {"en": {
                                                  "name": "Oxford shirt", "seo_title": "Buy Oxford",
                                                  "seo_description": "A crisp shirt."}}}]})
    body = client.get("/acme/p/oxford-shirt").get_data(as_text=True)
    assert "<title>Buy Oxford · Acme Outfitters</title>" in body
    assert '<meta name="description" content="A crisp shirt.">' in body
    body = client.get("/acme/p/red-tee").get_data(as_text=True)
    assert '<meta name="description" content="Soft cotton.">' in body
    plain = client.get("/acme/c/shirts").get_data(as_text=True)
    assert '<meta name="description" content="All our shirts">' in plain
    assert "noindex" not in plain
    for variant in ("?colour=blue", "?sort=name"):
        assert '<meta name="robots" content="noindex, follow">' in client.get(
            "/acme/c/shirts" + variant).get_data(as_text=True)
    assert "noindex" not in client.get("/acme/c/shirts?utm_source=x").get_data(as_text=True)
