"""The tenant side really fails (unreachable server, dropped DB); master must end consistent."""
from __future__ import annotations

import uuid

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from storefront.extensions import db
from storefront.platform import provisioning
from storefront.platform.cli import store_service
from storefront.platform.models import Store, StoreSlugHistory, StoreStatus
from storefront.platform.stores import StoreService
from tests.conftest import Databases, app_config, build_app, dispose
from tests.factories import OWNER, make_owner, make_store, tenant_engine
from tests.snapshots import snapshot, tenant_slug


def unreachable_url(databases: Databases) -> str:
    if databases.backend == "sqlite":
        return f"sqlite:///{databases.folder}/no-such-dir/missing.db"
    return "postgresql://postgres@127.0.0.1:1/nowhere"


def test_create_with_unreachable_brought_db_leaves_nothing(app: Flask, runner: FlaskCliRunner,
                                                           databases: Databases) -> None:
    make_owner(app)
    before = snapshot(app, databases)
    result = runner.invoke(args=["stores", "create", "--owner", OWNER, "--slug", "acme",
                                 "--name", "Acme", "--db-url", unreachable_url(databases)])
    assert result.exit_code != 0
    assert "could not be prepared" in result.output and "nothing was created" in result.output
    assert "nowhere" not in result.output and "missing.db" not in result.output
    assert snapshot(app, databases) == before
    # The slug is free again.
    assert runner.invoke(args=["stores", "create", "--owner", OWNER, "--slug", "acme",
                               "--name", "Acme"]).exit_code == 0


def test_create_on_unreachable_tenant_server_leaves_nothing(databases: Databases, tmp_path) -> None:
    if databases.backend == "sqlite":
        (tmp_path / "not-a-folder").write_text("a file where the tenant folder should be")
        broken = f"sqlite:///{tmp_path}/not-a-folder/{{store_id}}.db"
    else:
        broken = "postgresql://postgres@127.0.0.1:1/t_{store_id}"
    app = build_app(app_config(databases, tmp_path, TENANT_DB_URL_TEMPLATE=broken))
    try:
        make_owner(app)
        before = snapshot(app, databases)
        result = app.test_cli_runner().invoke(args=["stores", "create", "--owner", OWNER,
                                                    "--slug", "acme", "--name", "Acme"])
        assert result.exit_code != 0
        assert "nothing was created" in result.output
        assert snapshot(app, databases) == before
    finally:
        dispose(app)


def test_create_whose_tenant_write_fails_drops_the_new_db(app: Flask, databases: Databases,
                                                          monkeypatch) -> None:
    """The DB is created and migrated, then the tenant row write really fails: all undone."""
    make_owner(app)
    before = snapshot(app, databases)
    real_migrate = provisioning.migrate

    def migrate_then_break(engine):  # type: ignore[no-untyped-def]
        real_migrate(engine)
        with engine.begin() as connection:  # a real failure of the next write
            connection.exec_driver_sql("DROP TABLE stores")

    monkeypatch.setattr(provisioning, "migrate", migrate_then_break)
    with app.app_context():
        try:
            store_service().create(owner_email=OWNER, slug="acme", name="Acme")
        except Exception as exc:
            assert "nothing was created" in str(exc)
        else:
            raise AssertionError("create should have failed")
    assert snapshot(app, databases) == before


def test_rename_with_dropped_tenant_db_is_undone(app: Flask, runner: FlaskCliRunner,
                                                 databases: Databases) -> None:
    store = make_store(app, "acme")
    provisioning.drop_database(databases.tenant_url(store.id))
    before = snapshot(app, databases)
    result = runner.invoke(args=["stores", "rename", "acme", "acme-new"])
    assert result.exit_code != 0
    assert "the rename was undone" in result.output and "keeps the slug 'acme'" in result.output
    assert snapshot(app, databases) == before
    with app.app_context():
        assert db.session.scalar(select(Store.slug).where(Store.id == store.id)) == "acme"
        assert db.session.scalars(select(StoreSlugHistory)).all() == []


