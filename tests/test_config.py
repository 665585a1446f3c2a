"""Configuration from the environment: development defaults and production refusals."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from storefront import create_app
from storefront.config import ConfigurationError, load_config


def test_development_generates_keys_once_into_the_instance_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("STOREFRONT_INSTANCE_PATH", str(tmp_path / "inst"))
    with caplog.at_level(logging.WARNING):
        first = load_config()
    assert "generated encryption.key" in caplog.text and "generated secret.key" in caplog.text
    assert (tmp_path / "inst" / "encryption.key").stat().st_mode & 0o077 == 0
    Fernet(first["ENCRYPTION_KEY"])  # a real key
    second = load_config()
    assert second["ENCRYPTION_KEY"] == first["ENCRYPTION_KEY"]
    assert second["SECRET_KEY"] == first["SECRET_KEY"]
    assert first["MASTER_DB_URL"] == f"sqlite:///{tmp_path / 'inst' / 'master.db'}"
    assert first["TENANT_DB_URL_TEMPLATE"].endswith("/inst/tenants/{store_id}.db")
    assert first["CACHE_TYPE"] == "FileSystemCache"
    assert first["CACHE_DIR"] == str(tmp_path / "inst" / "cache")


def test_postgresql_urls_use_psycopg3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STOREFRONT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("MASTER_DB_URL", "postgresql://u@db.internal/master")
    monkeypatch.setenv("CACHE_REDIS_URL", "redis://cache:6379/0")
    config = load_config()
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.internal/master"
    assert config["CACHE_TYPE"] == "RedisCache"


@pytest.mark.parametrize("env, missing", [
    ({}, "ENCRYPTION_KEY, SECRET_KEY, MASTER_DB_URL"),
    ({"ENCRYPTION_KEY": "k", "SECRET_KEY": "s"}, "MASTER_DB_URL"),
    ({"SECRET_KEY": "s", "MASTER_DB_URL": "postgresql://x/y"}, "ENCRYPTION_KEY"),
    ({"ENCRYPTION_KEY": "k", "SECRET_KEY": "s", "MASTER_DB_URL": "sqlite:///m.db"}, "SQLite"),
])
def test_production_refuses_to_start_without_its_settings(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], missing: str) -> None:
    monkeypatch.setenv("STOREFRONT_ENV", "production")
    monkeypatch.setenv("STOREFRONT_INSTANCE_PATH", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=missing):
        create_app()
    assert not (tmp_path / "encryption.key").exists()


def test_unknown_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STOREFRONT_ENV", "staging")
    with pytest.raises(ConfigurationError, match="development or production"):
        load_config()
