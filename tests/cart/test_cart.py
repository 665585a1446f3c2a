"""The cart: per store, checked against stock, priced from the DB; coupons and their rules."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from storefront.cart.coupons import CouponInvalid, coupon_discount, find_coupon
from storefront.cart.models import Coupon
from storefront.catalog.models import Product
from storefront.models_base import utcnow
from storefront.orders.models import Order
from tests.checkout.helpers import (
    add_coupon,
    add_to_cart,
    apply_coupon,
    checkout_form,
    csrf_from,
    order_number,
    rows,
    shop,
    tenant,
)


def cart_page(client: FlaskClient, slug: str = "shop") -> str:
    return client.get(f"/{slug}/cart").get_data(as_text=True)


def test_add_update_remove_against_stock(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    add_to_cart(client, "shop", 3, 2)
    add_to_cart(client, "shop", 3, 2)  # 4 > stock 3: refused, the cart keeps 2
    page = cart_page(client)
    assert "Only 3 of Cap left in stock." in page
    assert 'name="quantity" value="2"' in page and "$19.00" in page
    token = csrf_from(client, "/shop/cart")
    client.post("/shop/cart/update", data={"csrf_token": token, "product_id": 3, "quantity": 3})
    assert "$28.50" in cart_page(client)
    client.post("/shop/cart/update", data={"csrf_token": token, "product_id": 3, "quantity": 0})
    assert "Your cart is empty" in cart_page(client)
    add_to_cart(client, "shop", 1)
    client.post("/shop/cart/remove", data={"csrf_token": token, "product_id": 1})
    assert "Your cart is empty" in cart_page(client)
    add_to_cart(client, "shop", 1, 0)
    assert "valid product and quantity" in cart_page(client)
    assert rows(app, store.id, Order) == []


def test_session_holds_ids_and_quantities_only(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    add_to_cart(client, "shop", 2, 2, price="0.01")
    with client.session_transaction() as session:
        assert session[f"cart:{store.id.hex}"] == {"lines": {"2": 2}}
    # The price comes from the DB at every view: a price change shows at once.
    with tenant(app, store.id) as db_session:
        db_session.execute(update(Product).where(Product.id == 2).values(sale_price=None))
    assert "$40.00" in cart_page(client)


def test_products_that_went_away_or_ran_short(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    add_to_cart(client, "shop", 1, 5)
    add_to_cart(client, "shop", 2, 1)
    with tenant(app, store.id) as session:
        session.execute(update(Product).where(Product.id == 1).values(stock=2))
        session.execute(update(Product).where(Product.id == 2).values(status="draft"))
    page = cart_page(client)
    assert "Only 2 of Mug left; your quantity was reduced." in page
    assert "no longer available" in page
    response = client.post("/shop/checkout", data=checkout_form(client, "shop"))
    assert response.status_code == 409
    assert rows(app, store.id, Order) == []


def test_coupon_messages(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    now = utcnow()
    add_coupon(app, store.id, "OLD", ends_at=now - timedelta(days=1))
    add_coupon(app, store.id, "SOON", starts_at=now + timedelta(days=1))
    add_coupon(app, store.id, "BIG", min_subtotal=Decimal("100.00"))
    add_coupon(app, store.id, "GONE", usage_limit=2, used_count=2)
    add_coupon(app, store.id, "OFF", is_active=False)
    add_to_cart(client, "shop", 1)
    for code, message in [("NOPE", "is not valid"), ("OLD", "has expired"),
                          ("SOON", "not valid yet"), ("BIG", "at least 100.00"),
                          ("GONE", "has been used up"), ("OFF", "is not valid")]:
        apply_coupon(client, "shop", code)
        assert message in cart_page(client), code


def test_per_customer_limit_counts_orders_by_email(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    add_coupon(app, store.id, "ONCE", per_customer_limit=1)
    add_to_cart(client, "shop", 1)
    apply_coupon(client, "shop", "ONCE")
    order_number(client.post("/shop/checkout", data=checkout_form(client, "shop")))
    add_to_cart(client, "shop", 1)
    apply_coupon(client, "shop", "ONCE")
    response = client.post("/shop/checkout", data=checkout_form(client, "shop"))
    assert response.status_code == 409
    assert "already used the coupon ONCE" in response.get_data(as_text=True)
    other = checkout_form(client, "shop", email="someone.else@example.com")
    order_number(client.post("/shop/checkout", data=other))
    assert [o.discount for o in rows(app, store.id, Order)] == [Decimal("1.20")] * 2


@pytest.mark.parametrize("kind, value, subtotal, expected", [
    ("percent", "10", "39.00", "3.90"),
    ("percent", "33.333", "10.00", "3.33"),
    ("percent", "150", "10.00", "10.00"),
    ("fixed", "5.00", "39.00", "5.00"),
    ("fixed", "50.00", "39.00", "39.00"),
])
def test_coupon_discount(kind: str, value: str, subtotal: str, expected: str) -> None:
    coupon = Coupon(code="X", kind=kind, value=Decimal(value))
    assert coupon_discount(coupon, Decimal(subtotal)) == Decimal(expected)


def test_coupon_codes_ignore_case_and_spaces(app: Flask) -> None:
    store = shop(app, products=[])
    add_coupon(app, store.id, "Summer24")
    with tenant(app, store.id) as session:
        assert find_coupon(session, "  summer24 ", Decimal("1"), utcnow()).code == "Summer24"
        with pytest.raises(CouponInvalid):
            find_coupon(session, "summer25", Decimal("1"), utcnow())


def test_header_links_to_cart_and_account(app: Flask, client: FlaskClient) -> None:
    shop(app)
    page = client.get("/shop/").get_data(as_text=True)
    assert 'href="/shop/cart">Cart</a>' in page and 'href="/shop/account/login">Sign in' in page
    add_to_cart(client, "shop", 1, 2)
    assert 'href="/shop/cart">Cart (2)</a>' in client.get("/shop/").get_data(as_text=True)


def test_shopping_pages_speak_the_store_locale(app: Flask, client: FlaskClient) -> None:
    shop(app, default_locale="en", locales=["en", "de"])
    token = csrf_from(client, "/shop/de/account/login")
    client.post("/shop/de/cart/add", data={"csrf_token": token, "product_id": 1, "quantity": 1})
    assert "In den Warenkorb gelegt." in client.get("/shop/de/cart").get_data(as_text=True)
    page = client.get("/shop/de/cart").get_data(as_text=True)
    assert "Ihr Warenkorb" in page and "Zur Kasse" in page and 'href="/shop/de/checkout"' in page
    page = client.get("/shop/de/checkout").get_data(as_text=True)
    assert "Lieferadresse" in page and "Zahlungspflichtig bestellen" in page
    assert "Your cart" in client.get("/shop/cart").get_data(as_text=True)


def test_oversized_ids_are_refused_not_a_server_error(app, client) -> None:  # type: ignore[no-untyped-def]
    from tests.checkout.helpers import csrf_from, shop

    shop(app)
    token = csrf_from(client, "/shop/account/login")
    huge = "99999999999999999999999"
    for path in ("/shop/cart/add", "/shop/account/wishlist/add", "/shop/account/reviews"):
        response = client.post(path, data={"csrf_token": token, "product_id": huge,
                                            "quantity": "1", "rating": "5", "body": "fine"})
        assert response.status_code < 500, path
    response = client.post(f"/shop/account/addresses/{huge}/delete", data={"csrf_token": token})
    assert response.status_code in (303, 404)


def test_messages_stay_in_their_store(app, client) -> None:  # type: ignore[no-untyped-def]
    from tests.checkout.helpers import add_to_cart, apply_coupon, shop

    shop(app, "first")
    shop(app, "second")
    assert add_to_cart(client, "first", 1).status_code == 303
    apply_coupon(client, "first", "SECRET-CODE-OF-FIRST")
    other = client.get("/second/cart").get_data(as_text=True)
    assert "SECRET-CODE-OF-FIRST" not in other and "Added to your cart" not in other
    mine = client.get("/first/cart").get_data(as_text=True)
    assert "SECRET-CODE-OF-FIRST" in mine
