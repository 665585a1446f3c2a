"""Small catalogs for the catalog, CMS and browser tests, imported through the real service."""
from __future__ import annotations

import copy
from typing import Any

from flask import Flask

from storefront.catalog.cli import import_into
from storefront.platform.cli import store_service
from storefront.platform.models import Store
from tests.factories import make_store


def _product(sku: str, slug: str, category: str, price: str, names: dict[str, str], *,
             sale: str | None = None, stock: int = 10, featured: bool = False,
             colour: list[str] | None = None, size: list[str] | None = None,
             status: str = "active", description: str | None = None) -> dict[str, Any]:
    translations = {loc: {"name": name} for loc, name in names.items()}
    if description:
        translations["en"]["description"] = description
    attributes: dict[str, list[str]] = {}
    if colour:
        attributes["colour"] = colour
    if size:
        attributes["size"] = size
    return {
        "sku": sku, "slug": slug, "category": category, "price": price, "sale_price": sale,
        "stock": stock, "featured": featured, "status": status, "translations": translations,
        "images": [{"url": f"/static/img/demo/{slug}.svg", "alt": f"{names['en']} photo",
                    "width": 600, "height": 600}],
        "attributes": attributes,
    }


ACME: dict[str, Any] = {
    "categories": [
        {"slug": "clothing", "position": 1,
         "translations": {"en": {"name": "Clothing"}, "de": {"name": "Kleidung"}}},
        {"slug": "shirts", "parent": "clothing", "position": 1,
         "translations": {"en": {"name": "Shirts", "description": "<p>All our <b>shirts</b></p>"},
                          "de": {"name": "Hemden"}}},
        {"slug": "jackets", "parent": "clothing", "position": 2,
         "translations": {"en": {"name": "Jackets"}}},
        {"slug": "accessories", "position": 2,
         "translations": {"en": {"name": "Accessories"}, "de": {"name": "Accessoires"}}},
    ],
    "attributes": [
        {"code": "colour", "labels": {"en": "Colour", "de": "Farbe"}, "values": [
            {"value": "red", "labels": {"en": "Red", "de": "Rot"}},
            {"value": "blue", "labels": {"en": "Blue", "de": "Blau"}},
            {"value": "green", "labels": {"en": "Green", "de": "Grün"}},
        ]},
        {"code": "size", "labels": {"en": "Size", "de": "Größe"}, "values": [
            {"value": "s", "labels": {"en": "S"}}, {"value": "m", "labels": {"en": "M"}},
            {"value": "l", "labels": {"en": "L"}},
        ]},
    ],
    "products": [
        _product("TEE-RED", "red-tee", "shirts", "20.00", {"en": "Red tee", "de": "Rotes Shirt"},
                 colour=["red"], size=["s", "m"], description="<p>Soft <em>cotton</em>.</p>"),
        _product("TEE-BLUE", "blue-tee", "shirts", "25.00",
                 {"en": "Blue tee", "de": "Blaues Shirt"},
                 sale="15.00", colour=["blue"], size=["m", "l"]),
        _product("TEE-GREEN", "green-tee", "shirts", "30.00", {"en": "Green tee"},
                 colour=["green"], size=["l"], stock=3),
        _product("OXFORD", "oxford-shirt", "shirts", "45.00",
                 {"en": "Oxford shirt", "de": "Oxford-Hemd"}, colour=["blue"], size=["m"]),
        _product("JKT-RAIN", "rain-jacket", "jackets", "1299.00",
                 {"en": "Rain jacket", "de": "Regenjacke"}, sale="999.50", stock=0,
                 featured=True, colour=["blue"], size=["l"]),
        _product("HAT-WOOL", "wool-hat", "accessories", "12.50",
                 {"en": "Wool hat", "de": "Wollmütze"}, colour=["red"]),
        _product("DRAFT", "draft-shirt", "shirts", "1.00", {"en": "Draft shirt"},
                 status="draft", colour=["red"]),
    ],
    "reviews": [
        {"product": "TEE-RED", "author": "Ann", "rating": 5, "title": "Lovely",
         "body": "Great fit."},
        {"product": "TEE-RED", "author": "Bob", "rating": 4, "body": "Good."},
        {"product": "TEE-RED", "author": "Eve", "rating": 1, "body": "Pending spam",
         "status": "pending"},
    ],
    "cms_pages": [
        {"slug": "about", "translations": {
            "en": {"title": "About us", "body": "<p>We make <strong>clothes</strong>.</p>"},
            "de": {"title": "Über uns", "body": "<p>Wir machen Kleidung.</p>"}}},
        {"slug": "shipping", "translations": {
            "en": {"title": "Shipping", "body": "<p>Fast shipping.</p>"}}},
    ],
    "cms_blocks": [
        {"key": "header_notice", "content": {"en": "<p>Free shipping over 50</p>",
                                             "de": "<p>Gratisversand ab 50</p>"}},
        {"key": "footer_links", "content": {
            "en": '<ul><li><a href="/acme/pages/about">About us</a></li></ul>'}},
        {"key": "home", "content": {"en": "<h2>Welcome to Acme</h2>"}},
    ],
}

BOOKS: dict[str, Any] = {
    "categories": [{"slug": "novels", "translations": {"en": {"name": "Novels"}}}],
    "attributes": [{"code": "format", "labels": {"en": "Format"}, "values": [
        {"value": "paperback", "labels": {"en": "Paperback"}},
        {"value": "hardcover", "labels": {"en": "Hardcover"}}]}],
    "products": [
        {"sku": "BK-1", "slug": "red-tee", "category": "novels", "price": "1234.50",
         "stock": 4, "translations": {"en": {"name": "The Red Tee Mystery"}},
         "attributes": {"format": ["paperback"]}},
    ],
}


def import_document(app: Flask, store: Store, document: dict[str, Any]) -> str:
    """Import ``document`` into ``store``'s tenant DB; returns the import summary."""
    with app.app_context():
        url = store_service().tenant_url(store.id)
    return str(import_into(url, store.id, copy.deepcopy(document)))


def make_acme(app: Flask, **options: Any) -> Store:
    store = make_store(app, "acme", "Acme Outfitters", currency="EUR", default_locale="en",
                       locales=["en", "de"], **options)
    import_document(app, store, ACME)
    return store


def make_books(app: Flask) -> Store:
    store = make_store(app, "books", "Book Nook", currency="USD")
    import_document(app, store, BOOKS)
    return store
