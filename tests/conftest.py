"""Fixtures: every database-touching test runs on SQLite and on PostgreSQL (``backend``).

PostgreSQL is reached through ``TEST_PG_URL`` or libpq's ``PGHOST``/``PGPORT``/``PGUSER``/
``PGPASSWORD`` (default ``postgresql://postgres@127.0.0.1:5432``). Each test gets its own master
and tenant databases under a unique name prefix, dropped afterwards. If PostgreSQL is selected and
unreachable, the run fails at once instead of skipping.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import NullPool, create_engine, text
from sqlalchemy.engine import make_url

from storefront import create_app
from storefront.tenancy.provisioning import tenant_url_for
from tests.pg import pg_server_url

# The machine's own settings must not leak into tests.
for _name in ("MASTER_DB_URL", "TENANT_DB_URL_TEMPLATE", "ENCRYPTION_KEY", "SECRET_KEY",
              "STOREFRONT_ENV", "CACHE_REDIS_URL", "STOREFRONT_INSTANCE_PATH", "SMTP_URL",
              "STOREFRONT_BASE_DOMAIN"):
    os.environ.pop(_name, None)

BACKENDS = ("sqlite", "postgresql")


def pg_admin_engine():  # type: ignore[no-untyped-def]
    url = make_url(pg_server_url().replace("postgresql://", "postgresql+psycopg://", 1))
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                         poolclass=NullPool, connect_args={"connect_timeout": 5})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--backend", action="append", choices=BACKENDS, dest="backends",
                     help="database backend(s) to run on (default: both)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql_only: isolation/concurrency/locking tests")
    if not config.getoption("backends"):
        config.option.backends = list(BACKENDS)


def pytest_sessionstart(session: pytest.Session) -> None:
    if "postgresql" not in session.config.getoption("backends"):
        return
    try:
        engine = pg_admin_engine()
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # fail loudly: a PostgreSQL run must never silently skip
        raise pytest.UsageError(
            f"PostgreSQL is not reachable at {pg_server_url()} ({exc.__class__.__name__}); "
            "start it or set TEST_PG_URL / PGHOST / PGPORT / PGUSER"
        ) from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = list(metafunc.config.getoption("backends"))
        if metafunc.definition.get_closest_marker("postgresql_only"):
            backends = [b for b in backends if b == "postgresql"]
        metafunc.parametrize("backend", backends)


@dataclass
class Databases:
    """Where one test's master and tenant DBs live, and how to clean them up."""

    backend: str
    master_url: str
    tenant_template: str
    prefix: str = ""
    folder: Path | None = None

    def tenant_url(self, store_id: uuid.UUID) -> str:
        return tenant_url_for(self.tenant_template, store_id)

    def tenant_databases(self) -> set[str]:
        """Names of the tenant DBs that exist right now."""
        if self.backend == "sqlite":
            assert self.folder is not None
            return {p.stem for p in (self.folder / "tenants").glob("*.db")}
        return {n[len(self.prefix):] for n in self._postgres_databases()
                if not n.endswith("_master")}

    def drop_all(self) -> None:
        if self.backend != "postgresql":
            return
        names = self._postgres_databases()
        engine = pg_admin_engine()
        try:
            with engine.connect() as connection:
                for name in names:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            engine.dispose()

    def _postgres_databases(self) -> list[str]:
        """Every database of this test (master and tenants), by its unique prefix."""
        engine = pg_admin_engine()
        try:
            with engine.connect() as connection:
                return list(connection.execute(
                    text("SELECT datname FROM pg_database WHERE left(datname, length(:p)) = :p"),
                    {"p": self.prefix},
                ).scalars())
        finally:
            engine.dispose()


@pytest.fixture
def databases(backend: str, tmp_path: Path) -> Iterator[Databases]:
    if backend == "sqlite":
        yield Databases(
            backend, f"sqlite:///{tmp_path / 'master.db'}",
            f"sqlite:///{tmp_path / 'tenants' / '{store_id}.db'}", folder=tmp_path,
        )
        return
    prefix = f"sft_{uuid.uuid4().hex[:10]}_"
    server = pg_server_url()
    engine = pg_admin_engine()
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{prefix}master"'))
    engine.dispose()
    dbs = Databases(backend, f"{server}/{prefix}master", f"{server}/{prefix}{{store_id}}",
                    prefix=prefix, folder=tmp_path)
    try:
        yield dbs
    finally:
        dbs.drop_all()


def app_config(databases: Databases, tmp_path: Path, **extra: Any) -> dict[str, Any]:
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "MASTER_DB_URL": databases.master_url,
        "TENANT_DB_URL_TEMPLATE": databases.tenant_template,
        "ENCRYPTION_KEY": TEST_KEY,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": True,
        # Tests write tenant rows behind the platform's back; page-cache tests turn it on.
        "PAGE_CACHE_ENABLED": False,
    }
    config.update(extra)
    return config


TEST_KEY = Fernet.generate_key().decode()


def build_app(config: dict[str, Any]) -> Flask:
    from storefront.platform.cli import upgrade_master

    app = create_app(config)
    with app.app_context():
        upgrade_master()
    return app


def dispose(app: Flask) -> None:
    from storefront.extensions import db

    app.extensions["tenant_connections"].dispose_all()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(databases: Databases, tmp_path: Path) -> Iterator[Flask]:
    app = build_app(app_config(databases, tmp_path))
    yield app
    dispose(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
