"""What both databases hold, to prove a refused command changed nothing."""
from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select, text

from storefront.extensions import MasterBase, db
from tests.conftest import Databases


def master_rows(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    with app.app_context():
        result = {}
        for table in MasterBase.metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = db.session.execute(select(table)).all()
            result[table.name] = sorted(tuple(map(str, r)) for r in rows)
        return result


def snapshot(app: Flask, databases: Databases) -> dict[str, Any]:
    """Every master row and the set of tenant DBs that exist."""
    return {"master": master_rows(app), "tenants": databases.tenant_databases()}


def tenant_slug(engine: Any, store_id: Any) -> str | None:
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT slug FROM stores WHERE id = :id"),
            {"id": store_id if engine.dialect.name == "postgresql" else store_id.hex},
        ).scalar()
