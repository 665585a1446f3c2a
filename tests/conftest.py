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
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import Connection, Engine, NullPool, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase

from storefront import create_app
from storefront.config import sqlalchemy_url
from storefront.extensions import MasterBase, cache, db
from storefront.migrate import MASTER, upgrade
from storefront.models_base import TenantBase
from storefront.platform import provisioning
from storefront.platform.models import Store
from storefront.platform.provisioning import tenant_url_for
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
    config.addinivalue_line("markers", "read_only: the test only reads, so it shares its module's "
                            "app and stores (a change it makes fails it)")
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
    """Drops finished tests' PostgreSQL databases on a background thread, in batches.

    ``DROP DATABASE`` waits for a checkpoint, which writes out every database created since the
    last one: dropped one at a time, that was a large part of a PostgreSQL test's time. Here the
    drops overlap the next tests, and a batch is issued at once on as many connections, so one
    checkpoint serves it (and databases dropped before any checkpoint are never written out).
    Each test's names are unique, so no test sees another's leftovers; ``close`` (at the end of
    the session) waits until every drop is done.
    """

    BATCH = 8  # tests whose databases are dropped together
    CONNECTIONS = 12  # a batch's drops run side by side, so they wait for the same checkpoint
    LINGER = 2.0  # seconds a short batch waits for more before it is dropped anyway

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
        pending: list[str] = []
        closing = False
        while not closing:
            try:
                prefix = self._queue.get(timeout=self.LINGER if pending else None)
            except queue.Empty:
                prefix = ""  # nothing more came: drop what is pending
            closing = prefix is None
            if prefix:
                pending.append(prefix)
            if pending and (not prefix or len(pending) >= self.BATCH):
                self._drop(tuple(pending))
                pending = []

    def _drop(self, prefixes: tuple[str, ...]) -> None:
        try:
            names = [n for n in postgres_databases("sft_") if n.startswith(prefixes)]
            with ThreadPoolExecutor(self.CONNECTIONS) as pool:
                list(pool.map(lambda name: drop_postgres_databases([name]), names))
        except Exception as exc:  # reported when the session ends
            self.failures.append(f"{', '.join(prefixes)}: {exc!r}")

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


def new_databases(backend: str, folder: Path, templates: Templates) -> Databases:
    """New databases under a unique name (PostgreSQL) or in ``folder`` (SQLite): master migrated
    (a copy of the template), no tenant DB yet."""
    master_template, tenant_template = templates.urls(backend)
    if backend == "sqlite":
        dbs = Databases(
            backend, f"sqlite:///{folder / 'master.db'}",
            f"sqlite:///{folder / 'tenants' / '{store_id}.db'}", folder=folder,
            tenant_template_db=tenant_template,
        )
    else:
        prefix = f"sft_{uuid.uuid4().hex[:10]}_"
        server = pg_server_url()
        dbs = Databases(backend, f"{server}/{prefix}master", f"{server}/{prefix}{{store_id}}",
                        prefix=prefix, folder=folder, tenant_template_db=tenant_template)
    provisioning.create_database(dbs.master_url, master_template)
    return dbs


