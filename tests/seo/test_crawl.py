"""From /sitemap.xml a crawler reaches every public page with no broken link."""
from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.catalog.catalogs import make_acme, make_books
from tests.crawler import crawl


def test_crawl_from_the_platform_sitemap(app: Flask, client: FlaskClient) -> None:
    make_acme(app)
    make_books(app)
    crawler = app.test_client(use_cookies=False)

    def fetch(path: str) -> tuple[int, dict[str, str], bytes]:
        response = crawler.get(path)
        return response.status_code, dict(response.headers), response.data

    report = crawl(fetch)
    assert report.broken == []
    assert set(report.statuses) <= {200, 301}
    for path in ("/acme/", "/acme/de/", "/acme/c/shirts", "/acme/p/red-tee", "/acme/de/p/red-tee",
                 "/acme/pages/about", "/books/", "/books/sitemap.xml"):
        assert report.pages.get(path) == 200, path
    # Never crawled: what robots.txt keeps out, and pages that are not public.
    for path in report.pages:
        for private in ("/cart", "/checkout", "/account/", "/search", "/platform/",
                        "preview_theme", "draft-shirt"):
            assert private not in path, path
    assert len(report.pages) > 30
