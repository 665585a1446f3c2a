"""Sitemaps and robots.txt, parsed strictly as a crawler would."""
from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import update
from sqlalchemy.orm import Session

from storefront.catalog.models import Category, CategoryTranslation, Product, ProductTranslation
from storefront.cms.models import CmsPage
from storefront.extensions import db
from storefront.platform.cli import store_service
from storefront.platform.models import Store
from tests.factories import make_owner, make_store, tenant_engine

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:\d{2}|Z)$")


def seed(app: Flask, store_id: uuid.UUID) -> None:
    engine = tenant_engine(app, store_id)
    try:
        with Session(engine) as s, s.begin():
            shoes = Category(slug="shoes")
            hidden = Category(slug="hidden-cat", is_active=False)
            s.add_all([shoes, hidden])
            s.flush()
            s.add(CategoryTranslation(category_id=shoes.id, locale="en", name="Shoes"))
            for slug, status in (("boot", "active"), ("sandal", "active"), ("old", "archived")):
                p = Product(slug=slug, sku=slug.upper(), price=10, stock=1, status=status,
                            category_id=shoes.id)
                s.add(p)
                s.flush()
                s.add(ProductTranslation(product_id=p.id, locale="en", name=slug.title()))
            s.add_all([
                CmsPage(slug="about", locale="en", title="About", body="<p>Hi</p>"),
                CmsPage(slug="about", locale="de", title="Über uns", body="<p>Hallo</p>"),
                CmsPage(slug="draft", locale="en", title="Draft", is_published=False),
            ])
    finally:
        engine.dispose()


def parse(response) -> ET.Element:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    return ET.fromstring(response.data)  # strict: raises on malformed XML


def urls_of(root: ET.Element) -> dict[str, dict[str, str]]:
    """loc → {hreflang: href} for a <urlset>, checking the schema's rules on the way."""
    assert root.tag == f"{{{NS['s']}}}urlset"
    found = {}
    for url in root.findall("s:url", NS):
        loc = url.findtext("s:loc", namespaces=NS)
        assert loc and len(loc) < 2048 and urlparse(loc).scheme == "http"
        lastmod = url.findtext("s:lastmod", namespaces=NS)
        assert lastmod is None or W3C_DATETIME.match(lastmod), lastmod
        for child in url:
            assert child.tag in {f"{{{NS['s']}}}loc", f"{{{NS['s']}}}lastmod",
                                 f"{{{NS['x']}}}link"}
        found[loc] = {link.get("hreflang"): link.get("href")
                      for link in url.findall("x:link", NS)}
    return found


def test_store_sitemap_lists_exactly_the_public_pages(app: Flask, client: FlaskClient) -> None:
    store = make_store(app, "shop", locales=["en", "de"], default_locale="en")
    seed(app, store.id)
    urls = urls_of(parse(client.get("/shop/sitemap.xml")))
    paths = {urlparse(loc).path for loc in urls}
    expected = {"/shop/", "/shop/c/shoes", "/shop/p/boot", "/shop/p/sandal", "/shop/pages/about"}
    assert paths == expected | {p.replace("/shop/", "/shop/de/", 1) for p in expected}
    # hreflang: every URL names all versions and x-default, and each version names it back.
    for loc, alternates in urls.items():
        assert set(alternates) == {"en", "de", "x-default"}
        assert loc in alternates.values()
        for href in alternates.values():
            assert urls[href] == alternates
        assert urlparse(alternates["x-default"]).path.startswith("/shop/") and \
            "/shop/de/" not in alternates["x-default"]


def test_single_locale_store_has_no_alternates(app: Flask, client: FlaskClient) -> None:
    store = make_store(app, "shop")
    seed(app, store.id)
    urls = urls_of(parse(client.get("/shop/sitemap.xml")))
    assert len(urls) == 5 and all(alternates == {} for alternates in urls.values())


def test_large_sitemap_becomes_an_index_of_parts(app: Flask, client: FlaskClient) -> None:
    store = make_store(app, "shop", locales=["en", "de"], default_locale="en")
    seed(app, store.id)
    full = set(urls_of(parse(client.get("/shop/sitemap.xml"))))
    app.config["SITEMAP_MAX_URLS"] = 4
    index = parse(client.get("/shop/sitemap.xml"))
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    parts = [s.findtext("s:loc", namespaces=NS) for s in index.findall("s:sitemap", NS)]
    assert len(parts) == 3
    union: set[str] = set()
    for part in parts:
        urls = urls_of(parse(client.get(part)))
        assert 0 < len(urls) <= 4
        union |= set(urls)
    assert union == full
    assert client.get("/shop/sitemap.xml?part=4").status_code == 404
    assert client.get("/shop/sitemap.xml?part=abc").status_code == 400
    assert client.get("/shop/sitemap.xml?part=0").status_code == 400
    # "²" passes str.isdigit() and fails int(); "١" passes int(): neither is a part number.
    for part in ("%C2%B2", "%D9%A1", "%EF%BC%92", "+1", "1_0", "9999999"):
        assert client.get(f"/shop/sitemap.xml?part={part}").status_code == 400, part


def test_platform_sitemap_indexes_active_stores_only(app: Flask, client: FlaskClient,
                                                     runner: FlaskCliRunner) -> None:
    for slug in ("live", "paused", "gone", "renamed"):
        make_store(app, slug)
    runner.invoke(args=["stores", "suspend", "paused"])
    runner.invoke(args=["stores", "delete", "gone", "--yes"])
    runner.invoke(args=["stores", "rename", "renamed", "renamed-now"])
    owner = make_owner(app)
    with app.app_context():
        store_service().reserve(uuid.uuid4(), owner.id, "halfway", "sqlite:///x.db", True)
        db.session.execute(update(Store).where(Store.slug == "live").values(is_active=True))
        db.session.commit()
    root = parse(client.get("/sitemap.xml"))
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    locs = [s.findtext("s:loc", namespaces=NS) for s in root.findall("s:sitemap", NS)]
    assert locs == ["http://localhost/live/sitemap.xml", "http://localhost/renamed-now/sitemap.xml"]


def test_robots_txt(app: Flask, client: FlaskClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/platform/", "/*/cart", "/*/checkout", "/*/account/", "/*/search",
                 "/*?preview_theme="):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines


def test_robots_txt_appends_each_live_stores_own_rules(app: Flask, client: FlaskClient,
                                                       runner: FlaskCliRunner) -> None:
    rules = {"robots_disallow": ["/pages/internal", "javascript:x", "/p/*?ref=$"]}
    make_store(app, "acme", settings=rules)
    make_store(app, "paused", settings={"robots_disallow": ["/secret"]})
    runner.invoke(args=["stores", "suspend", "paused"])
    lines = client.get("/robots.txt").get_data(as_text=True).splitlines()
    assert "Disallow: /acme/pages/internal" in lines and "Disallow: /acme/p/*?ref=$" in lines
    assert not any("javascript" in line or "/paused/" in line for line in lines)
    # A new store is in the very next robots.txt, though it was cached a moment ago.
    make_store(app, "fresh", settings={"robots_disallow": ["/drafts"]})
    assert "Disallow: /fresh/drafts" in client.get("/robots.txt").get_data(as_text=True)
