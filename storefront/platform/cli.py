"""Operator commands: master schema, users, stores, credits, tenants, keys, serve."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from storefront.extensions import db
from storefront.migrate import MASTER, upgrade
from storefront.platform import provisioning
from storefront.platform.auth import end_sessions
from storefront.platform.credits import CreditService
from storefront.platform.crypto import CredentialError, decrypt
from storefront.platform.drift import check_tenants
from storefront.platform.errors import PlatformError
from storefront.platform.keys import rotate_keys
from storefront.platform.models import Store, StoreDatabase
from storefront.platform.stores import StoreService
from storefront.platform.users import create_user, user_by_email
from storefront.unit_of_work import unit_of_work

F = TypeVar("F", bound=Callable[..., Any])


def store_service() -> StoreService:
    """The store lifecycle bound to this app's master session, keys and cache."""
    return StoreService(
        db.session(),
        current_app.extensions["storefront_fernet"],
        current_app.config["TENANT_DB_URL_TEMPLATE"],
        current_app.extensions["storefront_forget_slugs"],
        current_app.config.get("TENANT_TEMPLATE_DB_URL"),
    )


def operator_errors(fn: F) -> F:
    """Run the command as one unit of work (committed when it returns, rolled back when it
    fails); turn a refused operation into a one-line reason and a non-zero exit."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with unit_of_work():
                return fn(*args, **kwargs)
        except (PlatformError, CredentialError, provisioning.ProvisioningError) as exc:
            raise click.ClickException(str(exc)) from None
        except SQLAlchemyError as exc:
            raise click.ClickException("the master database refused the change: "
                                       + provisioning.describe_failure(exc)) from None

    return wrapper  # type: ignore[return-value]


# -- db --------------------------------------------------------------------------------------

db_cli = AppGroup("db", help="The master database schema.")


@db_cli.command("upgrade")
@operator_errors
def db_upgrade() -> None:
    """Create or upgrade the master schema."""
    upgrade_master()
    click.echo("master schema is up to date")


def upgrade_master() -> None:
    upgrade(db.engine, MASTER)


# -- users -----------------------------------------------------------------------------------

users_cli = AppGroup("users", help="Agency users (store owners and admins).")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--role", type=click.Choice(["owner", "admin"]), default="owner")
@operator_errors
def users_create(email: str, password_stdin: bool, role: str) -> None:
    """Create an agency user."""
    if not password_stdin:
        raise click.ClickException("give the password on standard input with --password-stdin")
    password = sys.stdin.readline().rstrip("\r\n")
    user = create_user(db.session(), email, password, role)
    click.echo(f"created user {user.email} ({user.role.value}) {user.id}")


@users_cli.command("signout")
@click.argument("email")
@operator_errors
def users_signout(email: str) -> None:
    """Sign an agency user out everywhere: every session issued so far ends at once."""
    user = user_by_email(db.session(), email)
    end_sessions(db.session(), user.id)
    click.echo(f"signed out every session of {user.email}")


# -- stores ----------------------------------------------------------------------------------

stores_cli = AppGroup("stores", help="Create, rename, suspend, activate and delete stores.")


@stores_cli.command("create")
@click.option("--owner", "owner_email", required=True, help="E-mail of the owning user.")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@click.option("--db-url", default=None, help="Use this existing tenant DB instead of creating one.")
@click.option("--currency", default="USD", show_default=True)
@click.option("--locale", "locales", multiple=True,
              help="A locale the store sells in; the first is the default. Repeat for more.")
@operator_errors
def stores_create(owner_email: str, slug: str, name: str, db_url: str | None, currency: str,
                  locales: tuple[str, ...]) -> None:
    """Create a store: master rows, tenant DB, tenant store row."""
    store = store_service().create(
        owner_email=owner_email, slug=slug, name=name, db_url=db_url, currency=currency,
        default_locale=locales[0] if locales else "en", locales=list(locales) or None,
    )
    click.echo(f"created store {store.slug} {store.id}")


@stores_cli.command("list")
@operator_errors
def stores_list() -> None:
    """List every store with its state and owner."""
    for info in store_service().all_stores():
        store = info.store
        click.echo(f"{store.slug:30} {store.state:13} {info.owner_email:30} {store.id}")


@stores_cli.command("show")
@click.argument("slug")
@operator_errors
def stores_show(slug: str) -> None:
    """Show one store (deleted ones too)."""
    service = store_service()
    info = service.info(service.get(slug, allow_deleted=True))
    store = info.store
    click.echo(f"slug:       {store.slug}")
    click.echo(f"id:         {store.id}")
    click.echo(f"state:      {info.store.state}")
    click.echo(f"owner:      {info.owner_email}")
    click.echo(f"old slugs:  {', '.join(info.old_slugs) or '-'}")
    click.echo(f"database:   {'platform-managed' if info.managed_db else 'brought by owner'}"
               f"{' (removed)' if info.db_dropped else ''}")
    click.echo(f"credits:    {info.balance}")
    click.echo(f"created:    {store.created_at:%Y-%m-%d %H:%M:%S}")
    if store.deleted_at:
        click.echo(f"deleted:    {store.deleted_at:%Y-%m-%d %H:%M:%S}")


@stores_cli.command("rename")
@click.argument("slug")
@click.argument("new_slug")
@operator_errors
def stores_rename(slug: str, new_slug: str) -> None:
    """Give a store a new slug; the old one redirects."""
    store = store_service().rename(slug, new_slug)
    click.echo(f"renamed {slug} to {store.slug}; /{slug}/ now redirects to /{store.slug}/")


@stores_cli.command("suspend")
@click.argument("slug")
@operator_errors
def stores_suspend(slug: str) -> None:
    """Take a store offline (503) without touching its data."""
    store_service().suspend(slug)
    click.echo(f"suspended {slug}")


@stores_cli.command("activate")
@click.argument("slug")
@operator_errors
def stores_activate(slug: str) -> None:
    """Put a suspended store back online."""
    store_service().activate(slug)
    click.echo(f"activated {slug}")


@stores_cli.command("delete")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@operator_errors
def stores_delete(slug: str, yes: bool) -> None:
    """Delete a store: 410 at once, its tenant data removed."""
    if not yes and sys.stdin.isatty():
        click.confirm(f"Delete store {slug} and all of its data?", abort=True)
    store_service().delete(slug)
    click.echo(f"deleted {slug}; its tenant data was removed")


# -- credits ---------------------------------------------------------------------------------

credits_cli = AppGroup("credits", help="Store credit balances.")


@credits_cli.command("purchase")
@click.argument("slug")
@click.argument("amount")
@click.option("--reference", required=True, help="The payment's reference; unique.")
@operator_errors
def credits_purchase(slug: str, amount: str, reference: str) -> None:
    """Add credits to a store."""
    result = CreditService(db.session()).purchase(slug, amount, reference)
    if result.duplicate:
        click.echo(f"reference {reference} was already recorded; balance {result.balance}")
    else:
        click.echo(f"purchased {result.transaction.amount} for {slug}; balance {result.balance}")


@credits_cli.command("use")
@click.argument("slug")
@click.argument("amount")
@click.option("--reason", required=True)
@operator_errors
def credits_use(slug: str, amount: str, reason: str) -> None:
    """Spend credits of a store; refused if the balance is too low."""
    result = CreditService(db.session()).use(slug, amount, reason)
    click.echo(f"used {-result.transaction.amount} of {slug}; balance {result.balance}")


@credits_cli.command("balance")
@click.argument("slug")
@operator_errors
def credits_balance(slug: str) -> None:
    """Print a store's credit balance."""
    click.echo(str(CreditService(db.session()).balance(slug)))


