"""Alembic environment for the master database; the caller passes the connection."""
from __future__ import annotations

from alembic import context

from storefront.extensions import MasterBase
from storefront.platform import models  # noqa: F401  (registers the tables)

target_metadata = MasterBase.metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