def test_rename_back_with_failing_tenant_restores_history(app: Flask, runner: FlaskCliRunner,
                                                          databases: Databases) -> None:
    store = make_store(app, "acme")
    assert runner.invoke(args=["stores", "rename", "acme", "acme-two"]).exit_code == 0
    provisioning.drop_database(databases.tenant_url(store.id))
    before = snapshot(app, databases)
    result = runner.invoke(args=["stores", "rename", "acme-two", "acme"])
    assert result.exit_code != 0 and "undone" in result.output
    assert snapshot(app, databases) == before


def test_interrupted_create_is_finished_by_repair(app: Flask, runner: FlaskCliRunner,
                                                  databases: Databases) -> None:
    """A crash after the tenant side but before activation: 404 until repair activates it."""
    user = make_owner(app)
    with app.app_context():
        service: StoreService = store_service()
        store_id = uuid.uuid4()
        url = databases.tenant_url(store_id)
        store = service.reserve(store_id, user.id, "halfway", url, managed=True)
        service.provision(url, True, dict(id=store_id, name="Halfway", slug="halfway"))
        assert store.status == StoreStatus.PROVISIONING
    client = app.test_client()
    assert client.get("/halfway/").status_code == 404
    # Within the grace period it is a create still running: left alone.
    running = runner.invoke(args=["tenants", "check", "--repair"])
    assert running.exit_code == 0 and "halfway" not in running.output
    assert client.get("/halfway/").status_code == 404
    found = runner.invoke(args=["tenants", "check", "--grace-minutes", "0"])
    assert found.exit_code != 0 and "halfway: left in status provisioning" in found.output
    repaired = runner.invoke(args=["tenants", "check", "--repair", "--grace-minutes", "0"])
    assert repaired.exit_code == 0, repaired.output
    assert "store activated" in repaired.output
    assert client.get("/halfway/").status_code == 200


def test_interrupted_create_without_tenant_is_undone_by_repair(app: Flask,
                                                               runner: FlaskCliRunner,
                                                               databases: Databases) -> None:
    """A crash right after the master rows: repair removes them and whatever DB was begun."""
    user = make_owner(app)
    before = snapshot(app, databases)
    with app.app_context():
        service = store_service()
        store_id = uuid.uuid4()
        url = databases.tenant_url(store_id)
        service.reserve(store_id, user.id, "crashed", url, managed=True)
        provisioning.create_database(url)  # created, never migrated
    repaired = runner.invoke(args=["tenants", "check", "--repair", "--grace-minutes", "0"])
    assert repaired.exit_code == 0, repaired.output
    assert "the store was removed" in repaired.output
    assert snapshot(app, databases) == before


def test_delete_with_unreachable_tenant_says_what_is_pending(app: Flask, runner: FlaskCliRunner,
                                                             databases: Databases) -> None:
    url = databases.tenant_url(uuid.uuid4())
    provisioning.create_database(url)
    make_store(app, "byo", db_url=url)
    provisioning.drop_database(url)  # the owner's DB vanished
    result = runner.invoke(args=["stores", "delete", "byo", "--yes"])
    assert result.exit_code != 0
    assert "answer 410" in result.output and "tenants check --repair" in result.output
    assert app.test_client().get("/byo/").status_code == 410
    check = runner.invoke(args=["tenants", "check"])
    assert "byo: deleted, but its tenant data is still there" in check.output


def test_slug_drift_from_a_half_rename_is_repaired(app: Flask, runner: FlaskCliRunner) -> None:
    """Master renamed, tenant not (as if the undo itself had failed): check repairs the tenant."""
    store = make_store(app, "acme")
    with app.app_context():
        db.session.execute(Store.__table__.update().values(slug="acme-new"))
        db.session.commit()
    repaired = runner.invoke(args=["tenants", "check", "--repair"])
    assert "acme-new: the tenant DB says slug 'acme'" in repaired.output
    engine = tenant_engine(app, store.id)
    try:
        assert tenant_slug(engine, store.id) == "acme-new"
    finally:
        engine.dispose()


def test_a_store_being_created_cannot_be_deleted(app: Flask, runner: FlaskCliRunner,
                                                 databases: Databases) -> None:
    user = make_owner(app)
    with app.app_context():
        store_id = uuid.uuid4()
        store_service().reserve(store_id, user.id, "halfway", databases.tenant_url(store_id),
                                managed=True)
    result = runner.invoke(args=["stores", "delete", "halfway", "--yes"])
    assert result.exit_code != 0 and "still being created" in result.output
