"""Ending shopper sessions: signing out and changing the password end every earlier session of
the customer, even a copy of its cookie replayed afterwards; the rest of the store is untouched."""
from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from storefront.accounts.models import Customer
from storefront.extensions import cache
from storefront.logins.throttle import ThrottlePolicy
from tests.accounts.test_accounts import PASSWORD, login, logout, register
from tests.checkout.helpers import csrf_from, rows, shop
from tests.forms import captured

NEW_PASSWORD = "another long password"


def is_signed_in(client: FlaskClient, slug: str = "shop") -> bool:
    response = client.get(f"/{slug}/account/")
    assert response.status_code in (200, 303)
    return response.status_code == 200


def change_password(client: FlaskClient, current: str, new: str) -> object:
    token = csrf_from(client, "/shop/account/password")
    return client.post("/shop/account/password", data={
        "csrf_token": token, "current_password": current, "password": new, "confirm": new})


def test_a_cookie_captured_before_sign_out_is_signed_out_after(app: Flask) -> None:
    shop(app)
    shop(app, "other")
    browser = app.test_client()
    assert register(browser).status_code == 303  # type: ignore[attr-defined]
    assert register(browser, slug="other").status_code == 303  # type: ignore[attr-defined]
    thief = captured(app, browser)
    second = app.test_client()
    assert login(second).status_code == 303  # type: ignore[attr-defined]
    assert is_signed_in(thief) and is_signed_in(second)
    logout(browser)
    assert not is_signed_in(browser) and not is_signed_in(thief) and not is_signed_in(second)
    assert is_signed_in(thief, "other")  # another store's account is another account
    # The database is the truth: with the shared cache emptied the copy stays signed out.
    with app.app_context():
        cache.clear()
    assert not is_signed_in(thief)
    assert login(browser).status_code == 303 and is_signed_in(browser)  # type: ignore


def test_a_password_change_ends_every_other_session(app: Flask) -> None:
    store = shop(app)
    browser = app.test_client()
    register(browser)
    before = captured(app, browser)
    second = app.test_client()
    login(second)
    wrong = change_password(browser, "not my password", NEW_PASSWORD)
    assert wrong.status_code == 422  # type: ignore[attr-defined]
    assert "current password is not correct" in wrong.get_data(as_text=True)  # type: ignore
    assert is_signed_in(second)  # a refused change ends nothing
    changed = change_password(browser, PASSWORD, NEW_PASSWORD)
    assert changed.status_code == 303  # type: ignore[attr-defined]
    assert is_signed_in(browser)  # the browser that made the change stays signed in
    assert not is_signed_in(before) and not is_signed_in(second)
    assert login(app.test_client()).status_code == 401  # type: ignore[attr-defined]
    assert login(app.test_client(), password=NEW_PASSWORD).status_code == 303  # type: ignore
    [customer] = rows(app, store.id, Customer)
    assert customer.session_generation == 1


def test_wrong_current_passwords_are_throttled_like_sign_ins(app: Flask) -> None:
    shop(app)
    browser = app.test_client()
    register(browser)
    # A first wait of a minute, so a slow machine cannot outlast it between two requests.
    app.config["LOGIN_THROTTLE_POLICY"] = ThrottlePolicy(first_wait=60)
    for _ in range(5):
        wrong = change_password(browser, "not my password", NEW_PASSWORD)
        assert wrong.status_code == 422  # type: ignore[attr-defined]
    refused = change_password(browser, PASSWORD, NEW_PASSWORD)  # even the right one, for now
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert refused.headers["Retry-After"] == "60"  # type: ignore[attr-defined]
    assert "Too many failed sign-in attempts" in refused.get_data(as_text=True)  # type: ignore
    # The same account from the same address: its sign-in waits too, and nothing changed.
    assert login(app.test_client()).status_code == 429  # type: ignore[attr-defined]
    assert is_signed_in(browser)


def test_the_password_page_needs_a_sign_in(app: Flask) -> None:
    shop(app)
    response = app.test_client().get("/shop/account/password")
    assert response.status_code == 303 and "/shop/account/login" in response.headers["Location"]
