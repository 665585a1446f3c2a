"""Every lifecycle command through the CLI, and every refusal leaving both DBs unchanged."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from storefront.extensions import db
from storefront.platform.models import Store, StoreDatabase, StoreSlugHistory, StoreStatus
from tests.conftest import Databases
from tests.factories import OWNER, PASSWORD, make_owner, make_store, tenant_engine
from tests.pg import database_exists
from tests.snapshots import snapshot, tenant_slug


def master_store(app: Flask, slug: str) -> Store | None:
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.slug == slug))
        if store is not None:
            db.session.expunge(store)
        return store


def test_users_create(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["users", "create", "--email", "Ann@Example.com",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "created user ann@example.com (owner)" in result.output


@pytest.mark.parametrize("email, password, reason", [
    ("not-an-email", PASSWORD, "not an e-mail address"),
    ("b@example.com", "short", "at least 8 characters"),
    (OWNER, PASSWORD, "already exists"),
])
def test_users_create_refusals(app: Flask, runner: FlaskCliRunner, databases: Databases,
                               email: str, password: str, reason: str) -> None:
    make_owner(app)
    before = snapshot(app, databases)
    result = runner.invoke(args=["users", "create", "--email", email, "--password-stdin"],
                           input=password + "\n")
    assert result.exit_code != 0
    assert reason in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert snapshot(app, databases) == before


def test_stores_create_writes_both_databases(app: Flask, runner: FlaskCliRunner,
                                             databases: Databases) -> None:
    make_owner(app)
    result = runner.invoke(args=["stores", "create", "--owner", OWNER, "--slug", "acme",
                                 "--name", "Acme Goods", "--currency", "eur",
                                 "--locale", "en", "--locale", "de"])
    assert result.exit_code == 0, result.output
    store = master_store(app, "acme")
    assert store is not None
    assert store.status == StoreStatus.ACTIVE and store.is_active and store.deleted_at is None
    assert databases.tenant_databases() == {store.id.hex}
    engine = tenant_engine(app, store.id)
    try:
        assert tenant_slug(engine, store.id) == "acme"
        with engine.connect() as connection:
            name, currency = connection.exec_driver_sql("SELECT name, currency FROM stores").one()
        assert (name, currency) == ("Acme Goods", "EUR")
    finally:
        engine.dispose()


@pytest.mark.parametrize("args, reason", [
    (["--slug", "acme"], "already taken"),
    (["--slug", "platform"], "reserved"),
    (["--slug", "sitemap.xml"], "reserved"),
    (["--slug", "Bad Slug"], "invalid slug"),
    (["--slug", "-dash"], "invalid slug"),
    (["--slug", "ab"], "invalid slug"),
    (["--slug", "fine-slug", "--owner", "nobody@example.com"], "no user"),
    (["--slug", "fine-slug", "--currency", "EURO"], "currency"),
    (["--slug", "fine-slug", "--name", " "], "name"),
])
def test_stores_create_refusals_change_nothing(app: Flask, runner: FlaskCliRunner,
                                               databases: Databases, args: list[str],
                                               reason: str) -> None:
    make_store(app, "acme")
    before = snapshot(app, databases)
    base = {"--owner": OWNER, "--name": "Shop"}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    flat = [x for pair in base.items() for x in pair]
    result = runner.invoke(args=["stores", "create", *flat])
    assert result.exit_code != 0
    assert reason in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert snapshot(app, databases) == before


def test_stores_list_and_show(app: Flask, runner: FlaskCliRunner) -> None:
    make_store(app, "acme")
    make_store(app, "bobs-books")
    listing = runner.invoke(args=["stores", "list"])
    assert listing.exit_code == 0
    lines = listing.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["acme", "bobs-books"]
    assert all("active" in line and OWNER in line for line in lines)
    shown = runner.invoke(args=["stores", "show", "acme"])
    assert shown.exit_code == 0
    assert "state:      active" in shown.output and "platform-managed" in shown.output
    missing = runner.invoke(args=["stores", "show", "nope"])
    assert missing.exit_code != 0 and "no store with slug 'nope'" in missing.output


def test_rename_updates_both_and_keeps_history(app: Flask, runner: FlaskCliRunner) -> None:
    store = make_store(app, "acme")
    result = runner.invoke(args=["stores", "rename", "acme", "acme-goods"])
    assert result.exit_code == 0, result.output
    assert master_store(app, "acme") is None
    assert master_store(app, "acme-goods").id == store.id
    with app.app_context():
        history = db.session.scalars(select(StoreSlugHistory.old_slug)).all()
    assert history == ["acme"]
    engine = tenant_engine(app, store.id)
    try:
        assert tenant_slug(engine, store.id) == "acme-goods"
    finally:
        engine.dispose()
    # Renaming back reclaims the old slug instead of refusing it.
    back = runner.invoke(args=["stores", "rename", "acme-goods", "acme"])
    assert back.exit_code == 0, back.output
    with app.app_context():
        assert db.session.scalars(select(StoreSlugHistory.old_slug)).all() == ["acme-goods"]


@pytest.mark.parametrize("old, new, reason", [
    ("acme", "other", "already taken"),
    ("acme", "former", "used by another store"),
    ("acme", "static", "reserved"),
    ("acme", "UPPER", "invalid slug"),
    ("acme", "acme", "already has the slug"),
    ("nope", "fresh", "no store with slug"),
])
def test_rename_refusals_change_nothing(app: Flask, runner: FlaskCliRunner,
                                        databases: Databases, old: str, new: str,
                                        reason: str) -> None:
    make_store(app, "acme")
    make_store(app, "former")
    assert runner.invoke(args=["stores", "rename", "former", "other"]).exit_code == 0
    before = snapshot(app, databases)
    result = runner.invoke(args=["stores", "rename", old, new])
    assert result.exit_code != 0
    assert reason in result.output, result.output
    assert snapshot(app, databases) == before


def test_suspend_and_activate_touch_master_only(app: Flask, runner: FlaskCliRunner,
                                                databases: Databases) -> None:
    store = make_store(app, "acme")
    tenants = databases.tenant_databases()
    assert runner.invoke(args=["stores", "suspend", "acme"]).exit_code == 0
    suspended = master_store(app, "acme")
    assert suspended.status == StoreStatus.SUSPENDED and not suspended.is_active
    assert runner.invoke(args=["stores", "activate", "acme"]).exit_code == 0
    active = master_store(app, "acme")
    assert active.status == StoreStatus.ACTIVE and active.is_active
    assert databases.tenant_databases() == tenants
    engine = tenant_engine(app, store.id)
    try:
        assert tenant_slug(engine, store.id) == "acme"
    finally:
        engine.dispose()
    for command in ("suspend", "activate"):
        refused = runner.invoke(args=["stores", command, "nope"])
        assert refused.exit_code != 0 and "no store" in refused.output


def test_delete_soft_in_master_hard_in_tenant(app: Flask, runner: FlaskCliRunner,
                                              databases: Databases) -> None:
    store = make_store(app, "acme")
    keep = make_store(app, "keeper")
    result = runner.invoke(args=["stores", "delete", "acme", "--yes"])
    assert result.exit_code == 0, result.output
    deleted = master_store(app, "acme")
    assert deleted.deleted_at is not None and not deleted.is_active
    assert deleted.status == StoreStatus.SUSPENDED
    assert databases.tenant_databases() == {keep.id.hex}
    with app.app_context():
        assert db.session.get(StoreDatabase, store.id).dropped_at is not None
    # Deleted stores refuse further lifecycle commands but are still shown.
    for args in (["rename", "acme", "acme-two"], ["activate", "acme"], ["delete", "acme", "--yes"]):
        refused = runner.invoke(args=["stores", *args])
        assert refused.exit_code != 0 and "was deleted" in refused.output
    assert "state:      deleted" in runner.invoke(args=["stores", "show", "acme"]).output
    # Its slug stays taken, so old links keep answering 410 rather than another shop.
    again = runner.invoke(args=["stores", "create", "--owner", OWNER, "--slug", "acme",
                                "--name", "New"])
    assert again.exit_code != 0 and "already taken" in again.output


def test_delete_of_owner_brought_database_empties_it(app: Flask, runner: FlaskCliRunner,
                                                     databases: Databases) -> None:
    import uuid

    from storefront.platform import provisioning

    url = databases.tenant_url(uuid.uuid4())
    provisioning.create_database(url)
    store = make_store(app, "byo", db_url=url, products=[{"slug": "thing"}])
    assert runner.invoke(args=["stores", "delete", "byo", "--yes"]).exit_code == 0
    assert database_exists(url)  # not ours to drop
    engine = provisioning.open_for_provisioning(url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM products").scalar() == 0
            assert connection.exec_driver_sql("SELECT count(*) FROM stores").scalar() == 0
    finally:
        engine.dispose()
        provisioning.drop_database(url)
    assert master_store(app, "byo").id == store.id


def test_brought_database_holding_another_store_is_refused(app: Flask, runner: FlaskCliRunner,
                                                           databases: Databases) -> None:
    first = make_store(app, "first")
    before = snapshot(app, databases)
    result = runner.invoke(args=["stores", "create", "--owner", OWNER, "--slug", "second",
                                 "--name", "Second", "--db-url", databases.tenant_url(first.id)])
    assert result.exit_code != 0
    assert "already holds another store" in result.output
    assert snapshot(app, databases) == before


def test_tenants_migrate_reports_failures_and_goes_on(app: Flask, runner: FlaskCliRunner,
                                                      databases: Databases) -> None:
    from storefront.platform import provisioning

    make_store(app, "alpha")
    broken = make_store(app, "broken")
    make_store(app, "gamma")
    ok = runner.invoke(args=["tenants", "migrate", "--jobs", "2"])
    assert ok.exit_code == 0, ok.output
    assert "migrated 3 of 3" in ok.output
    provisioning.drop_database(databases.tenant_url(broken.id))
    result = runner.invoke(args=["tenants", "migrate", "--jobs", "2"])
    assert result.exit_code != 0
    assert "FAILED broken" in result.output
    assert "migrated 2 of 3" in result.output


def test_tenants_check_finds_and_repairs_slug_drift(app: Flask, runner: FlaskCliRunner) -> None:
    store = make_store(app, "acme")
    clean = runner.invoke(args=["tenants", "check"])
    assert clean.exit_code == 0 and "0 problem(s)" in clean.output
    engine = tenant_engine(app, store.id)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE stores SET slug = 'drifted'")
        found = runner.invoke(args=["tenants", "check"])
        assert found.exit_code != 0
        assert "acme: the tenant DB says slug 'drifted'" in found.output
        repaired = runner.invoke(args=["tenants", "check", "--repair"])
        assert repaired.exit_code == 0, repaired.output
        assert tenant_slug(engine, store.id) == "acme"
    finally:
        engine.dispose()
