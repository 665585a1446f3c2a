"""Column types every model shares."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from storefront.extensions import db
from storefront.platform.models import Store
from tests.factories import make_store


def test_timestamps_read_back_timezone_aware(app: Flask) -> None:
    """SQLite keeps no zone; AwareDateTime still hands back aware UTC, as PostgreSQL does."""
    store = make_store(app, "acme")
    with app.app_context():
        created = db.session.scalar(select(Store.created_at).where(Store.id == store.id))
    assert created is not None and created.tzinfo is not None
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=5)