# -- tenants ---------------------------------------------------------------------------------

tenants_cli = AppGroup("tenants", help="Every tenant database at once.")


@tenants_cli.command("migrate")
@click.option("--jobs", default=4, show_default=True, type=click.IntRange(1, 64))
@operator_errors
def tenants_migrate(jobs: int) -> None:
    """Upgrade every live tenant schema; report each failure and go on with the rest."""
    fernet = current_app.extensions["storefront_fernet"]
    targets: list[tuple[str, str | Exception]] = []
    rows = db.session.execute(
        select(Store.slug, StoreDatabase.encrypted_url)
        .join(StoreDatabase, StoreDatabase.store_id == Store.id)
        .where(Store.deleted_at.is_(None)).order_by(Store.slug)
    ).all()
    for slug, encrypted in rows:
        try:
            targets.append((slug, decrypt(fernet, encrypted)))
        except CredentialError as exc:
            targets.append((slug, exc))

    results = provisioning.migrate_many(targets, jobs)
    failed = [(slug, why) for slug, why in results if why]
    for slug, why in failed:
        click.echo(f"FAILED {slug}: {why}", err=True)
    click.echo(f"migrated {len(results) - len(failed)} of {len(results)} tenant databases")
    if failed:
        raise click.ClickException(f"{len(failed)} tenant database(s) failed to migrate")


