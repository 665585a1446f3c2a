"""A shopper with JavaScript off browses a category, filters it and opens a product."""
from __future__ import annotations

from typing import Any

from flask import Flask

from tests.catalog.catalogs import make_acme
from tests.servers import serving


def test_browse_filter_and_open_a_product_without_javascript(app: Flask, page: Any) -> None:
    make_acme(app)
    with serving(app) as base:
        page.goto(f"{base}/acme/")
        page.get_by_role("navigation", name="Categories").get_by_role("link",
                                                                       name="Clothing").click()
        page.wait_for_url(f"{base}/acme/c/clothing")
        assert page.get_by_role("heading", level=1).inner_text() == "Clothing"
        page.get_by_role("link", name="Shirts", exact=True).first.click()
        page.wait_for_url(f"{base}/acme/c/shirts")
        assert page.locator(".product-card").count() == 4

        # Tick a facet and submit the plain GET form.
        page.get_by_label("Blue (2)").check()
        page.get_by_label("Sort by").select_option("price_desc")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(f"{base}/acme/c/shirts?sort=price_desc&colour=blue")
        names = page.locator(".product-card .product-name").all_inner_texts()
        assert names == ["Oxford shirt", "Blue tee"]
        assert page.get_by_label("Blue (2)").is_checked()

        page.get_by_role("link", name="Blue tee").click()
        page.wait_for_url(f"{base}/acme/p/blue-tee")
        assert page.get_by_role("heading", level=1).inner_text() == "Blue tee"
        assert "€15.00" in page.locator(".summary .price").inner_text()
        image = page.get_by_role("img", name="Blue tee photo")
        assert image.get_attribute("width") == "600"

        # The same page in German through the switcher.
        page.get_by_role("navigation", name="Language").get_by_role("link",
                                                                     name="Deutsch").click()
        page.wait_for_url(f"{base}/acme/de/p/blue-tee")
        assert page.get_by_role("heading", level=1).inner_text() == "Blaues Shirt"
        assert "15,00" in page.locator(".summary .price").inner_text()
        assert page.locator("html").get_attribute("lang") == "de"
