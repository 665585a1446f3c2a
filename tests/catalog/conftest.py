"""Stores with small catalogs, imported through the real import service."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from storefront.platform.models import Store
from storefront.tenancy.models import TenantStore
from tests.catalog.catalogs import make_acme, make_books
from tests.factories import tenant_engine


@pytest.fixture
def acme(app: Flask) -> Store:
    return make_acme(app)


@pytest.fixture
def books(app: Flask) -> Store:
    return make_books(app)


def set_settings(app: Flask, store: Store, **settings: Any) -> None:
    """Change the store's tenant settings (e.g. ``page_size``) behind the app's back."""
    engine = tenant_engine(app, store.id)
    try:
        with engine.begin() as connection:
            connection.execute(update(TenantStore).where(TenantStore.id == store.id)
                               .values(settings=settings))
    finally:
        engine.dispose()