def read_only(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("read_only") is not None


@pytest.fixture
def databases(request: pytest.FixtureRequest, backend: str, tmp_path: Path, templates: Templates,
              dropper: Dropper) -> Iterator[Databases]:
    """This test's own databases (a ``read_only`` test's are its module's shared ones)."""
    if read_only(request):
        yield request.getfixturevalue("shared_stores").databases
        return
    dbs = new_databases(backend, tmp_path, templates)
    try:
        yield dbs
    finally:
        if dbs.prefix:
            dropper.drop(dbs.prefix)


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
    app.extensions["tenant_connections"].dispose_all()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(request: pytest.FixtureRequest, databases: Databases, tmp_path: Path) -> Iterator[Flask]:
    """The app on this test's databases (a ``read_only`` test's is its module's shared one)."""
    if read_only(request):
        shared: SharedStores = request.getfixturevalue("shared_stores")
        yield shared.app
        shared.after(request.node.nodeid)
        return
    app = build_app(app_config(databases, tmp_path))
    yield app
    dispose(app)


# Store fixtures (tests/catalog/conftest.py) that read_only tests may share.
SHAREABLE_STORES: set[str] = set()


def store_fixture(name: str, make: Callable[[Flask], Store]) -> Any:
    """The fixture ``name``: ``make(app)`` for each test, or once per module for ``read_only``
    tests, which then share it (and the app) with the module's other ``read_only`` tests."""
    SHAREABLE_STORES.add(name)

    @pytest.fixture(name=name)
    def store(request: pytest.FixtureRequest, app: Flask) -> Store:
        if read_only(request):
            shared: SharedStores = request.getfixturevalue("shared_stores")
            return shared.store(name, make)
        return make(app)

    return store


class SharedStores:
    """An app, its databases and stores, shared by a module's ``read_only`` tests.

    After each test the cache is emptied and every row of master and of the stores' tenant DBs,
    the set of tenant DBs and the app's config are compared with what the stores were made with:
    a test that wrote anything fails, and the next test gets new databases.
    """

    def __init__(self, databases: Databases, folder: Path) -> None:
        self.databases = databases
        self.app = build_app(app_config(databases, folder))
        self.stores: dict[str, Store] = {}
        self._engines: dict[uuid.UUID, Engine] = {}
        self._made_with = self._state()
        self.broken = False

    def store(self, name: str, make: Callable[[Flask], Store]) -> Store:
        """The shared store ``name``, made on first use; a copy loaded from master."""
        if name not in self.stores:
            self.stores[name] = make(self.app)
            self._engines[self.stores[name].id] = provisioning.open_for_provisioning(
                self.databases.tenant_url(self.stores[name].id))
            self._made_with = self._state()
        with self.app.app_context():
            store = db.session.get(Store, self.stores[name].id)
            assert store is not None
            db.session.expunge(store)
            return store

    def after(self, test: str) -> None:
        """Check that ``test`` changed nothing; fail it if it did."""
        with self.app.app_context():
            cache.clear()  # counters and versions start over, as in a new app
        now = self._state()
        if now != self._made_with:
            self.broken = True
            changed = sorted(k for k in now.keys() | self._made_with.keys()
                             if now.get(k) != self._made_with.get(k))
            pytest.fail(f"{test} is marked read_only but changed {', '.join(changed)}")

    def _state(self) -> dict[str, Any]:
        """The app's config, the tenant DBs there are, and every row of master and of them."""
        state: dict[str, Any] = {"config": dict(self.app.config),
                                 "tenant DBs": self.databases.tenant_databases()}
        with self.app.app_context():
            state.update(table_rows(db.session.connection(), MasterBase, "master"))
            db.session.rollback()
        for store_id, engine in self._engines.items():
            with engine.connect() as connection:
                state.update(table_rows(connection, TenantBase, f"store {store_id.hex[:8]}"))
        return state

    def close(self, dropper: Dropper) -> None:
        for engine in self._engines.values():
            engine.dispose()
        dispose(self.app)
        if self.databases.prefix:
            dropper.drop(self.databases.prefix)


def table_rows(connection: Connection, base: type[DeclarativeBase],
               where: str) -> dict[str, list[Any]]:
    """Every row of every table of ``base``, in a stable order, by "``where``.table"."""
    return {f"{where}.{table.name}": sorted(tuple(map(str, row))
                                            for row in connection.execute(select(table)))
            for table in base.metadata.sorted_tables}


@pytest.fixture(scope="module")
def module_shares(dropper: Dropper) -> Iterator[dict[tuple[str, ...], SharedStores]]:
    """The module's shared stores, by backend and the store fixtures the test asks for."""
    shares: dict[tuple[str, ...], SharedStores] = {}
    yield shares
    for shared in shares.values():
        shared.close(dropper)


@pytest.fixture
def shared_stores(request: pytest.FixtureRequest, backend: str, templates: Templates,
                  dropper: Dropper, tmp_path_factory: pytest.TempPathFactory,
                  module_shares: dict[tuple[str, ...], SharedStores]) -> SharedStores:
    """The shared app and stores of a ``read_only`` test: those of its module's other
    ``read_only`` tests on this backend that ask for exactly the same store fixtures."""
    key = (backend, *sorted(set(request.fixturenames) & SHAREABLE_STORES))
    if key in module_shares and module_shares[key].broken:
        module_shares.pop(key).close(dropper)
    if key not in module_shares:
        folder = tmp_path_factory.mktemp("shared")
        module_shares[key] = SharedStores(new_databases(backend, folder, templates), folder)
    return module_shares[key]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
