"""Where the PostgreSQL server for tests and benchmarks is (libpq variables or TEST_PG_URL)."""
from __future__ import annotations

import os


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
