"""The owner's theme editor: one name per theme, Publish offered there too, and confirmed."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from storefront.themes.registry import THEMES
from tests.conftest import Databases, app_config, build_app, dispose
from tests.factories import make_store
from tests.forms import csrf_token
from tests.themes.test_themes import login, save_draft, shop_with_category, stored_theme, theme_of

CONFIRMATION = "Published: every shopper now sees the {} theme."


def test_store_list_and_editor_name_each_theme_as_the_registry_does(app: Flask,
                                                                    client: FlaskClient) -> None:
    make_store(app, "plain", "Plain Shop")  # no theme stored at all: the default, Classic
    make_store(app, "fancy", "Fancy Shop", theme={"name": "boutique"})
    login(client)
    listing = client.get("/platform/").get_data(as_text=True)
    assert "default" not in listing
    assert '<td data-label="Theme">Classic</td>' in listing
    assert '<td data-label="Theme">Boutique</td>' in listing
    editor = client.get("/platform/stores/plain/theme").get_data(as_text=True)
    assert "Shoppers see <strong>Classic</strong>" in editor
    for theme in THEMES.values():
        assert f"<strong>{theme.label}</strong>" in editor


def test_publish_from_the_editor_is_confirmed_on_the_store(databases: Databases,
                                                           tmp_path: Path) -> None:
    app = build_app(app_config(databases, tmp_path, PAGE_CACHE_ENABLED=True))
    try:
        store = shop_with_category(app)
        shopper = app.test_client(use_cookies=False)
        shopper.get("/acme/")
        assert shopper.get("/acme/").headers["X-Page-Cache"] == "hit"
        owner = app.test_client()
        login(owner)
        editor = owner.get("/platform/stores/acme/theme").get_data(as_text=True)
        assert 'name="action" value="publish"' in editor  # not only in the preview banner
        published = save_draft(owner, "acme", theme="boutique", accent="#123456",
                               action="publish")
        assert published.status_code == 303 and published.headers["Location"] == "/acme/"
        assert stored_theme(app, store)["name"] == "boutique"
        assert "draft" not in stored_theme(app, store)
        home = owner.get("/acme/").get_data(as_text=True)
        assert CONFIRMATION.format("Boutique") in home and theme_of(home) == "boutique"
        assert CONFIRMATION.format("Boutique") not in owner.get("/acme/").get_data(as_text=True)
        after = shopper.get("/acme/")  # every shopper, the cached page dropped
        assert after.headers["X-Page-Cache"] == "miss"
        assert theme_of(after.get_data(as_text=True)) == "boutique"
        assert "Published" not in after.get_data(as_text=True)
        # "Save and preview" (the form's first button, what Enter does) still only previews.
        previewed = save_draft(owner, "acme", theme="market", action="preview")
        assert previewed.headers["Location"] == "/acme/?preview_theme=market"
        assert stored_theme(app, store)["name"] == "boutique"
    finally:
        dispose(app)


def test_publish_from_the_preview_banner_is_confirmed(app: Flask) -> None:
    shop_with_category(app)
    owner = app.test_client()
    login(owner)
    save_draft(owner, "acme", theme="market")
    preview = owner.get("/acme/?preview_theme=market").get_data(as_text=True)
    published = owner.post("/platform/stores/acme/theme/publish",
                           data={"theme": "market", "csrf_token": csrf_token(preview)})
    assert published.status_code == 303
    home = owner.get(published.headers["Location"]).get_data(as_text=True)
    assert CONFIRMATION.format("Market") in home and "Previewing" not in home


def test_a_refused_publish_from_the_editor_changes_nothing(app: Flask) -> None:
    store = shop_with_category(app)
    owner = app.test_client()
    login(owner)
    refused = save_draft(owner, "acme", theme="market", accent="red", action="publish")
    assert refused.status_code == 400
    assert stored_theme(app, store) == {}
    assert "Published" not in owner.get("/acme/").get_data(as_text=True)
