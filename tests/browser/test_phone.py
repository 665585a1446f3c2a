"""A shopper on a 390 px wide phone (JavaScript off): every page type of every theme fits the
screen, filters fold away, the home grid has two cards a row, the header's links are links (not
a bulleted list), and a message shows on the page where the shopper acted.

What is measured here is layout, the same on any database: the module shares one served SQLite
store (the HTTP tests of the same behaviour run on both backends) so the walk stays quick.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from storefront.models_base import TenantStore
from storefront.themes.registry import THEMES
from tests.catalog.catalogs import make_acme
from tests.conftest import Databases, app_config, build_app, dispose
from tests.factories import OWNER, PASSWORD, tenant_engine
from tests.servers import serving

PHONE = {"width": 390, "height": 844}
MIN_TARGET = 24  # px: WCAG 2.2's minimum size for a pointer target
# The page's theme, its width, and the navigation links and buttons smaller than a fingertip
# allows (links inside running text are exempt, as WCAG exempts them).
LAYOUT = """min => [document.body.className, document.documentElement.scrollWidth,
  [...document.querySelectorAll(`.site-header a, .site-footer a, .breadcrumb a, .category-nav a,
                                 .sidebar-nav a, button, .button`)]
    .filter(e => e.offsetParent !== null)
    .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
    .filter(([, r]) => r.height < min || r.width < min)
    .map(([text, r]) => `${text} ${Math.round(r.width)}x${Math.round(r.height)}`)]"""
PHOTO = ('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600">'
         '<rect width="600" height="600" fill="#c8c8c8"/></svg>')


@dataclass
class Served:
    app: Flask
    store: Any
    url: str  # the store's base URL on the live server


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("phone")
    databases = Databases("sqlite", f"sqlite:///{folder / 'master.db'}",
                          f"sqlite:///{folder / 'tenants' / '{store_id}.db'}", folder=folder)
    app = build_app(app_config(databases, folder))
    try:
        store = make_acme(app)
        with serving(app) as base:
            yield Served(app, store, f"{base}/acme")
    finally:
        dispose(app)


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  java_script_enabled=False)
    context.set_default_timeout(10_000)
    # The test catalog's photos are not shipped: a 600 px square stands in for each, at no cost.
    context.route("**/static/img/demo/*", lambda route: route.fulfill(
        content_type="image/svg+xml", body=PHOTO))
    try:
        yield context.new_page()
    finally:
        context.close()


def use_theme(acme: Served, name: str) -> None:
    engine = tenant_engine(acme.app, acme.store.id)
    try:
        with Session(engine) as session, session.begin():
            shop = session.get(TenantStore, acme.store.id)
            assert shop is not None
            shop.theme = {"name": name}
    finally:
        engine.dispose()


def place_order(page: Any, store_url: str, product_url: str) -> str:
    """Buy one of ``product_url`` through the plain forms; the confirmation page's URL."""
    page.goto(product_url)
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_url(re.compile(r"/cart$"))
    page.goto(f"{store_url}/checkout")
    page.fill("input[name=email]", "phone@example.com")
    for field, value in (("name", "Pat Phone"), ("line1", "1 Small Street"), ("city", "Berlin"),
                         ("postal_code", "10115"), ("country", "DE")):
        page.fill(f"input[name='shipping-{field}']", value)
    page.locator("input[name=payment_method]").first.check()
    page.click("text=Place order")
    page.wait_for_url(re.compile(r"/order/[^/]+$"))
    return str(page.url)


def test_every_page_type_fits_a_phone_in_every_theme(acme: Served, phone: Any) -> None:
    product = f"{acme.url}/p/red-tee"
    confirmation = place_order(phone, acme.url, product)
    phone.goto(product)
    phone.click("form.add-to-cart button[type=submit]")  # a line for the cart and checkout
    pages = {"home": f"{acme.url}/", "category": f"{acme.url}/c/shirts", "product": product,
             "search": f"{acme.url}/search?q=tee", "CMS page": f"{acme.url}/pages/about",
             "cart": f"{acme.url}/cart", "checkout": f"{acme.url}/checkout",
             "login": f"{acme.url}/account/login", "register": f"{acme.url}/account/register",
             "order confirmation": confirmation, "404": f"{acme.url}/no-such-page"}
    checks = {"home": [check_home_grid], "category": [check_folded_filters],
              "product": [check_product_image, check_breadcrumb_row],
              "CMS page": [check_breadcrumb_row], "cart": [check_header_links],
              "checkout": [check_billing_address_folds]}
    for theme in sorted(THEMES):
        use_theme(acme, theme)
        for name, url in pages.items():
            phone.goto(url)
            body_class, width, small = phone.evaluate(LAYOUT, MIN_TARGET)
            assert body_class == f"theme-{theme}", (name, body_class)
            assert width <= PHONE["width"], f"{theme} {name}: {width}px wide on a phone"
            assert small == [], f"{theme} {name}: too small to tap: {small}"
            for check in checks.get(name, []):
                check(phone, theme)
    # <details> needs no JavaScript: a tap unfolds the filters.
    phone.goto(pages["category"])
    phone.locator("details.filters summary").click()
    assert phone.get_by_label("Blue (2)").is_visible()


def check_header_links(page: Any, theme: str) -> None:
    """Cart and Sign in are a row of links, not a bulleted list, each big enough to tap."""
    links = page.locator(".shopper-links li").evaluate_all(
        """items => items.map(li => ({style: getComputedStyle(li).listStyleType,
             height: li.querySelector('a').getBoundingClientRect().height,
             width: li.querySelector('a').getBoundingClientRect().width}))""")
    assert len(links) == 2, theme
    for link in links:
        assert link["style"] == "none", (theme, link)
        assert link["height"] >= MIN_TARGET and link["width"] >= MIN_TARGET, (theme, link)


