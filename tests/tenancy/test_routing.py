"""Every status code of the contract's table, as a crawler meets it."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import update

from storefront.extensions import db
from storefront.platform import provisioning
from storefront.platform.models import Store
from tests.conftest import Databases, app_config, build_app, dispose
from tests.factories import make_store


def test_active_store_is_served_from_its_tenant_db(app: Flask, client: FlaskClient) -> None:
    make_store(app, "acme", "Acme Goods", products=[{"slug": "anvil", "name": "Iron anvil"}])
    response = client.get("/acme/")
    assert response.status_code == 200
    assert response.content_type.startswith("text/html")
    html = response.get_data(as_text=True)
    assert "Acme Goods" in html and "Iron anvil" in html


def test_unknown_store_is_404(app: Flask, client: FlaskClient) -> None:
    assert client.get("/nobody-here/").status_code == 404
    assert client.get("/nobody-here/p/thing").status_code == 404


def test_unknown_page_inside_a_store_is_the_stores_own_404(app: Flask,
                                                           client: FlaskClient) -> None:
    make_store(app, "acme", "Acme Goods")
    response = client.get("/acme/no/such/page")
    assert response.status_code == 404
    assert "Acme Goods" in response.get_data(as_text=True)


def test_old_slugs_redirect_to_the_current_one_keeping_path(app: Flask, client: FlaskClient,
                                                            runner: FlaskCliRunner) -> None:
    make_store(app, "alpha")
    assert client.get("/alpha/").status_code == 200  # cached under the old slug
    assert runner.invoke(args=["stores", "rename", "alpha", "bravo"]).exit_code == 0
    assert client.get("/bravo/").status_code == 200
    assert runner.invoke(args=["stores", "rename", "bravo", "charlie"]).exit_code == 0
    for old in ("alpha", "bravo"):
        response = client.get(f"/{old}/p/some-product?page=2&utm_source=x")
        assert response.status_code == 301
        assert response.headers["Location"] == "/charlie/p/some-product?page=2&utm_source=x"
        home = client.get(f"/{old}/")
        assert (home.status_code, home.headers["Location"]) == (301, "/charlie/")
    assert client.get("/charlie/").status_code == 200


def test_suspended_store_is_503_without_opening_its_tenant_db(app: Flask, client: FlaskClient,
                                                              runner: FlaskCliRunner,
                                                              databases: Databases) -> None:
    store = make_store(app, "acme")
    assert client.get("/acme/").status_code == 200
    assert runner.invoke(args=["stores", "suspend", "acme"]).exit_code == 0
    # The tenant DB is gone: if routing opened it, this would be the "unreachable" 503.
    provisioning.drop_database(databases.tenant_url(store.id))
    app.extensions["tenant_connections"].dispose_all()
    response = client.get("/acme/")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "closed for now" in response.get_data(as_text=True)
    assert len(app.extensions["tenant_connections"]) == 0


def test_inactive_store_is_503(app: Flask, client: FlaskClient) -> None:
    store = make_store(app, "acme")
    with app.app_context():
        db.session.execute(update(Store).where(Store.id == store.id).values(is_active=False))
        db.session.commit()
        from storefront.tenancy.resolve import forget_slugs

        forget_slugs(["acme"])
    response = client.get("/acme/")
    assert response.status_code == 503 and "Retry-After" in response.headers


def test_activate_brings_it_back(app: Flask, client: FlaskClient,
                                 runner: FlaskCliRunner) -> None:
    make_store(app, "acme")
    runner.invoke(args=["stores", "suspend", "acme"])
    assert client.get("/acme/").status_code == 503
    runner.invoke(args=["stores", "activate", "acme"])
    assert client.get("/acme/").status_code == 200


def test_deleted_store_is_410_also_under_its_old_slug(app: Flask, client: FlaskClient,
                                                      runner: FlaskCliRunner) -> None:
    make_store(app, "acme")
    runner.invoke(args=["stores", "rename", "acme", "acme-two"])
    assert runner.invoke(args=["stores", "delete", "acme-two", "--yes"]).exit_code == 0
    assert client.get("/acme-two/").status_code == 410
    assert client.get("/acme-two/p/x").status_code == 410
    moved = client.get("/acme/")
    assert moved.status_code == 301 and client.get(moved.headers["Location"]).status_code == 410


def test_provisioning_store_is_404(app: Flask, client: FlaskClient) -> None:
    store = make_store(app, "acme")
    with app.app_context():
        db.session.execute(update(Store).where(Store.id == store.id).values(status="provisioning",
                                                                           is_active=False))
        db.session.commit()
        from storefront.tenancy.resolve import forget_slugs

        forget_slugs(["acme"])
    assert client.get("/acme/").status_code == 404


def test_unreachable_tenant_db_is_503_for_that_store_only(app: Flask, client: FlaskClient,
                                                          databases: Databases) -> None:
    broken = make_store(app, "broken", products=[{"slug": "a", "name": "Broken thing"}])
    make_store(app, "healthy", "Healthy Shop")
    assert client.get("/broken/").status_code == 200
    provisioning.drop_database(databases.tenant_url(broken.id))
    app.extensions["tenant_connections"].dispose_all()
    response = client.get("/broken/")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "cannot be reached" in body and "Traceback" not in body
    assert databases.tenant_url(broken.id).split("/")[-1] not in body
    assert client.get("/healthy/").status_code == 200


def test_health_endpoints(app: Flask, client: FlaskClient) -> None:
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ok", "master": "ok"}


def test_readyz_is_503_when_master_is_unreachable(databases: Databases, tmp_path: Path) -> None:
    from storefront import create_app

    unreachable = ("sqlite:////nonexistent-dir/master.db" if databases.backend == "sqlite"
                   else "postgresql://postgres@127.0.0.1:1/master")
    app = create_app(app_config(databases, tmp_path, MASTER_DB_URL=unreachable))
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 503 and response.json["master"] == "unreachable"
        assert app.test_client().get("/healthz").status_code == 200
    finally:
        dispose(app)


@pytest.mark.parametrize("cache", ["filesystem", "redis"])
def test_a_command_in_another_process_is_seen_on_the_next_request(
        databases: Databases, tmp_path: Path, cache: str) -> None:
    """Two apps share the cache like a server and a CLI process do; no waiting for a TTL."""
    import uuid

    extra = {}
    if cache == "redis":
        extra = {"CACHE_REDIS_URL": "redis://127.0.0.1:6379/0",
                 "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}:"}
    server = build_app(app_config(databases, tmp_path, **extra))
    operator = build_app(app_config(databases, tmp_path, **extra))
    try:
        assert server.config["CACHE_TYPE"] == ("RedisCache" if cache == "redis"
                                               else "FileSystemCache")
        make_store(server, "acme")
        client = server.test_client()
        assert client.get("/acme/").status_code == 200
        cli = operator.test_cli_runner()
        assert cli.invoke(args=["stores", "suspend", "acme"]).exit_code == 0
        assert client.get("/acme/").status_code == 503
        assert cli.invoke(args=["stores", "activate", "acme"]).exit_code == 0
        assert cli.invoke(args=["stores", "rename", "acme", "acme-new"]).exit_code == 0
        assert client.get("/acme/").status_code == 301
        assert client.get("/acme-new/").status_code == 200
        assert cli.invoke(args=["stores", "delete", "acme-new", "--yes"]).exit_code == 0
        assert client.get("/acme-new/").status_code == 410
    finally:
        dispose(server)
        dispose(operator)


def test_old_slug_redirect_keeps_the_path_encoded(app: Flask, client: FlaskClient,
                                                  runner: FlaskCliRunner) -> None:
    make_store(app, "alpha")
    runner.invoke(args=["stores", "rename", "alpha", "bravo"])
    for path, location in (("/alpha/p/%2541", "/bravo/p/%2541"),
                           ("/alpha/p/caf%C3%A9", "/bravo/p/caf%C3%A9")):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response.headers["Location"] == location
    # A line break in a path never gets as far as a redirect: no page has one.
    response = client.get("/alpha/%0d%0aX-Injected:1")
    assert response.status_code == 400 and "X-Injected" not in response.headers