@tenants_cli.command("check")
@click.option("--repair", is_flag=True, help="Finish or undo what an interrupted command left.")
@click.option("--grace-minutes", default=10, show_default=True, type=click.IntRange(0),
              help="A store provisioning for less than this is a create still running.")
@operator_errors
def tenants_check(repair: bool, grace_minutes: int) -> None:
    """Find drift between master and the tenant DBs."""
    findings = check_tenants(store_service(), repair=repair,
                             grace=timedelta(minutes=grace_minutes))
    for finding in findings:
        line = f"{finding.slug}: {finding.problem}"
        if finding.repaired:
            line += f" -> {finding.repaired}"
        click.echo(line)
    unrepaired = [f for f in findings if not f.repaired or f.repaired.startswith("not repaired")]
    click.echo(f"{len(findings)} problem(s) found" + (f", {len(findings) - len(unrepaired)} "
                                                       "repaired" if repair else ""))
    if unrepaired:
        sys.exit(1)


# -- keys ------------------------------------------------------------------------------------

keys_cli = AppGroup("keys", help="Encryption keys of tenant credentials.")


@keys_cli.command("rotate")
@operator_errors
def keys_rotate() -> None:
    """Re-encrypt every tenant credential with the first ENCRYPTION_KEY."""
    count = rotate_keys(db.session(), current_app.extensions["storefront_fernet"],
                        current_app.extensions["storefront_forget_slugs"])
    click.echo(f"re-encrypted {count} tenant credential(s) with the first key; older keys may now "
               "be removed from ENCRYPTION_KEY")


# -- serve ----------------------------------------------------------------------------------


@click.command("serve")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@with_appcontext
def serve(port: int, host: str) -> None:
    """Run the development server (production: gunicorn wsgi:app)."""
    # Not app.run(): Flask ignores it inside its own CLI (FLASK_RUN_FROM_CLI), and returns at once.
    from werkzeug.serving import run_simple

    click.echo(f"storefront: serving http://{host}:{port}/ (press Ctrl+C to stop)")
    run_simple(host, port, current_app._get_current_object(),  # type: ignore[attr-defined]
               threaded=True, use_reloader=False, use_debugger=False)


def init_app(app: Flask, *, forget_slugs: Callable[[Iterable[str]], None]) -> None:
    """Register the operator commands; ``forget_slugs`` drops the cached resolution of store
    slugs (tenancy's cache: the app factory wires it, platform does not import tenancy)."""
    app.extensions["storefront_forget_slugs"] = forget_slugs
    for command in (db_cli, users_cli, stores_cli, credits_cli, tenants_cli, keys_cli, serve):
        app.cli.add_command(command)
