"""Locale routing, translation fallback, the switcher and locale-aware formatting."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from storefront.i18n.messages import CATALOGS
from storefront.platform.models import Store
from tests.catalog.html import breadcrumb, links, product_names

pytestmark = pytest.mark.read_only  # every test here only reads the shared stores


def test_default_locale_is_unprefixed_and_others_are_prefixed(client: FlaskClient,
                                                              acme: Store) -> None:
    english = client.get("/acme/p/red-tee").get_data(as_text=True)
    german = client.get("/acme/de/p/red-tee")
    assert german.status_code == 200
    body = german.get_data(as_text=True)
    assert '<html lang="de">' in body and '<html lang="en">' in english
    assert "<h1>Rotes Shirt</h1>" in body and "<h1>Red tee</h1>" in english
    assert breadcrumb(body) == ["Startseite", "Kleidung", "Hemden", "Rotes Shirt"]
    assert "Auf Lager" in body and "<dt>Farbe</dt><dd>Rot</dd>" in body
    # Links on a German page stay German, links on an English page stay unprefixed.
    assert 'href="/acme/de/c/shirts"' in body and 'href="/acme/de/p/blue-tee"' in body
    assert 'href="/acme/c/shirts"' in english and "/acme/de/c/" not in english.split(
        'class="locale-switcher"')[0]


def test_missing_translations_fall_back_to_the_default_locale(client: FlaskClient,
                                                              acme: Store) -> None:
    body = client.get("/acme/de/p/green-tee").get_data(as_text=True)
    assert "<h1>Green tee</h1>" in body
    # The description only exists in English: the German page shows it.
    assert "<p>Soft <em>cotton</em>.</p>" in client.get("/acme/de/p/red-tee").get_data(
        as_text=True)
    body = client.get("/acme/de/c/jackets").get_data(as_text=True)
    assert "<h1>Jackets</h1>" in body  # the category has no German name
    assert product_names(body) == ["Regenjacke"]
    page = client.get("/acme/de/pages/shipping").get_data(as_text=True)
    assert "<h1>Shipping</h1>" in page and 'lang="en"' in page
    assert "<h1>Über uns</h1>" in client.get("/acme/de/pages/about").get_data(as_text=True)
    # Blocks too: the footer block exists in English only.
    assert 'href="/acme/pages/about"' in client.get("/acme/de/").get_data(as_text=True)


def test_switcher_links_the_same_page_in_each_locale(client: FlaskClient, acme: Store) -> None:
    body = client.get("/acme/de/c/shirts?colour=blue&sort=name&page=1&utm_source=x&ref=friend"
                      "&foo=bar&colour=purple").get_data(as_text=True)
    # The switcher keeps what the page understood (a known filter, the sort), never tracking
    # codes, unknown parameters or unknown filter values: the page may be served to anyone.
    switch = links(body, "locale-switcher")
    assert switch == ["/acme/c/shirts?colour=blue&sort=name",
                      "/acme/de/c/shirts?colour=blue&sort=name"]
    assert 'lang="de" hreflang="de" aria-current="true">Deutsch</a>' in body

    switch = links(client.get("/acme/p/red-tee").get_data(as_text=True), "locale-switcher")
    assert switch == ["/acme/p/red-tee", "/acme/de/p/red-tee"]
    for href in switch:
        assert client.get(href).status_code == 200


def test_a_query_string_cannot_steer_links_elsewhere(client: FlaskClient, acme: Store,
                                                     books: Store) -> None:
    page = client.get("/acme/de/c/shirts?store_slug=books&locale=en&_external=1&page=1")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "/books/" not in body and "http://" not in body.split("<body")[1]


def test_unknown_or_default_locale_prefix(client: FlaskClient, acme: Store,
                                          books: Store) -> None:
    assert client.get("/acme/fr/").status_code == 404
    assert client.get("/acme/fr/p/red-tee").status_code == 404
    assert client.get("/books/de/").status_code == 404  # books sells in English only
    moved = client.get("/acme/en/c/shirts?colour=blue")
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/acme/c/shirts?colour=blue"
    # A single-locale store has no switcher.
    assert 'class="locale-switcher"' not in client.get("/books/").get_data(as_text=True)


def test_dates_follow_the_locale(client: FlaskClient, acme: Store) -> None:
    english = client.get("/acme/p/red-tee").get_data(as_text=True)
    german = client.get("/acme/de/p/red-tee").get_data(as_text=True)
    import re

    en_date = re.search(r"<time datetime=\"[^\"]+\">([^<]+)</time>", english)
    de_date = re.search(r"<time datetime=\"[^\"]+\">([^<]+)</time>", german)
    assert en_date and de_date
    assert "." in de_date.group(1) and "," in en_date.group(1)  # 25.11.2026 vs Nov 25, 2026


def test_every_interface_string_of_the_templates_has_a_german_text() -> None:
    # A string missing from the catalog falls back to English without a sound: on a German
    # page, the shopper would read "Change your password" among German words.
    templates = Path(__file__).resolve().parents[2] / "templates"
    missing = [(path.relative_to(templates).as_posix(), text)
               for path in sorted(templates.rglob("*.html"))
               for _quote, text in re.findall(r"""\b_\(\s*(['"])(.+?)\1""", path.read_text())
               if text not in CATALOGS["de"]]
    assert missing == []
