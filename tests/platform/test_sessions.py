"""Ending agency-user sessions: logout, "sign out everywhere" (button and command) and a password
change end every earlier session, even a copy of its cookie replayed afterwards."""
from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from storefront.extensions import cache, db
from storefront.platform.models import User
from tests.factories import OWNER, PASSWORD, make_owner, make_store
from tests.forms import captured, token_from

NEW_PASSWORD = "a brand new passphrase"


def login(client: FlaskClient, email: str = OWNER, password: str = PASSWORD) -> int:
    token = token_from(client, "/platform/login")
    return client.post("/platform/login", data={"email": email, "password": password,
                                                "csrf_token": token}).status_code


def signed_in(app: Flask, email: str = OWNER) -> FlaskClient:
    client = app.test_client()
    assert login(client, email) == 303
    return client


def is_signed_in(client: FlaskClient) -> bool:
    response = client.get("/platform/")
    assert response.status_code in (200, 303)
    return response.status_code == 200


def test_a_cookie_captured_before_logout_is_logged_out_after(app: Flask) -> None:
    make_owner(app)
    browser = signed_in(app)
    thief = captured(app, browser)
    other_device = signed_in(app)
    assert is_signed_in(thief) and is_signed_in(other_device)
    token = token_from(browser, "/platform/")
    assert browser.post("/platform/logout", data={"csrf_token": token}).status_code == 303
    assert not is_signed_in(browser)
    assert not is_signed_in(thief)
    assert not is_signed_in(other_device)
    # The database is the truth: with the shared cache emptied the copy stays logged out.
    with app.app_context():
        cache.clear()
    assert not is_signed_in(thief)
    assert is_signed_in(signed_in(app))  # signing in again works as before


def test_sign_out_everywhere_button(app: Flask) -> None:
    make_owner(app)
    make_owner(app, "rival@example.com")
    browser = signed_in(app)
    thief = captured(app, browser)
    rival = signed_in(app, "rival@example.com")
    page = browser.get("/platform/").get_data(as_text=True)
    assert 'action="/platform/sign-out-everywhere"' in page
    assert browser.post("/platform/sign-out-everywhere").status_code == 400  # no CSRF token
    assert is_signed_in(thief)
    token = token_from(browser, "/platform/")
    response = browser.post("/platform/sign-out-everywhere", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/platform/login"
    assert not is_signed_in(browser) and not is_signed_in(thief)
    assert is_signed_in(rival)  # another user's sessions are theirs


def test_users_signout_command(app: Flask, runner: FlaskCliRunner) -> None:
    make_owner(app)
    browser = signed_in(app)
    thief = captured(app, browser)
    result = runner.invoke(args=["users", "signout", OWNER])
    assert result.exit_code == 0, result.output
    assert f"signed out every session of {OWNER}" in result.output
    assert not is_signed_in(browser) and not is_signed_in(thief)
    unknown = runner.invoke(args=["users", "signout", "ghost@example.com"])
    assert unknown.exit_code != 0 and "no user with e-mail" in unknown.output


def test_a_password_change_ends_every_other_session(app: Flask) -> None:
    make_owner(app)
    browser = signed_in(app)
    before = captured(app, browser)
    other_device = signed_in(app)
    form = {"current_password": "not my password", "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD, "csrf_token": token_from(browser, "/platform/password")}
    wrong = browser.post("/platform/password", data=form)
    assert wrong.status_code == 422
    assert "current password is not correct" in wrong.get_data(as_text=True)
    assert is_signed_in(other_device)  # a refused change ends nothing
    form["current_password"] = PASSWORD
    changed = browser.post("/platform/password", data=form)
    assert changed.status_code == 200
    assert "Your password was changed" in changed.get_data(as_text=True)
    assert is_signed_in(browser)  # the session that made the change stays
    assert not is_signed_in(before) and not is_signed_in(other_device)
    assert login(app.test_client(), OWNER, PASSWORD) == 401
    assert login(app.test_client(), OWNER, NEW_PASSWORD) == 303
    with app.app_context():
        user = db.session.query(User).filter_by(email=OWNER).one()
        assert user.session_generation == 1


def test_an_ended_login_no_longer_opens_a_suspended_store_or_a_preview(
        app: Flask, runner: FlaskCliRunner) -> None:
    make_store(app, "mine", "My Own Shop")
    browser = signed_in(app)
    thief = captured(app, browser)
    runner.invoke(args=["stores", "suspend", "mine"])
    assert thief.get("/mine/").status_code == 200  # the owner's login passes the gate
    runner.invoke(args=["stores", "activate", "mine"])
    assert thief.get("/mine/?preview_theme=market").headers.get("X-Robots-Tag") == "noindex"
    runner.invoke(args=["stores", "suspend", "mine"])
    assert runner.invoke(args=["users", "signout", OWNER]).exit_code == 0
    assert thief.get("/mine/").status_code == 503
    runner.invoke(args=["stores", "activate", "mine"])
    preview = thief.get("/mine/?preview_theme=market")
    assert preview.status_code == 200 and "X-Robots-Tag" not in preview.headers


def test_the_login_page_confirms_a_sign_out_once(app: Flask) -> None:
    make_owner(app)
    notice = "You are signed out, on every browser and device."
    browser = app.test_client()
    assert notice not in browser.get("/platform/login").get_data(as_text=True)
    for button in ("/platform/logout", "/platform/sign-out-everywhere"):
        assert login(browser) == 303
        token = token_from(browser, "/platform/")
        assert browser.post(button, data={"csrf_token": token}).status_code == 303
        assert notice in browser.get("/platform/login").get_data(as_text=True), button
        assert notice not in browser.get("/platform/login").get_data(as_text=True), button
