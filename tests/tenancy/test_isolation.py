"""Tenant data never crosses stores, however requests interleave."""
from __future__ import annotations

import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask

from tests.factories import make_store
from tests.servers import serving


@pytest.mark.postgresql_only
def test_interleaved_requests_never_show_another_stores_data(app: Flask, backend: str) -> None:
    stores = {
        "north": "Northern Lights Lamp",
        "south": "Southern Cross Compass",
        "east": "Eastern Silk Scarf",
    }
    for slug, product_name in stores.items():
        # The same product slug in every store, each with its own name.
        make_store(app, slug, products=[{"slug": "shared-slug", "name": product_name}])
    app.config["TENANT_ENGINE_LIMIT"] = 2  # force evictions while serving
    app.extensions["tenant_connections"].limit = 2

    def fetch(base: str, slug: str) -> tuple[str, int, str]:
        with urllib.request.urlopen(f"{base}/{slug}/", timeout=30) as response:
            return slug, response.status, response.read().decode()

    with serving(app) as base:
        order = [slug for _ in range(40) for slug in stores]  # 120 interleaved requests
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda s: fetch(base, s), order))

    assert len(results) == 120
    for slug, status, body in results:
        assert status == 200
        assert stores[slug] in body
        for other, other_name in stores.items():
            if other != slug:
                assert other_name not in body, f"{other}'s product under /{slug}/"
