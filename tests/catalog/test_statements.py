"""Query discipline: each page issues a small, fixed number of statements, whatever its size."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event

from storefront.extensions import db
from storefront.platform.models import Store
from tests.catalog.catalogs import import_document
from tests.catalog.conftest import set_settings
from tests.catalog.html import product_names

# Tenant statements per page, measured on both backends; a page may not exceed its number.
PAGES = {
    "/acme/": 6,  # shop, category tree, CMS blocks, featured, newest, images
    "/acme/c/shirts?sort=price_desc&colour=blue&colour=red&size=m": 8,
    "/acme/de/c/clothing": 8,  # shop, tree, attributes, facets, count, page, images, blocks
    "/acme/p/red-tee": 9,  # + attributes, reviews, rating, related, images
    "/acme/pages/about": 4,
    "/acme/search?q=shirt": 6,
}


@contextmanager
def counting(app: Flask) -> Iterator[dict[str, list[str]]]:
    """Record every statement sent to master and to tenant DBs while the block runs."""
    with app.app_context():
        master = db.engine
    seen: dict[str, list[str]] = {"master": [], "tenant": []}
    # The listener sees every engine in the process: count only this thread's statements (the
    # test client serves requests here), not those of a server an earlier test left running.
    thread = threading.get_ident()

    def record(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if threading.get_ident() == thread:
            seen["master" if conn.engine is master else "tenant"].append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def _many_shirts(n: int) -> dict[str, Any]:
    return {"products": [{
        "sku": f"BULK-{i}", "slug": f"bulk-shirt-{i}", "category": "shirts",
        "price": f"{10 + i}.00", "stock": i % 4, "translations": {"en": {"name": f"Shirt {i}"}},
        "images": [{"url": "/static/img/demo/shirt.svg", "alt": "x", "width": 600,
                    "height": 600}, {"url": "/static/img/demo/tee.svg"}],
        "attributes": {"colour": ["red", "blue"][i % 2], "size": ["s", "m", "l"][i % 3]},
    } for i in range(n)], "reviews": [
        {"product": f"BULK-{i}", "author": f"R{i}", "rating": 1 + i % 5} for i in range(n)]}


@pytest.mark.parametrize("url", list(PAGES))
def test_statements_per_page_do_not_grow_with_page_size(app: Flask, client: FlaskClient,
                                                        acme: Store, url: str) -> None:
    import_document(app, acme, _many_shirts(40))
    counts = {}
    for size in (2, 40):
        set_settings(app, acme, page_size=size)
        assert client.get(url).status_code == 200  # warm: store cache, connections
        with counting(app) as seen:
            page = client.get(url)
        assert page.status_code == 200
        assert seen["master"] == []  # the store's resolution is cached
        counts[size] = len(seen["tenant"])
        if "/c/" in url or "search" in url:
            shown = len(product_names(page.get_data(as_text=True)))
            assert shown == size or size == 40
    assert counts[2] == counts[40], counts
    assert counts[40] <= PAGES[url], (counts, seen["tenant"])
