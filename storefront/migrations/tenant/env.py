"""Alembic environment for the tenant database; the caller passes the connection."""
from __future__ import annotations

from alembic import context

# Each feature declares its tables on the one tenant base; importing them fills its metadata.
from storefront.accounts import models as _accounts  # noqa: F401
from storefront.cart import models as _cart  # noqa: F401
from storefront.catalog import models as _catalog  # noqa: F401
from storefront.cms import models as _cms  # noqa: F401
from storefront.mail import models as _mail  # noqa: F401
from storefront.models_base import TenantBase
from storefront.orders import models as _orders  # noqa: F401

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
