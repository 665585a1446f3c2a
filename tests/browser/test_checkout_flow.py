"""A shopper in a real browser (Debian's Chromium via Playwright) against a real server: two
products, a coupon, a guest checkout, the confirmation page, and the e-mail the worker sends."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from storefront.orders.models import Order
from storefront.platform.worker_cli import run_worker_pass
from tests.checkout.helpers import add_coupon, rows, shop
from tests.mail.smtp_server import SmtpSink, body_text, smtp_server
from tests.servers import serving


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpSink]:
    with smtp_server() as sink:
        app.config["SMTP_URL"] = sink.url
        yield sink


def test_guest_buys_two_products_with_a_coupon(app: Flask, page: Any, smtp: SmtpSink) -> None:
    """JavaScript is off (the shared ``page``): every step is a plain HTML form."""
    store = shop(app)
    add_coupon(app, store.id, "WELCOME10", "percent", "10")
    with serving(app) as live_server:
        _buy(page, live_server)
    _check_order_and_mail(app, store.id, smtp, page.url.rsplit("/", 1)[1])


def _buy(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/shop/p/mug")
    page.fill("input[name=quantity]", "2")
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_url(re.compile(r"/shop/cart$"))
    page.goto(f"{live_server}/shop/p/tee")
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_url(re.compile(r"/shop/cart$"))
    assert page.locator("tr.cart-line").count() == 2

    page.fill("input[name=code]", "welcome10")
    page.click("section.coupon button[type=submit]")
    page.wait_for_url(re.compile(r"/shop/cart$"))
    assert "Coupon WELCOME10 applied." in page.content()
    assert page.locator("td.discount").inner_text().strip() == "−$3.90"

    page.click("text=Checkout")
    page.wait_for_url(re.compile(r"/shop/checkout$"))
    page.fill("input[name=email]", "guest@example.com")
    page.fill("input[name='shipping-name']", "Grace Guest")
    page.fill("input[name='shipping-line1']", "42 Browser Lane")
    page.fill("input[name='shipping-city']", "Chromium City")
    page.fill("input[name='shipping-postal_code']", "10101")
    page.fill("input[name='shipping-country']", "DE")
    page.check("input[name=payment_method][value=cash_on_delivery]")
    page.click("text=Place order")
    page.wait_for_url(re.compile(r"/shop/order/[0-9]{6}-[A-Z0-9]{6}$"))
    assert "Thank you for your order" in page.content()
    number = page.url.rsplit("/", 1)[1]
    assert number in page.locator(".order-number").inner_text()
    assert page.locator("td.total").inner_text().strip() == "$40.00"


def _check_order_and_mail(app: Flask, store_id: Any, smtp: SmtpSink, number: str) -> None:
    [order] = rows(app, store_id, Order)
    assert (order.number, order.email, order.coupon_code) == (number, "guest@example.com",
                                                              "WELCOME10")
    with app.app_context():
        assert run_worker_pass().done == 1
    [message] = smtp.messages
    assert message["To"] == "guest@example.com"
    assert number in message["Subject"]
    text = body_text(message)
    assert "2 x Mug" in text and "1 x Tee" in text and "$40.00" in text and "Grace Guest" in text
