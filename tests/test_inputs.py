"""Malformed input is answered 400 at the edge, never a 500: control characters, bad Hosts,
numbers only ASCII digits make, image URLs that are https:// or a path on this site."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from storefront.accounts.models import Customer, CustomerAddress
from storefront.catalog.models import Review
from storefront.inputs import is_image_url, is_valid_host, whole_number
from storefront.orders.models import Order
from tests.checkout.helpers import add_to_cart, checkout_form, csrf_from, rows, shop
from tests.forms import token_from
from tests.themes.test_themes import login as owner_login

EDGE_400 = "text/plain"


# -- whole numbers, hosts and image URLs, as values -------------------------------------------


@pytest.mark.parametrize("raw", ["", "²", "١", "１", " 7", "7 ", "+7", "-7", "7_0", "7.0", "0x7",
                                 "9" * 19, "٣٤"])
def test_whole_number_refuses_anything_but_ascii_digits(raw: str) -> None:
    with pytest.raises(ValueError):
        whole_number(raw)


def test_whole_number_bounds() -> None:
    assert whole_number("007", 1, 999) == 7
    assert whole_number("5", 2, 5) == 5
    for raw in ("1", "6", "0005", "10"):
        with pytest.raises(ValueError):
            whole_number(raw, 2, 5)


@pytest.mark.parametrize("url", ["/static/logo.png", "/media/a%20b.png?v=2", "/",
                                 "https://cdn.example.com/x.png", "https://cdn.example:8443/a(1).png",
                                 "https://cdn.example.com"])
def test_image_urls_that_are_https_or_a_path_here(url: str) -> None:
    assert is_image_url(url)


@pytest.mark.parametrize("url", ["//evil.example/x.png", "/\\evil.example/x.png", "/\x00",
                                 "/img/\x01.png", "/img/\x85.png", "/a b.png", "/a\tb.png",
                                 "/a\u2028b.png", "http://cdn.example.com/x.png", "https://",
                                 "https:///x.png", "https://user@evil.example/x.png",
                                 "https://evil.example\\@good.example/", "javascript:alert(1)",
                                 "data:image/png;base64,AAAA", "x.png", "", '/a"onerror=x.png',
                                 "/" + "a" * 2000])
def test_image_urls_refused(url: str) -> None:
    assert not is_image_url(url)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:5000", "shop.example.com",
                                  "shop.example.com.", "[::1]:8000", "a_b.internal",
                                  "a" * 63 + ".example"])
def test_valid_hosts(host: str) -> None:
    assert is_valid_host(host)


@pytest.mark.parametrize("host", ["a" * 64 + ".example", "a..b", ".", ".example", "exa mple.com",
                                  "exa\x00mple.com", "host:80:80", "[::1", "é.example",
                                  "a/b", "a@b", ("a" * 60 + ".") * 5])
def test_invalid_hosts(host: str) -> None:
    assert not is_valid_host(host)


# -- requests -----------------------------------------------------------------------------------


def test_an_invalid_host_is_a_plain_400_on_every_url(app: Flask, client: FlaskClient) -> None:
    shop(app)
    for host in ("a" * 64 + ".example", "a..b", ".", "exa mple.com"):
        for path in ("/healthz", "/shop/", "/shop/p/mug", "/platform/login", "/robots.txt",
                     "/no-such-store/"):
            response = client.get(path, headers={"Host": host})
            assert response.status_code == 400, (host, path)
            assert response.mimetype == EDGE_400
            assert "Host" in response.get_data(as_text=True)
    # Hosts Werkzeug can bind are served as before.
    for host in ("shop.example.com.", "[::1]:8000", "a_b.internal:8080"):
        assert client.get("/shop/", headers={"Host": host}).status_code == 200, host


PATHS = ["/%00/", "/shop/p/%00", "/shop/c/%00", "/shop/pages/%00", "/shop/order/%00",
         "/shop/de/p/%00", "/shop/p/mug%01", "/shop/p/%C2%85", "/shop/p/a%7Fb", "/%00/x/y",
         "/platform/stores/%00/theme", "/shop/account/addresses/1%00/delete"]


def test_a_control_character_in_the_path_is_a_400(app: Flask, client: FlaskClient) -> None:
    shop(app)
    owner_login(client)  # so the console's store lookup would run, were the path let through
    for path in PATHS:
        response = client.get(path)
        assert response.status_code == 400, path
        assert response.mimetype == EDGE_400
    assert client.post("/shop/account/addresses/1%00/delete").status_code == 400


def test_a_control_character_in_a_query_parameter_is_the_stores_400(app: Flask,
                                                                   client: FlaskClient) -> None:
    shop(app, name="Corner Shop")
    for query in ("q=%00", "q=a%0Ab", "x%00=1", "utm_source=%C2%9F", "page=1%00"):
        response = client.get(f"/shop/search?{query}")
        assert response.status_code == 400, query
        assert "Corner Shop" in response.get_data(as_text=True)  # the store's own 400 page
    assert client.get("/shop/search?q=%F0%9F%91%95+tee").status_code == 200


def test_headers_with_control_characters_are_a_400_cookies_are_left_alone(
        app: Flask, client: FlaskClient) -> None:
    shop(app)
    for name in ("Accept-Language", "If-None-Match", "Referer", "X-Forwarded-Host"):
        response = client.get("/shop/", headers={name: "de\x00"})
        assert response.status_code == 400, name
        assert name.lower() in response.get_data(as_text=True).lower()
    # A tab is allowed in a header; latin-1 bytes (UTF-8 read as latin-1) are not controls.
    assert client.get("/shop/", headers={"Accept-Language": "de,\ten;q=0.5"}).status_code == 200
    assert client.get("/shop/", headers={"User-Agent": "caf\xc3\xa9 \xe2\x80\xa6"}
                      ).status_code == 200
    client.set_cookie("tracker", "a\x01b")
    assert client.get("/shop/").status_code == 200


def test_control_characters_in_form_fields_are_a_400_and_nothing_is_written(
        app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    shopper = "ada@example.com"

    def post(path: str, token_page: str, **data: str) -> int:
        token = csrf_from(client, token_page)
        return client.post(path, data={"csrf_token": token, **data}).status_code

    platform_token = token_from(client, "/platform/login")
    assert client.post("/platform/login", data={
        "csrf_token": platform_token, "email": "owner@example.com\x00",
        "password": "x"}).status_code == 400
    assert post("/shop/account/register", "/shop/account/register", email="bea\x00@example.com",
                password="a long enough password", confirm="a long enough password") == 400
    assert rows(app, store.id, Customer) == []
    assert post("/shop/account/login", "/shop/account/login", email="\x00",
                password="x") == 400
    assert add_to_cart(client, "shop", 1).status_code == 303
    assert post("/shop/cart/coupon", "/shop/cart", code="SAVE\x00") == 400
    form = checkout_form(client, "shop", email="ada\x00@example.com")
    assert client.post("/shop/checkout", data=form).status_code == 400
    form = checkout_form(client, "shop", email=shopper, **{"shipping-line1": "1 Main\x1bSt"})
    assert client.post("/shop/checkout", data=form).status_code == 400
    assert rows(app, store.id, Order) == []
    assert post("/shop/account/register", "/shop/account/register", email=shopper,
                password="a long enough password", confirm="a long enough password") == 303
    assert post("/shop/account/addresses", "/shop/account/addresses", kind="billing",
                name="Bea\x00", line1="2 Side St", city="X", postal_code="9",
                country="de") == 400
    assert rows(app, store.id, CustomerAddress) == []
    assert post("/shop/account/reviews", "/shop/p/mug", product_id="1", rating="4",
                body="Nice\x00 mug") == 400
    # A textarea sends tabs and line breaks: those are text.
    assert post("/shop/account/reviews", "/shop/p/mug", product_id="1", rating="4",
                body="Nice mug.\r\n\tReally.") == 303
    [review] = rows(app, store.id, Review)
    assert review.body == "Nice mug.\r\n\tReally."


def test_numbers_in_forms_are_ascii_digits(app: Flask, client: FlaskClient) -> None:
    shop(app)
    for quantity in ("١", "²", "1_0", "+1", "99999999999999999999999"):
        add_to_cart(client, "shop", 1, quantity=quantity)
        assert "Mug" not in client.get("/shop/cart").get_data(as_text=True), quantity
    assert add_to_cart(client, "shop", 1, quantity=2).status_code == 303
    assert "Mug" in client.get("/shop/cart").get_data(as_text=True)
