"""robots.txt is built from every live store, yet serving it opens no store's DB unless a store
changed its settings: nothing a shopper does fans out over all stores."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from storefront.models_base import TenantStore
from storefront.platform import provisioning
from storefront.platform.models import Store
from storefront.tenancy.resolve import bump_store_version
from tests.checkout.helpers import add_to_cart, checkout_form, order_number
from tests.conftest import Databases
from tests.factories import make_store, tenant_engine


def _stores(app: Flask) -> dict[str, Store]:
    return {
        "acme": make_store(app, "acme", products=[{"slug": "lamp", "name": "Lamp", "stock": 5}],
                           settings={"robots_disallow": ["/pages/internal"]}),
        "north": make_store(app, "north", settings={"robots_disallow": ["/drafts"]}),
        "south": make_store(app, "south", settings={"robots_disallow": ["/old"]}),
    }


def _robots(client: FlaskClient) -> list[str]:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    return response.get_data(as_text=True).splitlines()


def _tenant_engines_opened(app: Flask) -> int:
    """Tenant engines made since the last call (every tenant DB access makes one first)."""
    connections: Any = app.extensions["tenant_connections"]
    count = len(connections)
    connections.dispose_all()
    return count


def _set_robots_rules(app: Flask, store_id: uuid.UUID, paths: list[str]) -> None:
    engine = tenant_engine(app, store_id)
    try:
        with engine.begin() as connection:
            connection.execute(update(TenantStore).where(TenantStore.id == store_id)
                               .values(settings={"robots_disallow": paths}))
    finally:
        engine.dispose()


def test_an_order_opens_no_tenant_db_when_robots_txt_is_served(app: Flask,
                                                                client: FlaskClient) -> None:
    _stores(app)
    before = _robots(client)
    _tenant_engines_opened(app)
    shopper = app.test_client()
    assert add_to_cart(shopper, "acme", 1).status_code == 303
    order_number(shopper.post("/acme/checkout", data=checkout_form(shopper, "acme")))
    _tenant_engines_opened(app)  # the order's own work on its store's DB
    assert _robots(client) == before
    assert _tenant_engines_opened(app) == 0
    assert {"Disallow: /acme/pages/internal", "Disallow: /north/drafts",
            "Disallow: /south/old"} <= set(before)


def test_a_settings_change_reopens_only_that_stores_db(app: Flask, client: FlaskClient) -> None:
    stores = _stores(app)
    _robots(client)
    _tenant_engines_opened(app)
    _set_robots_rules(app, stores["north"].id, ["/preview"])
    with app.app_context():
        bump_store_version(stores["north"].id)  # what every writer of a store's settings does
    lines = _robots(client)
    assert "Disallow: /north/preview" in lines and "Disallow: /north/drafts" not in lines
    assert "Disallow: /south/old" in lines and "Disallow: /acme/pages/internal" in lines
    assert _tenant_engines_opened(app) == 1
    # A new store is read once, on its own; the others come from the cache.
    make_store(app, "fresh", settings={"robots_disallow": ["/drafts"]})
    _tenant_engines_opened(app)
    assert "Disallow: /fresh/drafts" in _robots(client)
    assert _tenant_engines_opened(app) == 1
    # Renaming or suspending a store touches master only: so does robots.txt after it.
    runner = app.test_cli_runner()
    assert runner.invoke(args=["stores", "rename", "south", "southern"]).exit_code == 0
    assert runner.invoke(args=["stores", "suspend", "acme"]).exit_code == 0
    _tenant_engines_opened(app)
    lines = _robots(client)
    assert "Disallow: /southern/old" in lines and "Disallow: /south/old" not in lines
    assert not any(line.startswith("Disallow: /acme/") for line in lines)
    assert _tenant_engines_opened(app) == 0


def test_an_unreachable_store_leaves_out_only_its_own_rules(app: Flask, client: FlaskClient,
                                                            databases: Databases) -> None:
    stores = _stores(app)
    provisioning.drop_database(databases.tenant_url(stores["north"].id))
    app.extensions["tenant_connections"].dispose_all()
    lines = _robots(client)
    assert "Disallow: /south/old" in lines and "Disallow: /acme/pages/internal" in lines
    assert not any(line.startswith("Disallow: /north/") for line in lines)