def check_home_grid(page: Any, theme: str) -> None:
    """Two product cards side by side, not one screen-high card a row."""
    rows = page.locator(".product-grid").evaluate_all(
        """grids => grids.map(grid => [...grid.querySelectorAll('.product-card')]
             .map(card => Math.round(card.getBoundingClientRect().top)))""")
    tops = next(row for row in rows if len(row) >= 2)
    assert tops.count(tops[0]) >= 2, (theme, rows)


def check_folded_filters(page: Any, theme: str) -> None:
    """The filters are closed, so the first product shows on the first screen."""
    assert page.locator("details.filters").get_attribute("open") is None, theme
    assert not page.get_by_label("Blue (2)").is_visible(), theme
    first_card = page.locator(".product-card").first.bounding_box()
    assert first_card["y"] < PHONE["height"], (theme, first_card)


def check_breadcrumb_row(page: Any, theme: str) -> None:
    """The current page's crumb (plain text) sits on the same line as the links before it."""
    bottoms = page.locator(".breadcrumb li > *").evaluate_all(
        """crumbs => crumbs.map(crumb => { const text = document.createRange();
             text.selectNodeContents(crumb);
             return Math.round(text.getBoundingClientRect().bottom); })""")
    assert len(bottoms) >= 2 and len(set(bottoms)) == 1, (theme, bottoms)


def check_billing_address_folds(page: Any, theme: str) -> None:
    """A second address form shows only once the shopper says the billing address differs."""
    billing = page.get_by_role("group", name="Billing address (if different)")
    same = page.get_by_label("Billing address is the same as the shipping address")
    assert same.is_checked() and not billing.is_visible(), theme
    same.uncheck()  # CSS alone (:has), no script: the fields appear
    assert billing.is_visible() and billing.get_by_label("City").is_visible(), theme
    same.check()
    assert not billing.is_visible(), theme


def check_product_image(page: Any, theme: str) -> None:
    """The product photo fits the screen's width and leaves room for the price below it."""
    box = page.locator(".gallery img").first.bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] <= PHONE["height"] / 2, (theme, box)


def test_wishlist_message_shows_on_the_product_page_on_a_phone(acme: Served, phone: Any) -> None:
    use_theme(acme, "classic")
    phone.goto(f"{acme.url}/account/register")
    for label, value in (("E-mail", "pat@example.com"), ("First name", "Pat"),
                         ("Last name", "Phone"), ("Password", "a long enough password"),
                         ("Repeat password", "a long enough password")):
        phone.get_by_label(label, exact=True).fill(value)
    phone.get_by_role("button", name="Create account").click()
    phone.wait_for_url(re.compile(r"/acme/account/"))
    assert "Welcome! Your account was created." in phone.locator(".messages").inner_text()

    product = f"{acme.url}/p/blue-tee"
    phone.goto(product)
    assert phone.locator(".messages").count() == 0
    phone.get_by_role("button", name="Add to wishlist").click()
    phone.wait_for_url(product)  # back where the shopper acted
    message = phone.locator(".messages")
    assert message.inner_text().strip() == "Added to your wishlist."
    assert message.is_visible() and message.bounding_box()["y"] < PHONE["height"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.goto(f"{acme.url}/")
    assert phone.locator(".messages").count() == 0  # shown once, not later elsewhere
    phone.goto(f"{acme.url}/account/wishlist")  # the product's link there is a tap target too
    link = phone.locator(".wishlist a").bounding_box()
    assert link["height"] >= MIN_TARGET, link


def test_account_forms_put_each_label_over_its_field_on_a_phone(acme: Served, phone: Any) -> None:
    use_theme(acme, "classic")
    phone.goto(f"{acme.url}/account/register")
    for label, value in (("E-mail", "robin@example.com"), ("Password", "a long enough password"),
                         ("Repeat password", "a long enough password")):
        phone.get_by_label(label, exact=True).fill(value)
    phone.get_by_role("button", name="Create account").click()
    phone.wait_for_url(re.compile(r"/acme/account/"))
    for form in ("password", "addresses"):
        phone.goto(f"{acme.url}/account/{form}")
        fields = phone.locator("main form :is(input:not([type=hidden]), select)")
        assert fields.count() >= 3, form
        for field in fields.all():
            label = phone.locator(f"label[for='{field.get_attribute('id')}']").bounding_box()
            box = field.bounding_box()
            assert label["y"] + label["height"] <= box["y"], (form, field.get_attribute("name"))
            assert box["x"] + box["width"] <= PHONE["width"], (form, box)


def test_owner_sees_each_store_and_its_edit_theme_link_on_a_phone(acme: Served,
                                                                   phone: Any) -> None:
    base = acme.url.removesuffix("/acme")
    phone.goto(f"{base}/platform/login")
    phone.get_by_label("E-mail").fill(OWNER)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url(f"{base}/platform/")
    # Not off the right edge of a sideways-scrolling table: in view, and big enough to tap.
    link = phone.get_by_role("link", name="Edit theme")
    box = link.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"] and box["height"] >= MIN_TARGET, box
    assert phone.locator(".store-table").evaluate("table => table.scrollWidth <= table.clientWidth")
    labels = phone.locator(".store-table td[data-label]").evaluate_all(
        "cells => cells.map(cell => getComputedStyle(cell, '::before').content)")
    assert labels == ['"Status: "', '"Theme: "']  # the column heads are hidden on a phone
    link.click()
    phone.wait_for_url(f"{base}/platform/stores/acme/theme")
