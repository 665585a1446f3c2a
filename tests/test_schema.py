"""The models are the migrations: what every package declares on the master and the one tenant
base is exactly what Alembic's history builds, so no model change ships without its revision."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import MetaData, NullPool, create_engine

from storefront.config import sqlalchemy_url
from storefront.extensions import MasterBase
from storefront.models_base import TenantBase
from tests.conftest import Databases
from tests.factories import make_store


def differences(url: str, metadata: MetaData) -> list[object]:
    """What ``alembic revision --autogenerate`` would write for the database at ``url``."""
    engine = create_engine(sqlalchemy_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def test_the_models_are_what_the_migrations_build(app: Flask, databases: Databases) -> None:
    store = make_store(app, "acme")
    tenant_tables = {table.name for table in TenantBase.metadata.sorted_tables}
    assert {"stores", "products", "orders", "customers", "coupons", "cms_pages", "redirects",
            "email_templates"} <= tenant_tables  # every package's models are registered
    assert differences(databases.master_url, MasterBase.metadata) == []
    assert differences(databases.tenant_url(store.id), TenantBase.metadata) == []
