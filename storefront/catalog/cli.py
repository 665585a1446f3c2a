"""``storefront catalog import S FILE``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from storefront.catalog.importer import ImportRejected, ImportSummary, import_catalog
from storefront.models_base import TenantStore
from storefront.platform import provisioning
from storefront.platform.cli import operator_errors, store_service
from storefront.tenancy.resolve import bump_store_version

catalog_cli = AppGroup("catalog", help="A store's catalog and CMS content.")


def import_into(url: str, store_id: Any, document: Any) -> ImportSummary:
    """Import ``document`` into the tenant DB at ``url`` in one transaction."""
    with provisioning.engine_at(url) as engine, \
            Session(engine, autoflush=False) as session, session.begin():
        shop = session.get(TenantStore, store_id)
        if shop is None:
            raise ImportRejected("the store's tenant database has no stores row; run "
                                 "`storefront tenants check --repair`")
        return import_catalog(session, shop, document)


def read_document(path: Path) -> Any:
    """The JSON document in ``path``, or a one-line reason it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportRejected(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRejected(f"{path}: not valid JSON at line {exc.lineno} column {exc.colno}: "
                             f"{exc.msg}") from None


@catalog_cli.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@operator_errors
def catalog_import(slug: str, file: Path) -> None:
    """Load categories, attributes, products, reviews and CMS content from a JSON FILE."""
    service = store_service()
    store = service.get(slug)
    try:
        summary = import_into(service.tenant_url(store.id), store.id, read_document(file))
    except ImportRejected as exc:
        raise click.ClickException(f"nothing imported: {exc}") from None
    except SQLAlchemyError as exc:
        raise click.ClickException("nothing imported: the store's database failed: "
                                   + provisioning.describe_failure(exc)) from None
    # Every process's cached pages of this store are keyed on its version: they go stale now.
    bump_store_version(store.id)
    click.echo(f"imported into {store.slug}: {summary}")


def init_app(app: Flask) -> None:
    app.cli.add_command(catalog_cli)
