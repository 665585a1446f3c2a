"""``storefront catalog import``: one transaction, idempotent, errors naming the record."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from storefront.models_base import TenantBase
from storefront.platform.models import Store
from tests.catalog.catalogs import ACME
from tests.conftest import Databases, app_config, build_app, dispose
from tests.factories import make_store, tenant_engine


def rows(app: Flask, store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every tenant row but timestamps, to prove an import changed nothing (or nothing twice)."""
    engine = tenant_engine(app, store.id)
    try:
        with engine.connect() as connection:
            result = {}
            for table in TenantBase.metadata.sorted_tables:
                columns = [c for c in table.c if c.name not in ("created_at", "updated_at")]
                result[table.name] = sorted(
                    tuple(map(str, r)) for r in connection.execute(select(*columns)))
            return result
    finally:
        engine.dispose()


def write(tmp_path: Path, document: Any, name: str = "catalog.json") -> str:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


@pytest.fixture
def store(app: Flask) -> Store:
    return make_store(app, "acme", "Acme", currency="EUR", locales=["en", "de"])


def test_import_loads_everything_and_is_idempotent(app: Flask, runner: FlaskCliRunner,
                                                   client: FlaskClient, store: Store,
                                                   tmp_path: Path) -> None:
    result = runner.invoke(args=["catalog", "import", "acme", write(tmp_path, ACME)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "imported into acme: categories: 4 new, 0 updated; attributes: 2 new, 0 updated; "
        "products: 7 new, 0 updated; reviews: 3 new, 0 updated; cms pages: 2 new, 0 updated; "
        "cms blocks: 3 new, 0 updated")
    loaded = rows(app, store)
    assert len(loaded["products"]) == 7 and len(loaded["product_translations"]) == 12
    assert len(loaded["product_attribute_values"]) == 14
    # The running server sees it on its very next request (nothing of the catalog is cached).
    assert "Red tee" in client.get("/acme/c/shirts").get_data(as_text=True)

    again = runner.invoke(args=["catalog", "import", "acme", write(tmp_path, ACME)])
    assert again.exit_code == 0, again.output
    assert "products: 0 new, 7 updated" in again.output
    assert rows(app, store) == loaded


def test_import_updates_by_natural_key(app: Flask, runner: FlaskCliRunner, client: FlaskClient,
                                       store: Store, tmp_path: Path) -> None:
    assert runner.invoke(args=["catalog", "import", "acme", write(tmp_path, ACME)]).exit_code == 0
    change = {"products": [{"sku": "TEE-RED", "slug": "crimson-tee", "price": "21.00",
                            "translations": {"de": {"name": "Karminrotes Shirt"}},
                            "attributes": {"colour": ["red", "blue"]}}]}
    result = runner.invoke(args=["catalog", "import", "acme", write(tmp_path, change)])
    assert result.exit_code == 0, result.output
    body = client.get("/acme/de/p/crimson-tee").get_data(as_text=True)
    assert "Karminrotes Shirt" in body and "21,00" in body and "Rot, Blau" in body
    # Not mentioned, so kept: the English name, images, category, stock and status.
    assert "Red tee" in client.get("/acme/p/crimson-tee").get_data(as_text=True)
    assert "red-tee.svg" in body and "Auf Lager" in body
    assert "Red tee" in client.get("/acme/c/shirts").get_data(as_text=True)
    change = {"products": [{"sku": "TEE-BLUE", "slug": "blue-tee", "sale_price": None,
                            "category": None, "status": "draft"}]}
    assert runner.invoke(args=["catalog", "import", "acme", write(tmp_path, change)]).exit_code == 0
    assert "Blue tee" not in client.get("/acme/c/shirts").get_data(as_text=True)
    old = client.get("/acme/de/p/red-tee")  # the old slug answers with one 301 hop
    assert old.status_code == 301 and old.headers["Location"] == "/acme/de/p/crimson-tee"


def _broken(path: str, value: Any) -> dict[str, Any]:
    document = copy.deepcopy(ACME)
    target: Any = document
    *parents, last = path.split(".")
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is KeyError:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return document


BAD = [
    (_broken("products.3.price", "12.345"),
     "products[3] (sku OXFORD): price must have at most two decimal places"),
    (_broken("products.2.price", "-1"), "products[2] (sku TEE-GREEN): price must be between"),
    (_broken("products.1.category", "hats"),
     "products[1] (sku TEE-BLUE): category 'hats' is neither in the file nor in the store"),
    (_broken("products.1.slug", "red-tee"),
     "products[1] (sku TEE-BLUE): slug 'red-tee' is also used by products[0] (sku TEE-RED)"),
    (_broken("products.0.attributes", {"colour": ["mauve"]}),
     "products[0] (sku TEE-RED): attributes.colour: 'mauve' is not a value of colour"),
    (_broken("products.0.translations", {"fr": {"name": "T"}}),
     "products[0] (sku TEE-RED): translations: locale 'fr' is not one of the store's locales"),
    (_broken("products.4.stock", -3), "products[4] (sku JKT-RAIN): stock must be a whole number"),
    (_broken("products.5.images", [{"url": "javascript:alert(1)"}]),
     "products[5] (sku HAT-WOOL) images[0]: url 'javascript:alert(1)' is not an https:// URL "
     "or a path on this site"),
    # Another site to a browser, though it starts with "/"; a control character in a path.
    (_broken("products.5.images", [{"url": "//evil.example/x.png"}]),
     "products[5] (sku HAT-WOOL) images[0]: url '//evil.example/x.png' is not an https://"),
    (_broken("products.5.images", [{"url": "/img/\x01.png"}]),
     "products[5] (sku HAT-WOOL) images[0]: url '/img/\\x01.png' is not an https://"),
    (_broken("products.0.colour", "red"), "products[0] (sku TEE-RED): unknown field(s) colour"),
    (_broken("categories.0.parent", "shirts"),
     "categories[0] (slug clothing): parent 'shirts' would make a cycle"),
    (_broken("attributes.0.code", "page"),
     "attributes[0] (code page): code 'page' is reserved"),
    (_broken("products.2.status", "gone"),
     "products[2] (sku TEE-GREEN): status must be one of active, draft, archived"),
    (_broken("reviews.0.rating", 6), "reviews[0] (product TEE-RED): rating must be a whole number"),
    (_broken("reviews.0.status", "spam"),
     "reviews[0] (product TEE-RED): status must be one of approved, pending, rejected"),
    (_broken("cms_pages.0.translations", {}),
     "cms_pages[0] (slug about): translations must hold at least one locale"),
    ({"products": {}}, "products: must be a list"),
    ({"prodcts": []}, "unknown section(s) prodcts"),
    ("[1, 2", "not valid JSON at line 1 column 6"),
]


def test_a_bad_file_changes_nothing_and_names_the_record(app: Flask, runner: FlaskCliRunner,
                                                         store: Store, tmp_path: Path) -> None:
    assert runner.invoke(args=["catalog", "import", "acme", write(tmp_path, {
        "products": [{"sku": "KEEP", "slug": "keep", "price": "1.00",
                      "translations": {"en": {"name": "Kept"}}}]})]).exit_code == 0
    before = rows(app, store)
    for document, reason in BAD:
        result = runner.invoke(args=["catalog", "import", "acme", write(tmp_path, document)])
        assert result.exit_code != 0, reason
        assert reason in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
        assert rows(app, store) == before, reason


def test_a_record_failing_late_rolls_back_the_earlier_ones(app: Flask, runner: FlaskCliRunner,
                                                           store: Store, tmp_path: Path) -> None:
    before = rows(app, store)
    document = _broken("products.6.price", "abc")  # the last product, after all the others
    result = runner.invoke(args=["catalog", "import", "acme", write(tmp_path, document)])
    assert result.exit_code != 0
    assert "products[6] (sku DRAFT): price must be a decimal amount" in result.output
    assert rows(app, store) == before


def test_import_refusals_outside_the_file(app: Flask, runner: FlaskCliRunner, store: Store,
                                          tmp_path: Path) -> None:
    result = runner.invoke(args=["catalog", "import", "nope", write(tmp_path, ACME)])
    assert result.exit_code != 0 and "no store with slug 'nope'" in result.output
    result = runner.invoke(args=["catalog", "import", "acme", str(tmp_path / "missing.json")])
    assert result.exit_code != 0 and "cannot be read" in result.output


def test_demo_catalogs_import_cleanly(app: Flask, store: Store) -> None:
    from storefront.demo.documents import books, outfitters
    from tests.catalog.catalogs import import_document

    summary = import_document(app, store, outfitters("acme"))
    assert "products: 242 new" in summary
    engine = tenant_engine(app, store.id)
    try:
        with engine.connect() as connection:
            from storefront.catalog.models import Product

            assert connection.scalar(select(func.count()).select_from(Product)) == 242
    finally:
        engine.dispose()
    assert len(books()["products"]) == 150


def test_servers_see_an_import_on_their_next_request(databases: Databases,
                                                     tmp_path: Path) -> None:
    app = build_app(app_config(databases, tmp_path, PAGE_CACHE_ENABLED=True))
    try:
        make_store(app, "acme", "Acme", currency="EUR", locales=["en", "de"])
        runner = app.test_cli_runner()
        assert runner.invoke(args=["catalog", "import", "acme",
                                   write(tmp_path, ACME)]).exit_code == 0
        client = app.test_client(use_cookies=False)
        client.get("/acme/c/shirts")
        assert client.get("/acme/c/shirts").headers["X-Page-Cache"] == "hit"
        change = {"products": [{"sku": "TEE-RED", "slug": "red-tee",
                                "translations": {"en": {"name": "Scarlet tee"}}}]}
        assert runner.invoke(args=["catalog", "import", "acme",
                                   write(tmp_path, change)]).exit_code == 0
        fresh = client.get("/acme/c/shirts")
        assert fresh.headers["X-Page-Cache"] == "miss" and b"Scarlet tee" in fresh.data
    finally:
        dispose(app)
