"""Races on PostgreSQL: many shoppers checking out at the same instant, each in its own session
and DB connection. The figures are printed (run with ``-s``) and recorded in the commit log."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from storefront.accounts.models import Customer
from storefront.cart.models import Coupon
from storefront.orders.models import Order
from tests.checkout.helpers import (
    add_coupon,
    add_to_cart,
    checkout_form,
    jobs,
    rows,
    shop,
    stock,
    tenant,
)
from tests.checkout.races import one_of, prepare_shoppers, race

SHOPPERS = 20


@pytest.mark.postgresql_only
def test_oversell_last_three_units(app: Flask, backend: str) -> None:
    store = shop(app, products=[{"slug": "last", "name": "Last One", "price": "50.00",
                                 "stock": 3, "sku": "LAST"}])
    shoppers = prepare_shoppers(app, "shop", SHOPPERS, one_of(1))
    result = race("shop", shoppers)
    assert result.errors == []
    orders = rows(app, store.id, Order)
    by_update = sum("just sold out" in p for p in result.pages)
    print(f"\noversell: {SHOPPERS} attempts, {len(orders)} orders, final stock "
          f"{stock(app, store.id, 1)}, answers {dict(result.counts)} ({by_update} refused by the "
          f"conditional UPDATE, the rest by re-pricing), {result.seconds:.2f}s")
    assert result.counts == {303: 3, 409: SHOPPERS - 3}
    assert len(orders) == 3
    assert stock(app, store.id, 1) == 0
    refused = [p for s, p in zip(result.statuses, result.pages, strict=True) if s == 409]
    assert all("Last One" in p and ("sold out" in p or "out of stock" in p) for p in refused)
    assert len(jobs(app)) == 3  # one confirmation per order, none for the refused


@pytest.mark.postgresql_only
def test_coupon_usage_limit_under_concurrency(app: Flask, backend: str) -> None:
    store = shop(app)
    add_coupon(app, store.id, "FIVE", "fixed", "5.00", usage_limit=5)
    shoppers = prepare_shoppers(app, "shop", SHOPPERS, one_of(1), coupon="FIVE")
    result = race("shop", shoppers)
    assert result.errors == []
    orders = rows(app, store.id, Order)
    discounted = [o for o in orders if o.discount == Decimal("5.00") and o.coupon_code == "FIVE"]
    [coupon] = rows(app, store.id, Coupon)
    by_update = sum("just been used up" in p for p in result.pages)
    print(f"\ncoupon: {SHOPPERS} attempts, limit 5, {len(orders)} orders, {len(discounted)} "
          f"discounted, used_count {coupon.used_count}, answers {dict(result.counts)} "
          f"({by_update} refused by the conditional UPDATE), {result.seconds:.2f}s")
    assert len(discounted) == 5 and len(orders) == 5
    assert coupon.used_count == 5
    assert result.counts == {303: 5, 409: SHOPPERS - 5}
    refused = [p for s, p in zip(result.statuses, result.pages, strict=True) if s == 409]
    assert all("used up" in p for p in refused)
    # Nothing was taken from stock for the refused orders.
    assert stock(app, store.id, 1) == 10 - 5


@pytest.mark.postgresql_only
def test_opposite_cart_orders_do_not_deadlock(app: Flask, backend: str) -> None:
    store = shop(app, products=[
        {"slug": "a", "name": "A", "price": "1.00", "stock": 5, "sku": "A"},
        {"slug": "b", "name": "B", "price": "1.00", "stock": 5, "sku": "B"},
    ])

    def both(client: FlaskClient, index: int) -> None:
        for product_id in ((1, 2) if index % 2 else (2, 1)):
            add_to_cart(client, "shop", product_id)

    result = race("shop", prepare_shoppers(app, "shop", 12, both))
    assert result.errors == []
    assert result.counts == {303: 5, 409: 7}
    assert (stock(app, store.id, 1), stock(app, store.id, 2)) == (0, 0)
    assert len(rows(app, store.id, Order)) == 5


@pytest.mark.postgresql_only
def test_same_form_submitted_at_once_gives_one_order(app: Flask, backend: str,
                                                      client: FlaskClient) -> None:
    store = shop(app)
    add_to_cart(client, "shop", 1, 2)
    form = checkout_form(client, "shop")
    cookie = client.get_cookie("session")
    assert cookie is not None
    copies = []
    for _ in range(6):  # one browser's impatient clicks, each its own request and connection
        copy = app.test_client()
        copy.set_cookie("session", cookie.value)
        copies.append((copy, form))
    result = race("shop", copies)
    assert result.errors == [] and result.counts == {303: 6}, [
        re.findall(r"message-error[^>]*>([^<]*)", p) for p in result.pages]
    numbers = {page for page in result.pages}  # the redirect bodies name the same order
    assert len(numbers) == 1
    [order] = rows(app, store.id, Order)
    assert order.number in numbers.pop()
    assert stock(app, store.id, 1) == 8
    assert len(jobs(app)) == 1


@pytest.mark.postgresql_only
def test_per_customer_coupon_limit_under_concurrency(app: Flask, backend: str) -> None:
    # Eight different products, so no stock row lock lines the checkouts up by chance.
    store = shop(app, products=[{"slug": f"p{i}", "name": f"P{i}", "price": "10.00", "stock": 5,
                                 "sku": f"P{i}"} for i in range(8)])
    add_coupon(app, store.id, "ONCE", "percent", "10", per_customer_limit=1)
    with tenant(app, store.id) as session:  # a returning guest: no insert to queue behind
        session.add(Customer(email="same.person@example.com"))

    def own_product(client: FlaskClient, index: int) -> None:
        add_to_cart(client, "shop", index + 1)

    shoppers = prepare_shoppers(app, "shop", 8, own_product, coupon="ONCE")
    for _client, form in shoppers:  # one person in eight tabs, as a guest
        form["email"] = "same.person@example.com"
    result = race("shop", shoppers)
    assert result.errors == []
    orders = rows(app, store.id, Order)
    assert [o.coupon_code for o in orders] == ["ONCE"]
    assert result.counts == {303: 1, 409: 7}
    refused = [p for s, p in zip(result.statuses, result.pages, strict=True) if s == 409]
    assert all("already used the coupon ONCE" in p for p in refused)
