"""``/`` is the platform's landing page; ``/favicon.ico`` the platform's or the store's icon."""
from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from storefront.platform import provisioning
from tests.conftest import Databases, app_config, build_app, dispose
from tests.factories import make_store
from tests.themes.test_themes import login, save_draft

ICO_MAGIC = b"\x00\x00\x01\x00"  # an ICO file's header: reserved 0, type 1 (icon)


def store_links(html: str) -> set[str]:
    return set(re.findall(r'href="/([a-z0-9-]+)/"', html))


def test_landing_page_says_what_this_is_and_where_owners_sign_in(app: Flask,
                                                                 client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "<h1" in html and 'href="/platform/login"' in html
    assert '<link rel="icon" href="/favicon.ico">' in html


def test_in_development_it_lists_the_live_stores_from_master_alone(
        app: Flask, client: FlaskClient, runner: object, databases: Databases) -> None:
    for slug in ("acme", "closed", "gone"):
        make_store(app, slug)
    unreachable = make_store(app, "unreachable")
    cli = app.test_cli_runner()
    assert cli.invoke(args=["stores", "suspend", "closed"]).exit_code == 0
    assert cli.invoke(args=["stores", "delete", "gone", "--yes"]).exit_code == 0
    # Listing reads master only: a store whose tenant DB is gone is listed, the page still 200.
    provisioning.drop_database(databases.tenant_url(unreachable.id))
    response = client.get("/")
    assert response.status_code == 200
    assert store_links(response.get_data(as_text=True)) == {"acme", "unreachable"}


def test_in_production_it_lists_no_stores(app: Flask, client: FlaskClient) -> None:
    make_store(app, "acme")
    app.config["STOREFRONT_ENV"] = "production"
    html = client.get("/").get_data(as_text=True)
    assert store_links(html) == set() and 'href="/platform/login"' in html


def test_favicon_is_the_platforms_icon_kept_for_long(app: Flask, client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200  # not a 308 to /favicon.ico/ and then a 404
    assert response.mimetype == "image/x-icon" and response.data.startswith(ICO_MAGIC)
    assert response.cache_control.public
    assert (response.cache_control.max_age or 0) >= 30 * 24 * 3600


def test_store_pages_link_the_stores_icon_or_the_platforms(app: Flask,
                                                           client: FlaskClient) -> None:
    make_store(app, "acme", "Acme Goods")
    make_store(app, "iconic", "Iconic", theme={"icon_url": "/media/iconic/icon.png"})
    for path in ("/acme/", "/acme/cart", "/acme/no-such-page"):
        assert '<link rel="icon" href="/favicon.ico">' in client.get(path).get_data(
            as_text=True), path
    html = client.get("/iconic/").get_data(as_text=True)
    assert '<link rel="icon" href="/media/iconic/icon.png">' in html
    # The store's own /favicon.ico (what a store's host answers for /favicon.ico).
    own = client.get("/iconic/favicon.ico")
    assert own.status_code == 302 and own.headers["Location"] == "/media/iconic/icon.png"
    fallback = client.get("/acme/favicon.ico")
    assert fallback.status_code == 200 and fallback.data.startswith(ICO_MAGIC)


def test_owner_sets_the_stores_icon_in_the_theme_editor(app: Flask) -> None:
    make_store(app, "acme", "Acme Goods")
    owner = app.test_client()
    login(owner)
    refused = save_draft(owner, "acme", theme="classic", icon_url="javascript:alert(1)")
    assert refused.status_code == 400
    assert "the icon must be an https:// URL or a path on this site" in refused.get_data(
        as_text=True)
    saved = save_draft(owner, "acme", theme="classic", icon_url="https://cdn.example.com/i.png")
    assert saved.status_code == 303
    preview = owner.get(saved.headers["Location"]).get_data(as_text=True)
    assert '<link rel="icon" href="https://cdn.example.com/i.png">' in preview


def test_a_store_host_answers_favicon_with_the_stores_icon(databases: Databases,
                                                           tmp_path: Path) -> None:
    app = build_app(app_config(databases, tmp_path, STOREFRONT_BASE_DOMAIN="shops.test"))
    try:
        make_store(app, "iconic", "Iconic", theme={"icon_url": "/media/iconic/icon.png"})
        client = app.test_client()
        own = client.get("/favicon.ico", base_url="http://iconic.shops.test")
        assert own.status_code == 302 and own.headers["Location"] == "/media/iconic/icon.png"
        platform = client.get("/favicon.ico", base_url="http://shops.test")
        assert platform.status_code == 200 and platform.data.startswith(ICO_MAGIC)
        assert client.get("/", base_url="http://shops.test").status_code == 200
    finally:
        dispose(app)
