"""Shopper accounts: register, sign in (rate-limited), history, addresses, wishlist, reviews."""
from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from storefront.accounts.models import Customer, CustomerAddress, Wishlist
from storefront.catalog.models import Review
from storefront.logins.throttle import ThrottlePolicy
from storefront.orders.models import Order
from tests.checkout.helpers import (
    add_to_cart,
    checkout_form,
    csrf_from,
    hidden_value,
    order_number,
    rows,
    shop,
)

PASSWORD = "a long enough password"


def register(client: FlaskClient, email: str = "bea@example.com", slug: str = "shop",
             password: str = PASSWORD) -> object:
    token = csrf_from(client, f"/{slug}/account/register")
    return client.post(f"/{slug}/account/register", data={
        "csrf_token": token, "email": email, "first_name": "Bea", "last_name": "Buyer",
        "password": password, "confirm": password})


def login(client: FlaskClient, email: str = "bea@example.com", password: str = PASSWORD,
          slug: str = "shop", next: str = "") -> object:
    token = csrf_from(client, f"/{slug}/account/login")
    return client.post(f"/{slug}/account/login", data={
        "csrf_token": token, "email": email, "password": password, "next": next})


def logout(client: FlaskClient, slug: str = "shop") -> None:
    token = csrf_from(client, f"/{slug}/account/login")
    client.post(f"/{slug}/account/logout", data={"csrf_token": token})


