"""The request's tenant session: failing to open it is the store's 503, whatever the driver says."""
from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from storefront.extensions import db
from storefront.platform.models import StoreDatabase
from tests.factories import make_store


def test_a_driver_error_without_a_message_is_a_503(app: Flask, client: FlaskClient,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    store = make_store(app, "shop")
    with app.app_context():
        version = db.session.get(StoreDatabase, store.id).version  # type: ignore[union-attr]
        engine = app.extensions["tenant_connections"].engine_for(store.id, version)
    driver_error = engine.dialect.loaded_dbapi.OperationalError

    # A driver that fails without a word: the log line must still be written, and the
    # answer be the store's 503, not a 500 from reading the first line of nothing.
    attempts: list[object] = []

    def refuse(*_args: Any) -> None:
        attempts.append(_args)
        raise driver_error("")

    event.listen(engine, "do_connect", refuse)
    with caplog.at_level(logging.ERROR, logger="storefront.tenancy.session"):
        response = client.get("/shop/")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert f"tenant DB of store {store.id} unavailable: OperationalError" in caplog.text
    # One attempt per request: the 503 page does not wait for a dead DB again.
    assert len(attempts) == 1
