"""A throw-away storefront instance for benchmarks: its own master, tenants and cache."""
from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import NullPool, create_engine, text

from storefront import create_app
from storefront.extensions import db
from storefront.platform.cli import upgrade_master
from tests.pg import pg_server_url


@contextmanager
def throwaway_instance(postgres: bool, **config: Any) -> Iterator[Flask]:
    """An app on fresh databases (SQLite files, or uniquely named PostgreSQL DBs dropped after)."""
    tmp = Path(tempfile.mkdtemp(prefix="sf-bench-"))
    prefix = f"sfb_{uuid.uuid4().hex[:8]}_"
    admin = None
    if postgres:
        admin = create_engine(pg_server_url().replace("postgresql://", "postgresql+psycopg://", 1)
                              + "/postgres", isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{prefix}master"'))
        server = pg_server_url()
        master, template = f"{server}/{prefix}master", f"{server}/{prefix}{{store_id}}"
    else:
        master = f"sqlite:///{tmp / 'master.db'}"
        template = f"sqlite:///{tmp / 'tenants' / '{store_id}.db'}"
    app = create_app({
        "INSTANCE_PATH": str(tmp / "instance"), "MASTER_DB_URL": master,
        "TENANT_DB_URL_TEMPLATE": template, "ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "SECRET_KEY": "bench", **config,
    })
    try:
        with app.app_context():
            upgrade_master()
        yield app
    finally:
        app.extensions["tenant_connections"].dispose_all()
        with app.app_context():
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as c:
                names = c.execute(text("SELECT datname FROM pg_database "
                                       "WHERE left(datname, length(:p)) = :p"),
                                  {"p": prefix}).scalars().all()
                for name in names:
                    c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()
