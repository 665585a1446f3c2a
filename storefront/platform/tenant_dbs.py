"""Where each store's tenant database lives (its URL, encrypted in master) and how to open it."""
from __future__ import annotations

import uuid
from typing import Any

from cryptography.fernet import MultiFernet
from sqlalchemy import Engine, NullPool, create_engine, event, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from storefront.config import sqlalchemy_url
from storefront.platform.crypto import CredentialError, decrypt
from storefront.platform.models import StoreDatabase


def load_tenant_url(session: Session, fernet: MultiFernet, store_id: uuid.UUID) -> str:
    """The decrypted URL of a store's tenant DB (CredentialError if none or unreadable)."""
    encrypted = session.scalar(
        select(StoreDatabase.encrypted_url).where(StoreDatabase.store_id == store_id)
    )
    if encrypted is None:
        raise CredentialError(f"store {store_id} has no tenant database on record")
    return decrypt(fernet, encrypted)


CONNECT_TIMEOUT_SECONDS = 3


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_tenant_engine(url: str, *, create: bool = False, pgbouncer: bool = False,
                       pooled: bool = True) -> Engine:
    """An engine for one tenant DB.

    SQLite files are opened read-write only (``mode=rw``) unless ``create`` is set, so a missing
    tenant file is an unreachable DB, exactly like a PostgreSQL server that is down.
    """
    parsed = make_url(sqlalchemy_url(url))
    options: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        if not path or path == ":memory:":
            raise ValueError("a SQLite tenant DB must be a file")
        parsed = URL.create(
            "sqlite",
            database=f"file:{path}",
            query={"mode": "rwc" if create else "rw", "uri": "true"},
        )
        options["connect_args"] = {"timeout": 5, "check_same_thread": False}
        if not pooled:
            options["poolclass"] = NullPool
        engine = create_engine(parsed, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    connect_args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    if pgbouncer:
        # Transaction pooling: a server connection is not ours between transactions.
        connect_args["prepare_threshold"] = None
    if pgbouncer or not pooled:
        options["poolclass"] = NullPool
    else:
        options.update(pool_size=2, max_overflow=3, pool_timeout=5, pool_recycle=1800)
    return create_engine(parsed, connect_args=connect_args, **options)
