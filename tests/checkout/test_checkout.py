"""Checkout through the test client, on SQLite and PostgreSQL."""
from __future__ import annotations

from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient

from storefront.accounts.models import Customer
from storefront.cart.models import Coupon
from storefront.orders.models import Order, OrderItem
from tests.checkout.helpers import (
    add_coupon,
    add_to_cart,
    apply_coupon,
    checkout_form,
    jobs,
    order_number,
    rows,
    shop,
    stock,
)


def test_guest_checkout_with_coupon(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    add_coupon(app, store.id, "TENOFF", "percent", "10", usage_limit=5)
    assert add_to_cart(client, "shop", 1, 2).status_code == 303
    assert add_to_cart(client, "shop", 2, 1).status_code == 303
    assert apply_coupon(client, "shop", "tenoff").status_code == 303
    cart = client.get("/shop/cart")
    assert cart.headers["Cache-Control"] == "private, no-store"
    page = cart.get_data(as_text=True)
    assert "Coupon TENOFF applied." in page
    assert "$39.00" in page and "$3.90" in page  # 2 × 12.00 + sale price 15.00; 10 % off

    response = client.post("/shop/checkout", data=checkout_form(client, "shop"))
    number = order_number(response)
    confirmation = client.get(response.headers["Location"])
    assert confirmation.status_code == 200
    assert number in confirmation.get_data(as_text=True)

    [order] = rows(app, store.id, Order)
    assert (order.subtotal, order.discount, order.coupon_code) == (
        Decimal("39.00"), Decimal("3.90"), "TENOFF")
    # Standard shipping is free from 50.00, so 4.90 here; no tax configured.
    assert (order.shipping, order.tax, order.total) == (
        Decimal("4.90"), Decimal("0.00"), Decimal("40.00"))
    assert order.email == "ada@example.com" and order.shipping_address["country"] == "US"
    items = {i.sku: (i.unit_price, i.quantity, i.line_total)
             for i in rows(app, store.id, OrderItem)}
    assert items == {"MUG": (Decimal("12.00"), 2, Decimal("24.00")),
                     "TEE": (Decimal("15.00"), 1, Decimal("15.00"))}
    assert (stock(app, store.id, 1), stock(app, store.id, 2)) == (8, 4)
    [coupon] = rows(app, store.id, Coupon)
    assert coupon.used_count == 1
    [customer] = rows(app, store.id, Customer)
    assert order.customer_id == customer.id and customer.password_hash is None
    [job] = jobs(app)
    assert job.kind == "order_confirmation" and job.status == "pending"
    assert job.payload["order_number"] == number
    assert job.payload["store_id"] == str(store.id)
    # The cart is empty after the order.
    assert "Your cart is empty" in client.get("/shop/cart").get_data(as_text=True)


def test_order_page_only_for_the_shopper_who_placed_it(app: Flask, client: FlaskClient) -> None:
    shop(app)
    shop(app, "other")
    add_to_cart(client, "shop", 1)
    number = order_number(client.post("/shop/checkout", data=checkout_form(client, "shop")))
    assert client.get(f"/shop/order/{number}").status_code == 200
    stranger = app.test_client()
    assert stranger.get(f"/shop/order/{number}").status_code == 404
    assert stranger.get("/shop/order/261125-AAAAAA").status_code == 404
    # The same browser in another store knows nothing of it.
    assert client.get(f"/other/order/{number}").status_code == 404


def test_tampered_price_and_product_id_have_no_effect(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    add_to_cart(client, "shop", 1, 1, price="0.01", unit_price="0.01", sku="CAP")
    form = checkout_form(client, "shop", price="0.01", total="0.01", subtotal="0.01",
                         product_id="3", quantity="50", discount="100")
    number = order_number(client.post("/shop/checkout", data=form))
    [order] = rows(app, store.id, Order, Order.number == number)
    assert order.total == Decimal("16.90") and order.discount == Decimal("0.00")
    assert [(i.sku, i.unit_price, i.quantity) for i in rows(app, store.id, OrderItem)] == [
        ("MUG", Decimal("12.00"), 1)]
    assert stock(app, store.id, 3) == 3
    # An unknown or inactive product id cannot be added at all.
    response = add_to_cart(client, "shop", 999)
    assert response.status_code == 303
    assert "not available" in client.get("/shop/cart").get_data(as_text=True)


def test_bad_csrf_token_is_400_and_writes_nothing(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    add_to_cart(client, "shop", 1, 2)
    form = checkout_form(client, "shop")
    for bad in ({**form, "csrf_token": "forged"}, {k: v for k, v in form.items()
                                                   if k != "csrf_token"}):
        response = client.post("/shop/checkout", data=bad)
        assert response.status_code == 400
        assert "form expired" in response.get_data(as_text=True)
    assert client.post("/shop/cart/add", data={"product_id": 2, "quantity": 1}).status_code == 400
    assert rows(app, store.id, Order) == []
    assert stock(app, store.id, 1) == 10
    assert jobs(app) == []
    page = client.get("/shop/cart").get_data(as_text=True)
    assert "Tee" not in page  # the forged add did not reach the cart


def test_same_form_twice_gives_one_order(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    add_to_cart(client, "shop", 2, 2)
    form = checkout_form(client, "shop")
    first = client.post("/shop/checkout", data=form)
    second = client.post("/shop/checkout", data=form)  # double click / back button / retry
    assert order_number(first) == order_number(second)
    assert len(rows(app, store.id, Order)) == 1
    assert stock(app, store.id, 2) == 3
    assert len(jobs(app)) == 1
    # A new checkout (a new form, so a new token) is a new order.
    add_to_cart(client, "shop", 2, 1)
    third = client.post("/shop/checkout", data=checkout_form(client, "shop"))
    assert order_number(third) != order_number(first)
    assert len(rows(app, store.id, Order)) == 2


def test_form_token_from_another_browser_does_not_reach_its_order(app: Flask,
                                                                   client: FlaskClient) -> None:
    store = shop(app)
    add_to_cart(client, "shop", 1)
    form = checkout_form(client, "shop")
    number = order_number(client.post("/shop/checkout", data=form))
    thief = app.test_client()
    add_to_cart(thief, "shop", 3)
    stolen = checkout_form(thief, "shop", token=form["token"])
    other = order_number(thief.post("/shop/checkout", data=stolen))
    assert other != number
    assert len(rows(app, store.id, Order)) == 2


def test_last_units_taken_by_another_shopper(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    rival = app.test_client()
    add_to_cart(client, "shop", 3, 2)
    add_to_cart(rival, "shop", 3, 3)
    form = checkout_form(client, "shop")
    order_number(rival.post("/shop/checkout", data=checkout_form(rival, "shop")))
    response = client.post("/shop/checkout", data=form)
    assert response.status_code == 409
    assert "Cap is out of stock" in response.get_data(as_text=True)
    assert len(rows(app, store.id, Order)) == 1
    assert stock(app, store.id, 3) == 0


def test_invalid_form_is_422_and_writes_nothing(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    add_to_cart(client, "shop", 1)
    form = checkout_form(client, "shop", email="not-an-email", **{"shipping-city": ""},
                         shipping_method="teleport")
    response = client.post("/shop/checkout", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter a valid e-mail address." in page and "This field is required." in page
    assert rows(app, store.id, Order) == [] and stock(app, store.id, 1) == 10


def test_cart_is_kept_per_store(app: Flask, client: FlaskClient) -> None:
    shop(app)
    shop(app, "other")
    add_to_cart(client, "shop", 1, 2)
    assert "Mug" in client.get("/shop/cart").get_data(as_text=True)
    assert "Your cart is empty" in client.get("/other/cart").get_data(as_text=True)
    # Never page-cached, even for a visitor without a session.
    anonymous = app.test_client()
    for _ in range(2):
        response = anonymous.get("/shop/cart")
        assert "X-Page-Cache" not in response.headers
        assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get("/other/checkout").status_code == 303
