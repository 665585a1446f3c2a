"""STOREFRONT_BASE_DOMAIN: <slug>.<base domain> serves that store through the same routing."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import Databases, app_config, build_app, dispose
from tests.factories import make_store


@pytest.fixture
def hosted(databases: Databases, tmp_path: Path) -> Iterator[Flask]:
    app = build_app(app_config(databases, tmp_path, STOREFRONT_BASE_DOMAIN="shops.test"))
    yield app
    dispose(app)


def test_a_store_host_serves_the_store(hosted: Flask) -> None:
    make_store(hosted, "acme", "Acme Goods", products=[{"slug": "anvil", "name": "Iron anvil"}])
    make_store(hosted, "other", "Other Shop")
    client = hosted.test_client()
    home = client.get("/", base_url="http://acme.shops.test")
    assert home.status_code == 200 and b"Acme Goods" in home.data
    assert b"Other Shop" not in home.data
    product = client.get("/p/anvil", base_url="http://acme.shops.test:8000")
    assert product.status_code == 200 and b"Iron anvil" in product.data
    # The links the app builds (/acme/…) work on the store's host as they are.
    assert client.get("/acme/p/anvil", base_url="http://acme.shops.test").status_code == 200
    assert client.get("/sitemap.xml", base_url="http://acme.shops.test").status_code == 200
    assert client.get("/robots.txt", base_url="http://acme.shops.test").mimetype == "text/plain"
    assert client.get("/healthz", base_url="http://acme.shops.test").status_code == 200
    # Path routing still works on the base domain, and an unknown label is a 404.
    assert client.get("/other/", base_url="http://shops.test").status_code == 200
    assert client.get("/", base_url="http://nobody.shops.test").status_code == 404


def test_an_old_store_host_redirects_to_the_new_one(hosted: Flask) -> None:
    make_store(hosted, "acme", products=[{"slug": "anvil", "name": "Iron anvil"}])
    assert hosted.test_cli_runner().invoke(args=["stores", "rename", "acme",
                                                 "acme-new"]).exit_code == 0
    response = hosted.test_client().get("/p/anvil?x=1", base_url="http://acme.shops.test:8000")
    assert response.status_code == 301
    assert response.headers["Location"] == "http://acme-new.shops.test:8000/p/anvil?x=1"


def test_a_suspended_store_host_is_503(hosted: Flask) -> None:
    make_store(hosted, "acme")
    hosted.test_cli_runner().invoke(args=["stores", "suspend", "acme"])
    assert hosted.test_client().get("/", base_url="http://acme.shops.test").status_code == 503
