"""What every theme's layout gives every store page: messages where the shopper acted, icons,
header links, and filters that fold away on a phone."""
from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from storefront.themes.registry import THEMES
from tests.accounts.test_accounts import register
from tests.checkout.helpers import add_to_cart, hidden_value, shop
from tests.themes.test_themes import shop_with_category


def messages(html: str) -> list[str]:
    return re.findall(r'<p class="message message-\w+">([^<]*)</p>', html)


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_messages_show_on_the_page_where_the_shopper_acted(app: Flask, client: FlaskClient,
                                                           theme: str) -> None:
    shop(app, theme={"name": theme})
    registered: Any = register(client)
    assert registered.status_code == 303
    welcome = client.get(registered.headers["Location"])  # the account page, not a 404
    assert welcome.status_code == 200
    assert messages(welcome.get_data(as_text=True)) == ["Welcome! Your account was created."]

    token = hidden_value(client.get("/shop/p/mug").get_data(as_text=True), "csrf_token")
    added = client.post("/shop/account/wishlist/add",
                        data={"csrf_token": token, "product_id": 1, "next": "/shop/p/mug"})
    assert added.headers["Location"].endswith("/shop/p/mug")
    product = client.get(added.headers["Location"]).get_data(as_text=True)
    assert messages(product) == ["Added to your wishlist."]
    assert messages(client.get("/shop/p/mug").get_data(as_text=True)) == []  # shown once

    reviewed = client.post("/shop/account/reviews", data={
        "csrf_token": token, "product_id": 1, "rating": 5, "body": "A fine mug",
        "next": "/shop/p/mug"})
    product = client.get(reviewed.headers["Location"]).get_data(as_text=True)
    assert messages(product) == [
        "Thank you! Your review will appear once the store has approved it."]

    client.post("/shop/account/logout", data={"csrf_token": token})
    assert messages(client.get("/shop/").get_data(as_text=True)) == ["You are signed out."]


def test_a_message_is_shown_once_on_pages_that_used_to_show_their_own(app: Flask,
                                                                      client: FlaskClient) -> None:
    shop(app)
    assert add_to_cart(client, "shop", 1).headers["Location"].endswith("/shop/cart")
    cart = client.get("/shop/cart").get_data(as_text=True)
    assert messages(cart) == ["Added to your cart."]  # once: the layout's, not the page's too
    assert messages(client.get("/shop/cart").get_data(as_text=True)) == []


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_category_filters_are_folded_in_a_details_element(app: Flask, client: FlaskClient,
                                                          theme: str) -> None:
    shop_with_category(app, theme={"name": theme})
    html = client.get("/acme/c/tools").get_data(as_text=True)
    # Closed in the HTML (a phone shows the products first); wide screens unfold it in CSS.
    assert re.search(r'<details class="filters">\s*<summary>', html)
    assert 'id="filters-heading"' in html and "Apply filters" in html
    assert html.index("<details") < html.index('name="sort"') < html.index("</details>")
