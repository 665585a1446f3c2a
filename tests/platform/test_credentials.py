"""Tenant credentials are encrypted at rest; a wrong key is a clear error, never a traceback."""
from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import text

from storefront.extensions import db
from storefront.platform import provisioning
from tests.conftest import TEST_KEY, Databases, app_config, build_app, dispose
from tests.factories import make_store


def with_password(url: str, password: str) -> str:
    if url.startswith("postgresql://"):
        return url.replace("postgresql://postgres@", f"postgresql://postgres:{password}@", 1)
    return url  # SQLite URLs carry no password; the path must still not be readable


def test_raw_row_holds_neither_url_nor_password(app: Flask, databases: Databases) -> None:
    store_id = uuid.uuid4()
    plain = databases.tenant_url(store_id)
    provisioning.create_database(plain)
    url = with_password(plain, "Sup3rSecretPw")
    try:
        store = make_store(app, "acme", db_url=url)
        with app.app_context():
            raw = db.session.execute(
                text("SELECT * FROM store_databases WHERE store_id = :id"),
                {"id": store.id if databases.backend == "postgresql" else store.id.hex},
            ).one()
        dump = " ".join(
            bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v)
            for v in raw
        )
        database_name = plain.rsplit("/", 1)[-1]
        for secret in ("Sup3rSecretPw", database_name, "postgresql://", "sqlite://", "127.0.0.1"):
            assert secret not in dump
        with app.app_context():
            from storefront.platform.cli import store_service

            assert store_service().tenant_url(store.id) == url  # and yet it round-trips
    finally:
        provisioning.drop_database(plain)


def test_wrong_key_gives_a_clear_503_and_logs_no_secret(
        app: Flask, databases: Databases, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    store = make_store(app, "acme", products=[{"slug": "p", "name": "Secret-free product"}])
    other_key = Fernet.generate_key().decode()
    wrong = build_app(app_config(databases, tmp_path, ENCRYPTION_KEY=other_key))
    try:
        with caplog.at_level(logging.INFO):
            response = wrong.test_client().get("/acme/")
        assert response.status_code == 503
        body = response.get_data(as_text=True)
        assert "cannot be reached" in body
        for leak in ("Traceback", "InvalidToken", store.id.hex, "ENCRYPTION_KEY"):
            assert leak not in body
        assert "cannot be decrypted" in caplog.text
        assert databases.tenant_url(store.id) not in caplog.text
    finally:
        dispose(wrong)


def test_wrong_key_on_the_command_line_is_one_line(app: Flask, databases: Databases,
                                                   tmp_path: Path) -> None:
    make_store(app, "acme")
    other_key = Fernet.generate_key().decode()
    wrong = build_app(app_config(databases, tmp_path, ENCRYPTION_KEY=other_key))
    try:
        result = wrong.test_cli_runner().invoke(args=["stores", "rename", "acme", "acme-two"])
        assert result.exit_code != 0
        assert "cannot be decrypted" in result.output
        assert len(result.output.strip().splitlines()) == 1
        assert "Traceback" not in result.output
    finally:
        dispose(wrong)


def test_malformed_key_refuses_to_start(databases: Databases, tmp_path: Path) -> None:
    from storefront import create_app
    from storefront.platform.crypto import CredentialError

    with pytest.raises(CredentialError, match="not a comma-separated list of Fernet keys"):
        create_app(app_config(databases, tmp_path, ENCRYPTION_KEY="not-a-key"))


def test_keys_rotate_re_encrypts_with_the_first_key(app: Flask, runner: FlaskCliRunner,
                                                    databases: Databases,
                                                    tmp_path: Path) -> None:
    make_store(app, "acme", products=[{"slug": "p", "name": "Rotated product"}])
    new_key = Fernet.generate_key().decode()
    rotating = build_app(app_config(databases, tmp_path, ENCRYPTION_KEY=f"{new_key},{TEST_KEY}"))
    only_new = None
    try:
        result = rotating.test_cli_runner().invoke(args=["keys", "rotate"])
        assert result.exit_code == 0, result.output
        assert "re-encrypted 1 tenant credential" in result.output
        only_new = build_app(app_config(databases, tmp_path, ENCRYPTION_KEY=new_key))
        response = only_new.test_client().get("/acme/")
        assert response.status_code == 200
        assert "Rotated product" in response.get_data(as_text=True)
        # The old key alone can no longer read it.
        old_only = app.test_client().get("/acme/")
        assert old_only.status_code == 503
    finally:
        dispose(rotating)
        if only_new is not None:
            dispose(only_new)
