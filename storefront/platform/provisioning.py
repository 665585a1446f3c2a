"""Creating, migrating, emptying and dropping tenant databases."""
from __future__ import annotations

import multiprocessing
import re
import sqlite3
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, NullPool, create_engine, text
from sqlalchemy.engine import make_url

from storefront.config import sqlalchemy_url
from storefront.migrate import TENANT, upgrade
from storefront.models_base import TenantBase
from storefront.platform.tenant_dbs import CONNECT_TIMEOUT_SECONDS, make_tenant_engine


class ProvisioningError(Exception):
    """A tenant database could not be created, migrated or removed."""


def describe_failure(exc: BaseException) -> str:
    """One line on why a database step failed, never including a connection URL."""
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip()
    first = text.splitlines()[0] if text else type(inner).__name__
    return re.sub(r"\w+://\S+", "<url>", first)


def tenant_url_for(template: str, store_id: uuid.UUID) -> str:
    """The URL of a new store's DB from ``TENANT_DB_URL_TEMPLATE``."""
    if "{store_id}" not in template:
        raise ProvisioningError("TENANT_DB_URL_TEMPLATE must contain {store_id}")
    return template.replace("{store_id}", store_id.hex)


def is_sqlite(url: str) -> bool:
    return make_url(sqlalchemy_url(url)).get_backend_name() == "sqlite"


def _postgres_admin_engine(url: str) -> tuple[Engine, str]:
    parsed = make_url(sqlalchemy_url(url))
    if not parsed.database:
        raise ProvisioningError("the tenant URL names no database")
    admin = create_engine(
        parsed.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
        poolclass=NullPool,
    )
    return admin, parsed.database


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_database(url: str, template: str | None = None) -> None:
    """Create a database at ``url``, empty or a copy of ``template``; refuse if one is there.

    ``template`` (``TENANT_TEMPLATE_DB_URL``) is a tenant DB on the same server, already migrated,
    holding no store; copying it is much cheaper than running every migration on an empty DB.
    The caller still migrates the copy, so a template behind the newest revision is only slower.
    """
    template_path = template_name = None
    if template is not None:
        template_path, template_name = _template_source(template, url)
    if is_sqlite(url):
        path = Path(make_url(url).database or "")
        if path.exists():
            raise ProvisioningError(f"a tenant database file already exists: {path.name}")
        path.parent.mkdir(parents=True, exist_ok=True)
        if template_path is None:
            sqlite3.connect(path).close()
        else:
            _copy_sqlite(template_path, path)
        return
    admin, name = _postgres_admin_engine(url)
    # The server copies the template's files; it refuses while anyone is connected to it.
    source = f" TEMPLATE {_quote_ident(template_name)}" if template_name else ""
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {_quote_ident(name)}{source}"))
    finally:
        admin.dispose()


def _template_source(template: str, url: str) -> tuple[Path | None, str | None]:
    """The template's file (SQLite) or database name (PostgreSQL), checked against ``url``."""
    source, target = make_url(sqlalchemy_url(template)), make_url(sqlalchemy_url(url))
    if source.get_backend_name() != target.get_backend_name() or (
            source.host, source.port) != (target.host, target.port):
        raise ProvisioningError("the tenant template DB must be on the tenant DB's server")
    if not source.database or source.database == ":memory:":
        raise ProvisioningError("the tenant template URL names no database")
    if source.get_backend_name() == "sqlite":
        return Path(source.database), None
    return None, source.database


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite DB page by page (consistent even while its WAL holds changes)."""
    if not source.exists():
        raise ProvisioningError(f"the tenant template DB file is missing: {source.name}")
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    finally:
        reader.close()


def drop_database(url: str) -> None:
    """Drop the database at ``url`` (closing other sessions on it); no error if it is gone."""
    if is_sqlite(url):
        path = Path(make_url(url).database or "")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    admin, name = _postgres_admin_engine(url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {_quote_ident(name)} WITH (FORCE)"))
    finally:
        admin.dispose()


def open_for_provisioning(url: str, create: bool = False) -> Engine:
    """A short-lived, unpooled engine for provisioning work on one tenant DB."""
    return make_tenant_engine(url, create=create, pooled=False)


@contextmanager
def engine_at(url: str, create: bool = False) -> Iterator[Engine]:
    """``open_for_provisioning`` for the length of a block, disposed however the block ends."""
    engine = open_for_provisioning(url, create)
    try:
        yield engine
    finally:
        engine.dispose()


def migrate(engine: Engine) -> None:
    """Upgrade one tenant DB to the newest tenant schema."""
    upgrade(engine, TENANT)


def purge_rows(engine: Engine) -> None:
    """Delete every row of every tenant table (an owner-brought DB, which we may not drop)."""
    with engine.begin() as connection:
        for table in reversed(TenantBase.metadata.sorted_tables):
            connection.execute(table.delete())


def _migrate_url(target: tuple[str, str | Exception]) -> tuple[str, str | None]:
    name, url = target
    if isinstance(url, Exception):
        return name, str(url)
    try:
        with engine_at(url) as engine:
            migrate(engine)
    except Exception as exc:  # one tenant's failure must not stop the others
        return name, describe_failure(exc)
    return name, None


def migrate_many(targets: list[tuple[str, str | Exception]],
                 jobs: int) -> list[tuple[str, str | None]]:
    """Migrate each (name, url) target; returns (name, failure or None) in the same order.

    Alembic keeps its migration context in module globals, so parallel runs need processes.
    """
    if jobs <= 1 or len(targets) <= 1:
        return [_migrate_url(t) for t in targets]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(targets)), mp_context=context) as pool:
        return list(pool.map(_migrate_url, targets))
