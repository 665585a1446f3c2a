"""Where the PostgreSQL server for tests and benchmarks is (libpq variables or TEST_PG_URL)."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from storefront.config import sqlalchemy_url


def pg_server_url() -> str:
    """The server URL without a database part, e.g. ``postgresql://postgres@127.0.0.1:5432``."""
    if os.environ.get("TEST_PG_URL"):
        return os.environ["TEST_PG_URL"].rstrip("/")
    user = os.environ.get("PGUSER", "postgres")
    password = os.environ.get("PGPASSWORD")
    auth = f"{user}:{password}" if password else user
    host = os.environ.get("PGHOST", "127.0.0.1")
    port = os.environ.get("PGPORT", "5432")
    return f"postgresql://{auth}@{host}:{port}"


def database_exists(url: str) -> bool:
    """Whether the database at ``url`` exists: the SQLite file, or a PostgreSQL database."""
    parsed = make_url(sqlalchemy_url(url))
    if parsed.get_backend_name() == "sqlite":
        return Path(parsed.database or "").exists()
    admin = create_engine(parsed.set(database="postgres"), poolclass=NullPool)
    try:
        with admin.connect() as connection:
            return bool(connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            ).scalar())
    finally:
        admin.dispose()
