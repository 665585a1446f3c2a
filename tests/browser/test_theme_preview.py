"""A store owner signs in, previews a theme on the live store and publishes it, in Chromium."""
from __future__ import annotations

from typing import Any

from flask import Flask

from tests.catalog.catalogs import make_acme
from tests.factories import OWNER, PASSWORD
from tests.servers import serving


def test_owner_previews_and_publishes_a_theme(app: Flask, browser: Any) -> None:
    make_acme(app)
    owner = browser.new_context(java_script_enabled=False)
    shopper = browser.new_context(java_script_enabled=False)
    try:
        with serving(app) as base:
            page = owner.new_page()
            page.goto(f"{base}/platform/login")
            page.get_by_label("E-mail").fill(OWNER)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/platform/")
            page.get_by_role("link", name="Edit theme").click()
            page.wait_for_url(f"{base}/platform/stores/acme/theme")

            page.get_by_label("Market:").check()
            page.get_by_label("Font").select_option("serif")
            page.get_by_role("button", name="Save and preview").click()
            page.wait_for_url(f"{base}/acme/?preview_theme=market")
            banner = page.get_by_role("region", name="Theme preview")
            assert "Market" in banner.inner_text()
            assert page.locator("nav.sidebar-nav").count() == 1

            # Meanwhile a shopper still sees the published theme, with or without the parameter.
            look = shopper.new_page()
            look.goto(f"{base}/acme/?preview_theme=market")
            assert look.locator("nav.sidebar-nav").count() == 0
            assert look.get_by_role("region", name="Theme preview").count() == 0

            banner.get_by_role("button", name="Publish").click()
            page.wait_for_url(f"{base}/acme/")
            assert page.get_by_role("region", name="Theme preview").count() == 0

            look.goto(f"{base}/acme/")
            assert look.locator("nav.sidebar-nav").count() == 1
            assert "Georgia" in look.content()
    finally:
        owner.close()
        shopper.close()
