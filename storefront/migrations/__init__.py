"""Alembic script directories, run by ``storefront.migrate``; nothing imports this package."""
