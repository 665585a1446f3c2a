"""Themes shoppers see, and the owner's preview that nobody else ever sees."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from storefront.catalog.models import Category, CategoryTranslation
from storefront.extensions import db
from storefront.models_base import TenantStore
from storefront.platform.users import create_user
from storefront.unit_of_work import unit_of_work
from tests.conftest import Databases, app_config, build_app, dispose
from tests.factories import PASSWORD, make_owner, make_store, tenant_engine
from tests.forms import csrf_token, token_from

MARKERS = {
    "classic": ('class="wrap header-row"', 'class="category-nav"'),
    "boutique": ('class="wrap masthead"', 'class="wrap boutique-footer"'),
    "market": ('class="wrap market-columns"', 'class="sidebar-nav"'),
}


def shop_with_category(app: Flask, slug: str = "acme", **kwargs: Any) -> Any:
    store = make_store(app, slug, "Acme Goods",
                       products=[{"slug": "anvil", "name": "Iron anvil"}], **kwargs)
    engine = tenant_engine(app, store.id)
    try:
        with Session(engine) as s, s.begin():
            tools = Category(slug="tools")
            s.add(tools)
            s.flush()
            s.add(CategoryTranslation(category_id=tools.id, locale="en", name="Tools"))
    finally:
        engine.dispose()
    return store


def stored_theme(app: Flask, store: Any) -> dict[str, Any]:
    engine = tenant_engine(app, store.id)
    try:
        with Session(engine) as s:
            return dict(s.get(TenantStore, store.id).theme or {})
    finally:
        engine.dispose()


def login(client: FlaskClient, email: str = "owner@example.com") -> None:
    token = token_from(client, "/platform/login")
    response = client.post("/platform/login",
                           data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303


def save_draft(client: FlaskClient, slug: str, **fields: str) -> Any:
    token = token_from(client, f"/platform/stores/{slug}/theme")
    return client.post(f"/platform/stores/{slug}/theme", data={"csrf_token": token, **fields})


def theme_of(html: str) -> str:
    found = [name for name, markers in MARKERS.items() if all(m in html for m in markers)]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("name", sorted(MARKERS))
def test_each_theme_has_its_own_layout(app: Flask, client: FlaskClient, name: str) -> None:
    shop_with_category(app, theme={"name": name})
    for path in ("/acme/", "/acme/p/anvil", "/acme/c/tools", "/acme/nothing-here"):
        response = client.get(path)
        assert theme_of(response.get_data(as_text=True)) == name, path
        assert f"css/themes/{name}.css" in response.get_data(as_text=True)
    assert client.get("/acme/").get_data(as_text=True).count("<main") == 1


def test_theme_settings_reach_the_page_and_bad_ones_are_dropped(app: Flask,
                                                                client: FlaskClient) -> None:
    shop_with_category(app, theme={"name": "classic", "colors": {
        "accent": "#aa0000", "header_bg": "red;}</style><script>alert(1)</script>"},
        "font": "serif", "columns": 3, "logo_url": "javascript:alert(1)"})
    html = client.get("/acme/").get_data(as_text=True)
    assert "--accent: #aa0000;" in html and "--columns: 3;" in html and "Georgia" in html
    assert "<script>alert(1)" not in html and "javascript:" not in html


def test_preview_is_for_the_owner_only(app: Flask) -> None:
    shop_with_category(app)
    make_owner(app, "rival@example.com")
    anonymous = app.test_client()
    page = anonymous.get("/acme/?preview_theme=market")
    assert theme_of(page.get_data(as_text=True)) == "classic"
    assert "Previewing" not in page.get_data(as_text=True)
    assert "no-store" not in page.headers.get("Cache-Control", "")

    rival = app.test_client()
    login(rival, "rival@example.com")
    assert theme_of(rival.get("/acme/?preview_theme=market").get_data(as_text=True)) == "classic"

    owner = app.test_client()
    login(owner)
    preview = owner.get("/acme/?preview_theme=market")
    html = preview.get_data(as_text=True)
    assert theme_of(html) == "market" and "Previewing the <strong>Market</strong> theme" in html
    assert preview.headers["X-Robots-Tag"] == "noindex"
    assert preview.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in preview.headers
    exit_link = 'href="/acme/"'
    assert exit_link in html


def test_admin_may_preview_any_store(app: Flask) -> None:
    shop_with_category(app)
    with app.app_context(), unit_of_work():
        create_user(db.session(), "admin@example.com", PASSWORD, "admin")
    admin = app.test_client()
    login(admin, "admin@example.com")
    assert theme_of(admin.get("/acme/?preview_theme=boutique").get_data(as_text=True)) == \
        "boutique"


def test_owner_previews_a_suspended_store(app: Flask) -> None:
    shop_with_category(app)
    app.test_cli_runner().invoke(args=["stores", "suspend", "acme"])
    owner = app.test_client()
    login(owner)
    response = owner.get("/acme/?preview_theme=market")
    assert response.status_code == 200 and theme_of(response.get_data(as_text=True)) == "market"
    assert app.test_client().get("/acme/?preview_theme=market").status_code == 503


def test_edit_preview_publish(databases: Databases, tmp_path: Path) -> None:
    app = build_app(app_config(databases, tmp_path, PAGE_CACHE_ENABLED=True))
    try:
        store = shop_with_category(app)
        shopper = app.test_client(use_cookies=False)
        assert theme_of(shopper.get("/acme/").get_data(as_text=True)) == "classic"
        assert shopper.get("/acme/").headers["X-Page-Cache"] == "hit"

        owner = app.test_client()
        login(owner)
        refused = save_draft(owner, "acme", theme="market", accent="not-a-colour")
        assert refused.status_code == 400 and "accent must be a colour" in refused.get_data(
            as_text=True)
        assert "draft" not in stored_theme(app, store)

        saved = save_draft(owner, "acme", theme="market", accent="#123456", font="serif",
                           columns="3")
        assert saved.status_code == 303
        assert saved.headers["Location"] == "/acme/?preview_theme=market"
        preview = owner.get(saved.headers["Location"])
        assert theme_of(preview.get_data(as_text=True)) == "market"
        assert "--accent: #123456;" in preview.get_data(as_text=True)
        # The shopper still gets the published theme, from the cache or not.
        for path in ("/acme/", "/acme/?preview_theme=market"):
            assert theme_of(shopper.get(path).get_data(as_text=True)) == "classic"

        assert owner.post("/platform/stores/acme/theme/publish",
                          data={"theme": "market"}).status_code == 400
        token = csrf_token(preview.get_data(as_text=True))
        published = owner.post("/platform/stores/acme/theme/publish",
                               data={"theme": "market", "csrf_token": token})
        assert published.status_code == 303 and published.headers["Location"] == "/acme/"
        after = shopper.get("/acme/")
        assert after.headers["X-Page-Cache"] == "miss"  # publishing invalidated the store's pages
        html = after.get_data(as_text=True)
        assert theme_of(html) == "market" and "--accent: #123456;" in html
        assert stored_theme(app, store)["name"] == "market"
    finally:
        dispose(app)


def test_theme_editor_is_for_the_stores_managers(app: Flask) -> None:
    shop_with_category(app)
    make_owner(app, "rival@example.com")
    anonymous = app.test_client()
    assert anonymous.get("/platform/stores/acme/theme").status_code == 303
    rival = app.test_client()
    login(rival, "rival@example.com")
    assert rival.get("/platform/stores/acme/theme").status_code == 404
    token = token_from(rival, "/platform/")
    assert rival.post("/platform/stores/acme/theme/publish",
                      data={"theme": "market", "csrf_token": token}).status_code == 404


def test_theme_editor_refuses_bad_numbers_and_urls(app: Flask, client: FlaskClient) -> None:
    store = shop_with_category(app)
    login(client)
    refusals = {
        "columns must be a number from 2 to 5": [{"columns": c} for c in ("²", "١", "3.0", "9")],
        "the logo must be an https:// URL or a path on this site": [
            {"logo_url": u} for u in ("//evil.example/x.png", "/\\evil.example/x.png",
                                      "http://cdn.example/x.png", "https://", "/a b.png")],
    }
    for message, cases in refusals.items():
        for fields in cases:
            refused = save_draft(client, "acme", theme="market", **fields)
            assert refused.status_code == 400, fields
            assert message in refused.get_data(as_text=True), fields
    # A control character never reaches the editor: the edge answers first.
    assert save_draft(client, "acme", theme="market", logo_url="/\x00").status_code == 400
    assert "draft" not in stored_theme(app, store)
    saved = save_draft(client, "acme", theme="market", columns="5",
                       logo_url="https://cdn.example.com/logo.png")
    assert saved.status_code == 303
    assert stored_theme(app, store)["draft"]["columns"] == 5


def test_stored_logo_urls_that_are_not_image_urls_are_dropped(app: Flask,
                                                             client: FlaskClient) -> None:
    shop_with_category(app, theme={"name": "classic", "logo_url": "//evil.example/x.png"})
    assert "evil.example" not in client.get("/acme/").get_data(as_text=True)
