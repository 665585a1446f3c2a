"""Alembic, driven from code: one script directory for master, one for every tenant.

The script directories (``storefront/migrations/master`` and ``…/tenant``) hold the revisions and
the ``env.py`` Alembic runs; those import the models of every package, so they sit on top of the
layers, while this runner, which platform and the tests call, imports none of them.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

SCRIPTS = Path(__file__).resolve().parent / "migrations"
MASTER = SCRIPTS / "master"
TENANT = SCRIPTS / "tenant"


def _config(script_dir: Path) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_dir))
    return cfg


def upgrade(engine: Engine, script_dir: Path, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision`` in one transaction."""
    cfg = _config(script_dir)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
