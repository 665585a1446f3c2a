"""Alembic environment for the tenant database; the caller passes the connection."""
from __future__ import annotations

from alembic import context

from storefront.tenancy.models import TenantBase

target_metadata = TenantBase.metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
