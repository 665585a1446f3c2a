"""Configuration: every environment variable of the contract is read here and nowhere else."""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The environment does not describe a server that may start."""


def _generated_secret(instance: Path, name: str, make: Callable[[], str]) -> str:
    """Read a development secret from the instance folder, creating it once (with a warning)."""
    path = instance / name
    if path.exists():
        return path.read_text().strip()
    value = make()
    path.write_text(value + "\n")
    path.chmod(0o600)
    log.warning("generated %s into %s; set it in the environment for production", name, path)
    return value


def sqlalchemy_url(url: str) -> str:
    """Map a libpq-style ``postgresql://`` URL onto the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _proxy_count(value: object) -> int:
    """``TRUSTED_PROXIES``: how many proxies in front set ``X-Forwarded-*`` (0: trust none)."""
    try:
        count = int(str(value).strip() or "0")
    except ValueError:
        count = -1
    if count < 0:
        raise ConfigurationError(f"TRUSTED_PROXIES must be a number of proxies, not {value!r}")
    return count


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config from the environment, then apply ``overrides`` (tests)."""
    overrides = dict(overrides or {})
    env = {**os.environ, **{k: v for k, v in overrides.items() if isinstance(v, str)}}
    environment = env.get("STOREFRONT_ENV", "development")
    instance = Path(
        overrides.get("INSTANCE_PATH")
        or env.get("STOREFRONT_INSTANCE_PATH")
        or PROJECT_ROOT / "instance"
    ).resolve()

    if environment == "production":
        missing = [k for k in ("ENCRYPTION_KEY", "SECRET_KEY", "MASTER_DB_URL") if not env.get(k)]
        if missing:
            raise ConfigurationError(
                "STOREFRONT_ENV=production refuses to start without " + ", ".join(missing)
            )
        if env["MASTER_DB_URL"].startswith("sqlite"):
            raise ConfigurationError("STOREFRONT_ENV=production refuses a SQLite MASTER_DB_URL")
    elif environment != "development":
        raise ConfigurationError(
            f"STOREFRONT_ENV must be development or production, not {environment!r}"
        )

    instance.mkdir(parents=True, exist_ok=True)
    encryption_key = env.get("ENCRYPTION_KEY") or _generated_secret(
        instance, "encryption.key", lambda: Fernet.generate_key().decode()
    )
    secret_key = env.get("SECRET_KEY") or _generated_secret(
        instance, "secret.key", lambda: Fernet.generate_key().decode()
    )
    master_url = env.get("MASTER_DB_URL") or f"sqlite:///{instance / 'master.db'}"
    tenant_template = env.get("TENANT_DB_URL_TEMPLATE") or (
        f"sqlite:///{instance / 'tenants' / '{store_id}.db'}"
    )

    config: dict[str, Any] = {
        "STOREFRONT_ENV": environment,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": secret_key,
        "ENCRYPTION_KEY": encryption_key,
        "MASTER_DB_URL": master_url,
        "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(master_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "TENANT_DB_URL_TEMPLATE": tenant_template,
        # Off by default. A migrated tenant DB holding no store, on the server of the tenant DBs
        # (a SQLite file, or a PostgreSQL database nobody is connected to): new managed tenant
        # DBs are copied from it (CREATE DATABASE ... TEMPLATE) and then migrated, instead of
        # running every migration on an empty DB. The test suite sets it (tests/conftest.py).
        "TENANT_TEMPLATE_DB_URL": None,
        # How many tenant engines (each a small pool) one process keeps open at once.
        "TENANT_ENGINE_LIMIT": int(env.get("TENANT_ENGINE_LIMIT", "64")),
        # PgBouncer in transaction mode: no client-side pooling, no prepared statements.
        "TENANT_PGBOUNCER": env.get("TENANT_PGBOUNCER", "") in ("1", "true", "yes"),
        "STOREFRONT_BASE_DOMAIN": env.get("STOREFRONT_BASE_DOMAIN") or None,
        "SMTP_URL": env.get("SMTP_URL") or None,
        # From: of order e-mails when the store names no address of its own.
        "MAIL_SENDER": env.get("MAIL_SENDER") or "Storefront <no-reply@storefront.invalid>",
        # X-Forwarded-For/-Proto/-Host are believed only from this many proxies (ProxyFix);
        # without them, anyone could pick the address the login throttle counts against.
        "TRUSTED_PROXIES": _proxy_count(env.get("TRUSTED_PROXIES", "0")),
        "STORE_CACHE_TTL": 300,
        "RETRY_AFTER_SECONDS": 3600,
    }
    if env.get("CACHE_REDIS_URL"):
        config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=env["CACHE_REDIS_URL"])
    else:
        # cachelib prunes past the threshold (500 by default): room for every store and page.
        config.update(CACHE_TYPE="FileSystemCache", CACHE_DIR=str(instance / "cache"),
                      CACHE_THRESHOLD=50000)
    config["CACHE_DEFAULT_TIMEOUT"] = 300
    config["CACHE_KEY_PREFIX"] = env.get("CACHE_KEY_PREFIX", "storefront:")

    config.update(overrides)
    config["SQLALCHEMY_DATABASE_URI"] = sqlalchemy_url(config["MASTER_DB_URL"])
    config["TRUSTED_PROXIES"] = _proxy_count(config["TRUSTED_PROXIES"])
    return config
