"""Fixtures: every database-touching test runs on SQLite and on PostgreSQL (``backend``).

PostgreSQL is reached through ``TEST_PG_URL`` or libpq's ``PGHOST``/``PGPORT``/``PGUSER``/
``PGPASSWORD`` (default ``postgresql://postgres@127.0.0.1:5432``). Each test gets its own master
and tenant databases under a unique name prefix, dropped afterwards. If PostgreSQL is selected and
unreachable, the run fails at once instead of skipping.

Migrations run once per session and backend, into template databases built from the migrations
on disk (``templates``); a test's master is a copy of the master template, and the stores it
creates copy the tenant template (the app's ``TENANT_TEMPLATE_DB_URL``). PostgreSQL databases of
finished tests are dropped on a background thread (``dropper``), which the session waits for.
"""
from __future__ import annotations

import os
import queue
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import NullPool, create_engine, text
from sqlalchemy.engine import make_url

from storefront import create_app
from storefront.config import sqlalchemy_url
from storefront.migrations import MASTER, upgrade
from storefront.tenancy import provisioning
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


def postgres_databases(prefix: str) -> list[str]:
    """The server's databases whose names start with ``prefix`` (exactly: no LIKE wildcards)."""
    engine = pg_admin_engine()
    try:
        with engine.connect() as connection:
            return list(connection.execute(
                text("SELECT datname FROM pg_database WHERE left(datname, length(:p)) = :p"),
                {"p": prefix},
            ).scalars())
    finally:
        engine.dispose()


def drop_postgres_databases(names: list[str]) -> None:
    engine = pg_admin_engine()
    try:
        with engine.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


class Templates:
    """Master and tenant DBs at the head revision, migrated once per session and backend.

    Built on first use from the migrations on disk (a revision added a minute ago is in them), by
    the same code that migrates real databases; dropped when the session ends.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.prefix = f"sft_{uuid.uuid4().hex[:10]}_template_"
        self._urls: dict[str, tuple[str, str]] = {}

    def urls(self, backend: str) -> tuple[str, str]:
        """The (master, tenant) template URLs of ``backend``."""
        if backend not in self._urls:
            if backend == "sqlite":
                master = f"sqlite:///{self.folder / 'master.db'}"
                tenant = f"sqlite:///{self.folder / 'tenant.db'}"
            else:
                master = f"{pg_server_url()}/{self.prefix}master"
                tenant = f"{pg_server_url()}/{self.prefix}tenant"
            self._urls[backend] = (master, tenant)  # before building: a half-built one is dropped
            self._build(master, tenant)
        return self._urls[backend]

    @staticmethod
    def _build(master: str, tenant: str) -> None:
        provisioning.create_database(master)
        engine = create_engine(sqlalchemy_url(master), poolclass=NullPool)
        try:
            upgrade(engine, MASTER)  # what `storefront db upgrade` does
        finally:
            engine.dispose()  # PostgreSQL copies a template only while nobody is connected
        provisioning.create_database(tenant)
        engine = provisioning.open_for_provisioning(tenant, create=True)
        try:
            provisioning.migrate(engine)  # what creating a store does
        finally:
            engine.dispose()

    def drop(self) -> None:
        if any(url.startswith("postgresql") for url, _ in self._urls.values()):
            drop_postgres_databases(postgres_databases(self.prefix))


class Dropper:
    """Drops finished tests' PostgreSQL databases on a background thread.

    ``DROP DATABASE`` waits for a checkpoint, a large part of a PostgreSQL test's time; here it
    overlaps the next test instead. Each test's names are unique, so no test sees another's
    leftovers; ``close`` (at the end of the session) waits until every drop is done.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.failures: list[str] = []

    def drop(self, prefix: str) -> None:
        """Drop every database named ``prefix…``, soon."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="drop-test-databases",
                                            daemon=True)
            self._thread.start()
        self._queue.put(prefix)

    def _run(self) -> None:
        while (prefix := self._queue.get()) is not None:
            try:
                drop_postgres_databases(postgres_databases(prefix))
            except Exception as exc:  # reported when the session ends
                self.failures.append(f"{prefix}: {exc!r}")

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    made = Templates(tmp_path_factory.mktemp("templates"))
    yield made
    made.drop()


@pytest.fixture(scope="session")
def dropper() -> Iterator[Dropper]:
    background = Dropper()
    yield background
    background.close()
    assert not background.failures, f"test databases left behind: {background.failures}"


@dataclass
class Databases:
    """Where one test's master and tenant DBs live, and how to clean them up."""

    backend: str
    master_url: str
    tenant_template: str
    prefix: str = ""
    folder: Path | None = None
    # The migrated tenant DB that new stores' DBs are copied from (TENANT_TEMPLATE_DB_URL).
    tenant_template_db: str | None = None

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
        if self.backend == "postgresql":
            drop_postgres_databases(self._postgres_databases())

    def _postgres_databases(self) -> list[str]:
        """Every database of this test (master and tenants), by its unique prefix."""
        return postgres_databases(self.prefix)


@pytest.fixture
def databases(backend: str, tmp_path: Path, templates: Templates,
              dropper: Dropper) -> Iterator[Databases]:
    """This test's own databases: master migrated (a copy of the template), no tenant DB yet."""
    master_template, tenant_template = templates.urls(backend)
    if backend == "sqlite":
        dbs = Databases(
            backend, f"sqlite:///{tmp_path / 'master.db'}",
            f"sqlite:///{tmp_path / 'tenants' / '{store_id}.db'}", folder=tmp_path,
            tenant_template_db=tenant_template,
        )
        provisioning.create_database(dbs.master_url, master_template)
        yield dbs
        return
    prefix = f"sft_{uuid.uuid4().hex[:10]}_"
    server = pg_server_url()
    dbs = Databases(backend, f"{server}/{prefix}master", f"{server}/{prefix}{{store_id}}",
                    prefix=prefix, folder=tmp_path, tenant_template_db=tenant_template)
    try:
        provisioning.create_database(dbs.master_url, master_template)
        yield dbs
    finally:
        dropper.drop(prefix)


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
        "TENANT_TEMPLATE_DB_URL": databases.tenant_template_db,
    }
    config.update(extra)
    if "TENANT_DB_URL_TEMPLATE" in extra and "TENANT_TEMPLATE_DB_URL" not in extra:
        config["TENANT_TEMPLATE_DB_URL"] = None  # the template sits beside the default location
    return config


TEST_KEY = Fernet.generate_key().decode()


class CompiledTemplates(BytecodeCache):
    """Compiled Jinja templates shared by every app of the session.

    Each test builds its own app, and compiling the templates again for each was a tenth of a
    second per test. Entries are checked against the template's source, so an edit still shows.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def build_app(config: dict[str, Any]) -> Flask:
    from storefront.platform.cli import upgrade_master

    app = create_app(config)
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
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
