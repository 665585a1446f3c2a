"""Stores with small catalogs, imported through the real import service."""
from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import update

from storefront.models_base import TenantStore
from storefront.platform.models import Store
from tests.catalog.catalogs import make_acme, make_books
from tests.conftest import store_fixture
from tests.factories import tenant_engine

# A test marked read_only shares these with its module's other read_only tests.
acme = store_fixture("acme", make_acme)
books = store_fixture("books", make_books)


def set_settings(app: Flask, store: Store, **settings: Any) -> None:
    """Change the store's tenant settings (e.g. ``page_size``) behind the app's back."""
    engine = tenant_engine(app, store.id)
    try:
        with engine.begin() as connection:
            connection.execute(update(TenantStore).where(TenantStore.id == store.id)
                               .values(settings=settings))
    finally:
        engine.dispose()