def test_register_login_history_and_saved_address(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    response = register(client)
    assert response.status_code == 303  # type: ignore[attr-defined]
    [customer] = rows(app, store.id, Customer)
    assert customer.password_hash and customer.password_hash.startswith("scrypt:")
    assert PASSWORD not in customer.password_hash
    add_to_cart(client, "shop", 1)
    form = checkout_form(client, "shop", save_address="y")
    assert form["email"] and hidden_value(client.get("/shop/checkout").get_data(as_text=True),
                                          "email") == "bea@example.com"
    form["email"] = "bea@example.com"
    number = order_number(client.post("/shop/checkout", data=form))
    [order] = rows(app, store.id, Order)
    assert order.customer_id == customer.id
    [address] = rows(app, store.id, CustomerAddress)
    assert (address.kind, address.city) == ("shipping", "Springfield")
    history = client.get("/shop/account/").get_data(as_text=True)
    assert number in history
    # Sign out and back in on a new browser: the order is still theirs to see.
    logout(client)
    assert client.get("/shop/account/").status_code == 303
    other = app.test_client()
    assert other.get(f"/shop/order/{number}").status_code == 404
    assert login(other).status_code == 303  # type: ignore[attr-defined]
    assert other.get(f"/shop/order/{number}").status_code == 200
    # The next checkout is prefilled with the saved address.
    add_to_cart(other, "shop", 1)
    assert 'value="1 Main Street"' in other.get("/shop/checkout").get_data(as_text=True)


def test_registration_refusals(app: Flask, client: FlaskClient) -> None:
    shop(app)
    register(client)
    again = register(app.test_client())
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert "already exists" in again.get_data(as_text=True)  # type: ignore[attr-defined]
    short = register(app.test_client(), "c@example.com", password="short")
    assert short.status_code == 422  # type: ignore[attr-defined]


def test_guest_orders_are_not_handed_to_whoever_registers_the_email(
        app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    add_to_cart(client, "shop", 1)
    number = order_number(client.post(
        "/shop/checkout", data=checkout_form(client, "shop", email="bea@example.com")))
    stranger = app.test_client()
    assert register(stranger).status_code == 303  # type: ignore[attr-defined]
    assert number not in stranger.get("/shop/account/").get_data(as_text=True)
    assert stranger.get(f"/shop/order/{number}").status_code == 404
    assert len(rows(app, store.id, Customer)) == 1  # the guest row became the account


def test_login_failures_are_rate_limited(app: Flask, client: FlaskClient) -> None:
    shop(app)
    register(client)
    logout(client)
    # A first wait of a minute, so a slow machine cannot outlast it between two requests.
    app.config["LOGIN_THROTTLE_POLICY"] = ThrottlePolicy(first_wait=60)
    for _ in range(5):
        assert login(client, password="wrong password").status_code == 401  # type: ignore
    blocked = login(client)  # even the right password, for now
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    assert blocked.headers["Retry-After"] == "60"  # type: ignore[attr-defined]
    assert "Too many failed sign-in attempts" in blocked.get_data(as_text=True)  # type: ignore
    assert login(client, email="nobody@example.com", password="x" * 10).status_code == 401  # type: ignore


def test_wrong_passwords_elsewhere_never_lock_the_shopper_out(app: Flask) -> None:
    shop(app)
    register(app.test_client())
    app.config["LOGIN_THROTTLE_POLICY"] = ThrottlePolicy(first_wait=60)
    attacker, shopper = app.test_client(), app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    shopper.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for _ in range(5):
        assert login(attacker, password="wrong password").status_code == 401  # type: ignore
    assert login(attacker).status_code == 429  # type: ignore[attr-defined]
    assert login(shopper).status_code == 303  # type: ignore[attr-defined]


def test_sessions_are_per_store(app: Flask, client: FlaskClient) -> None:
    shop(app)
    shop(app, "other")
    register(client)
    assert client.get("/shop/account/").status_code == 200
    assert client.get("/other/account/").status_code == 303
    # The same e-mail is a different customer in another store.
    assert login(client, slug="other").status_code == 401  # type: ignore[attr-defined]


def test_login_redirects_only_inside_the_store(app: Flask, client: FlaskClient) -> None:
    shop(app)
    register(client)
    logout(client)
    response = login(client, next="https://evil.example/")
    assert response.headers["Location"].endswith("/shop/account/")  # type: ignore[attr-defined]
    response = login(client, next="/shop/account/wishlist")
    assert response.headers["Location"].endswith("/shop/account/wishlist")  # type: ignore


def test_wishlist_and_review_from_the_product_page(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    page = client.get("/shop/p/mug").get_data(as_text=True)
    assert "Add to cart" in page and "Add to wishlist" in page and "Write a review" in page
    token = hidden_value(page, "csrf_token")
    # Signed out: sent to sign in, nothing stored.
    response = client.post("/shop/account/wishlist/add", data={"csrf_token": token,
                                                               "product_id": 1})
    assert "/shop/account/login" in response.headers["Location"]
    register(client)
    client.post("/shop/account/wishlist/add", data={"csrf_token": token, "product_id": 1,
                                                    "next": "/shop/p/mug"})
    client.post("/shop/account/wishlist/add", data={"csrf_token": token, "product_id": 1})
    assert len(rows(app, store.id, Wishlist)) == 1
    assert "Mug" in client.get("/shop/account/wishlist").get_data(as_text=True)
    client.post("/shop/account/wishlist/remove", data={"csrf_token": token, "product_id": 1})
    assert rows(app, store.id, Wishlist) == []

    response = client.post("/shop/account/reviews", data={
        "csrf_token": token, "product_id": 1, "rating": 4, "title": "Good",
        "body": "<script>alert('x')</script> Nice mug", "next": "/shop/p/mug"})
    assert response.headers["Location"].endswith("/shop/p/mug")
    [review] = rows(app, store.id, Review)
    assert (review.status, review.rating, review.author_name) == ("pending", 4, "Bea B")
    # Pending reviews are not shown, and the text is stored as written (escaped on output).
    page = client.get("/shop/p/mug").get_data(as_text=True)
    assert "<script>alert('x')</script>" not in page


def test_address_book(app: Flask, client: FlaskClient) -> None:
    store = shop(app)
    register(client)
    token = csrf_from(client, "/shop/account/addresses")
    client.post("/shop/account/addresses", data={
        "csrf_token": token, "kind": "billing", "name": "Bea Buyer", "line1": "2 Side St",
        "city": "Shelbyville", "postal_code": "999", "country": "de"})
    [address] = rows(app, store.id, CustomerAddress)
    assert (address.kind, address.country) == ("billing", "DE")
    assert "2 Side St" in client.get("/shop/account/addresses").get_data(as_text=True)
    stranger = app.test_client()
    register(stranger, "eve@example.com")
    stranger_token = csrf_from(stranger, "/shop/account/addresses")
    stranger.post(f"/shop/account/addresses/{address.id}/delete",
                  data={"csrf_token": stranger_token})
    assert len(rows(app, store.id, CustomerAddress)) == 1
    client.post(f"/shop/account/addresses/{address.id}/delete", data={"csrf_token": token})
    assert rows(app, store.id, CustomerAddress) == []


def test_an_address_of_blank_fields_is_refused_not_a_500(app: Flask, client: FlaskClient) -> None:
    # Found by tests/test_fuzz.py: "\r\n" passed InputRequired, the view stripped it to a NULL
    # in a NOT NULL column.
    store = shop(app)
    register(client)
    token = csrf_from(client, "/shop/account/addresses")
    for blank in ("name", "line1", "city", "postal_code"):
        fields = {"name": "Bea Buyer", "line1": "2 Side St", "city": "Shelbyville",
                  "postal_code": "999", "country": "de", blank: " \r\n\t"}
        response = client.post("/shop/account/addresses",
                               data={"csrf_token": token, "kind": "billing", **fields})
        assert response.status_code == 422, blank
    assert rows(app, store.id, CustomerAddress) == []


def test_account_pages_speak_german_on_german_pages(app: Flask, client: FlaskClient) -> None:
    shop(app, default_locale="en", locales=["en", "de"])
    register(client)
    add_to_cart(client, "shop", 1)
    order_number(client.post("/shop/checkout", data=checkout_form(client, "shop")))
    assert "<td>Offen</td>" in client.get("/shop/de/account/").get_data(as_text=True)
    assert "<td>Pending</td>" in client.get("/shop/account/").get_data(as_text=True)

    page = client.get("/shop/de/account/password").get_data(as_text=True)
    assert "<h1>Passwort ändern</h1>" in page
    assert ">Aktuelles Passwort</label>" in page and ">Neues Passwort</label>" in page
    token = hidden_value(page, "csrf_token")
    wrong = client.post("/shop/de/account/password", data={
        "csrf_token": token, "current_password": "not my password",
        "password": "a new long password", "confirm": "a new long password"})
    assert wrong.status_code == 422
    assert "Ihr aktuelles Passwort ist nicht korrekt." in wrong.get_data(as_text=True)

    page = client.get("/shop/de/account/addresses").get_data(as_text=True)
    assert ">Verwenden als</label>" in page
    assert '<option value="billing">Rechnungsadresse</option>' in page
    client.post("/shop/de/account/addresses", data={
        "csrf_token": token, "kind": "billing", "name": "Bea Buyer", "line1": "2 Side St",
        "city": "Shelbyville", "postal_code": "999", "country": "de"})
    page = client.get("/shop/de/account/addresses").get_data(as_text=True)
    assert "<strong>Rechnungsadresse</strong>:" in page
    assert "<strong>Billing address</strong>:" in client.get(
        "/shop/account/addresses").get_data(as_text=True)

    assert '<option value="">Bitte wählen…</option>' in client.get(
        "/shop/de/p/mug").get_data(as_text=True)


def test_signing_in_from_a_product_page_form_returns_to_the_product(app: Flask,
                                                                    client: FlaskClient) -> None:
    shop(app)
    register(client)
    logout(client)
    token = hidden_value(client.get("/shop/p/mug").get_data(as_text=True), "csrf_token")
    response = client.post("/shop/account/wishlist/add", data={
        "csrf_token": token, "product_id": 1, "next": "/shop/p/mug"})
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert hidden_value(login_page, "next") == "/shop/p/mug"
    signed_in = login(client, next=hidden_value(login_page, "next"))
    assert signed_in.headers["Location"].endswith("/shop/p/mug")  # type: ignore[attr-defined]
    # A target outside the store is dropped on the login page, as a link's would be.
    logout(client)
    response = client.post("/shop/account/reviews", data={
        "csrf_token": token, "product_id": 1, "rating": 5, "body": "Lovely",
        "next": "https://evil.example/"})
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert hidden_value(login_page, "next") == ""
