"""CMS pages and layout blocks: locale fallback, 404s, and no store HTML that can run script."""
from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from storefront.cms.sanitize import sanitize_html
from storefront.platform.models import Store
from tests.catalog.catalogs import import_document, make_acme

EVIL = """<h2>Hello</h2>
<script>alert('script')</script>
<img src="/static/img/demo/hat.svg" alt="Hat" onerror="alert('onerror')" width="10">
<a href="javascript:alert('js')">click</a>
<a href="JaVaScRiPt:alert('js2')">click2</a>
<a href="&#106;avascript:alert('js3')">click3</a>
<a href="  javascript:alert('js4')">click4</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>
<a href="/acme/pages/about" onclick="alert('onclick')" style="color:red">About</a>
<svg onload="alert('svg')"><circle r="5"/></svg>
<iframe src="https://evil.example/"></iframe>
<form action="https://evil.example/"><input name="password"></form>
<p onmouseover="alert('hover')">Paragraph</p>
<object data="x.swf"></object><embed src="x.swf">
<style>body { display: none }</style>
<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>
<noscript><p title="</noscript><img src=x onerror=alert('nos')>"></noscript>
<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">
"""

INERT_TOKENS = ("alert(", "evil.example", "javascript:", "onerror", "onclick", "onload",
                "onmouseover", "<script", "<iframe", "<svg", "<object", "<embed", "<style",
                "<math", "x.swf", "data:text", "<base", "http-equiv", "color:red")
ACTIVE = re.compile(
    r"<script|<iframe|<object|<embed|<svg|<style|<form|<base|<meta http-equiv|<math"
    r"|\son[a-z]+\s*=|javascript:|data:text|style=", re.I)


def test_sanitiser_keeps_content_and_drops_everything_active() -> None:
    clean = str(sanitize_html(EVIL))
    assert not ACTIVE.search(clean), ACTIVE.search(clean)
    assert "<h2>Hello</h2>" in clean and "<p>Paragraph</p>" in clean
    assert '<img src="/static/img/demo/hat.svg" alt="Hat" width="10">' in clean
    assert '<a href="/acme/pages/about" rel="noopener noreferrer">About</a>' in clean
    assert str(sanitize_html(None)) == ""


def test_pages_and_blocks_holding_script_render_it_inert(app: Flask, client: FlaskClient) -> None:
    store = make_acme(app)
    import_document(app, store, {
        "cms_pages": [{"slug": "evil", "translations": {"en": {"title": "Evil <b>page</b>",
                                                               "body": EVIL}}}],
        "cms_blocks": [{"key": "header_notice", "content": {"en": EVIL}},
                       {"key": "footer_links", "content": {"en": EVIL}},
                       {"key": "home", "content": {"en": EVIL}}],
        "categories": [{"slug": "shirts", "translations": {"en": {"name": "Shirts",
                                                                 "description": EVIL}}}],
        "products": [{"sku": "TEE-RED", "slug": "red-tee",
                      "translations": {"en": {"name": "Red tee", "description": EVIL}}}],
    })
    for url in ("/acme/pages/evil", "/acme/", "/acme/c/shirts", "/acme/p/red-tee"):
        page = client.get(url)
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        store_part = body.split("<body", 1)[1].lower()
        # Nothing of the attack survives, not even as an inert attribute value.
        for token in INERT_TOKENS:
            assert token not in store_part, (url, token)
        assert "<h2>hello</h2>" in store_part
    # Titles are text, escaped, never markup.
    assert "Evil &lt;b&gt;page&lt;/b&gt;" in client.get("/acme/pages/evil").get_data(as_text=True)


def test_cms_page_in_locale_with_fallback(client: FlaskClient, app: Flask) -> None:
    make_acme(app)
    about = client.get("/acme/pages/about")
    assert about.status_code == 200
    body = about.get_data(as_text=True)
    assert "<h1>About us</h1>" in body and "<p>We make <strong>clothes</strong>.</p>" in body
    assert "<h1>Über uns</h1>" in client.get("/acme/de/pages/about").get_data(as_text=True)
    shipping = client.get("/acme/de/pages/shipping").get_data(as_text=True)
    assert "<h1>Shipping</h1>" in shipping and "Gratisversand ab 50" in shipping


@pytest.mark.parametrize("path", ["/acme/pages/nope", "/acme/de/pages/nope",
                                  "/acme/pages/hidden"])
def test_unknown_or_unpublished_page_is_404(app: Flask, client: FlaskClient, path: str) -> None:
    store = make_acme(app)
    import_document(app, store, {"cms_pages": [{"slug": "hidden", "published": False,
                                                "translations": {"en": {"title": "Secret"}}}]})
    page = client.get(path)
    assert page.status_code == 404
    assert "Secret" not in page.get_data(as_text=True)


def test_blocks_are_placed_in_the_layout(app: Flask, client: FlaskClient, books: Store) -> None:
    make_acme(app)
    body = client.get("/acme/c/shirts").get_data(as_text=True)
    notice = body.split('<aside class="notice"')[1].split("</aside>")[0]
    assert "Free shipping over 50" in notice
    footer = body.split('<footer class="site-footer">')[1]
    assert '<a href="/acme/pages/about" rel="noopener noreferrer">About us</a>' in footer
    assert "Gratisversand ab 50" in client.get("/acme/de/c/shirts").get_data(as_text=True)
    # Another store's blocks stay out.
    assert "Free shipping" not in client.get("/books/").get_data(as_text=True)
