"""New tenant DBs copied from a template DB (TENANT_TEMPLATE_DB_URL), and without one."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Engine, inspect, select, text

from storefront.migrate import TENANT, upgrade
from storefront.models_base import TenantStore
from storefront.platform import provisioning
from storefront.platform.cli import store_service
from storefront.platform.errors import PlatformError
from tests.conftest import Databases, app_config, build_app, dispose
from tests.factories import OWNER, make_owner, tenant_engine
from tests.pg import database_exists

Schema = dict[str, list[str]]  # table -> its columns, and "@revision" -> the revision


def schema(engine: Engine) -> Schema:
    """Every table with its columns, and the revision the DB is at."""
    with engine.connect() as connection:
        found = inspect(connection)
        tables = {name: sorted(c["name"] for c in found.get_columns(name))
                  for name in found.get_table_names()}
        tables["@revision"] = list(connection.execute(
            text("SELECT version_num FROM alembic_version")).scalars())
    return tables


def migrated_from_empty(databases: Databases) -> Schema:
    url = databases.tenant_url(uuid.uuid4())
    provisioning.create_database(url)
    with provisioning.engine_at(url) as engine:
        provisioning.migrate(engine)
        return schema(engine)


@pytest.fixture
def template_at_first_revision(databases: Databases) -> str:
    """A tenant DB at the oldest tenant revision (a template older than the code), this test's."""
    url = databases.tenant_url(uuid.uuid4())
    provisioning.create_database(url)
    with provisioning.engine_at(url) as engine:
        config = Config()
        config.set_main_option("script_location", str(TENANT))
        (first,) = ScriptDirectory.from_config(config).get_bases()
        upgrade(engine, TENANT, first)
    return url


def create(app: Flask, slug: str) -> uuid.UUID:
    make_owner(app)
    with app.app_context():
        return store_service().create(owner_email=OWNER, slug=slug, name=slug.title()).id


def new_store_schema(databases: Databases, tmp_path: Path, template: str | None) -> Schema:
    """The schema of a store created by an app whose TENANT_TEMPLATE_DB_URL is ``template``."""
    app = build_app(app_config(databases, tmp_path, TENANT_TEMPLATE_DB_URL=template))
    try:
        engine = tenant_engine(app, create(app, "acme"))
        try:
            return schema(engine)
        finally:
            engine.dispose()
    finally:
        dispose(app)


def test_a_copy_of_the_template_is_a_fully_migrated_store_db(app: Flask,
                                                             databases: Databases) -> None:
    assert app.config["TENANT_TEMPLATE_DB_URL"] == databases.tenant_template_db
    store_id = create(app, "acme")
    engine = tenant_engine(app, store_id)
    try:
        assert schema(engine) == migrated_from_empty(databases)
        with engine.connect() as connection:
            assert list(connection.execute(select(TenantStore.slug)).scalars()) == ["acme"]
    finally:
        engine.dispose()


def test_without_a_template_each_migration_runs_on_an_empty_db(databases: Databases,
                                                                tmp_path: Path) -> None:
    assert new_store_schema(databases, tmp_path, None) == migrated_from_empty(databases)


def test_a_template_behind_the_newest_revision_is_migrated_after_the_copy(
        databases: Databases, tmp_path: Path, template_at_first_revision: str) -> None:
    assert (new_store_schema(databases, tmp_path, template_at_first_revision)
            == migrated_from_empty(databases))


def test_a_template_holding_a_store_is_refused_and_the_copy_dropped(
        app: Flask, databases: Databases) -> None:
    first = create(app, "acme")
    app.config["TENANT_TEMPLATE_DB_URL"] = databases.tenant_url(first)
    before = databases.tenant_databases()
    with pytest.raises(PlatformError, match="already holds another store"):
        create(app, "books")
    assert databases.tenant_databases() == before


def test_a_template_on_another_server_is_refused_before_anything_is_created(
        databases: Databases, tmp_path: Path) -> None:
    elsewhere = ("postgresql://nobody@127.0.0.1:1/template" if databases.backend == "sqlite"
                 else f"sqlite:///{tmp_path / 'template.db'}")
    url = databases.tenant_url(uuid.uuid4())
    with pytest.raises(provisioning.ProvisioningError, match="on the tenant DB's server"):
        provisioning.create_database(url, elsewhere)
    assert not database_exists(url)
