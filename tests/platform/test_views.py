"""Agency-user login and the owner's store list, as a browser meets them."""
from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from storefront.extensions import db
from storefront.logins.throttle import ThrottlePolicy
from storefront.platform import provisioning
from storefront.platform.users import create_user
from storefront.unit_of_work import unit_of_work
from tests.conftest import Databases
from tests.factories import OWNER, PASSWORD, make_owner, make_store
from tests.forms import token_from


def login(client: FlaskClient, email: str = OWNER, password: str = PASSWORD,
          next_url: str = "") -> object:
    token = token_from(client, "/platform/login")
    path = "/platform/login" + (f"?next={next_url}" if next_url else "")
    return client.post(path, data={"email": email, "password": password, "csrf_token": token})


def test_login_page_has_a_labelled_csrf_protected_form(app: Flask, client: FlaskClient) -> None:
    response = client.get("/platform/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="csrf_token"' in html and '<label for="email">' in html
    assert response.headers["Cache-Control"] == "private, no-store"


def test_login_without_csrf_token_is_400_and_logs_nobody_in(app: Flask,
                                                            client: FlaskClient) -> None:
    make_owner(app)
    response = client.post("/platform/login", data={"email": OWNER, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/platform/").status_code == 303


def test_bad_password_and_unknown_user(app: Flask, client: FlaskClient) -> None:
    make_owner(app)
    assert login(client, password="wrong password").status_code == 401
    assert login(client, email="ghost@example.com").status_code == 401
    assert client.get("/platform/").headers["Location"].startswith("/platform/login")


def test_login_is_rate_limited(app: Flask, client: FlaskClient) -> None:
    make_owner(app)
    # A first wait of a minute, so a slow machine cannot outlast it between two requests.
    app.config["LOGIN_THROTTLE_POLICY"] = ThrottlePolicy(first_wait=60)
    for _ in range(5):
        assert login(client, password="wrong password").status_code == 401
    throttled = login(client)  # even the right password, until the wait is over
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "60"
    assert "Please wait 60 seconds" in throttled.get_data(as_text=True)


def test_login_lists_own_stores_with_tenant_names(app: Flask, client: FlaskClient,
                                                  databases: Databases) -> None:
    make_store(app, "mine", "My Own Shop")
    broken = make_store(app, "broken", "Broken Shop")
    make_owner(app, "rival@example.com")
    make_store(app, "theirs", "Rival Shop", owner="rival@example.com")
    provisioning.drop_database(databases.tenant_url(broken.id))
    with client.session_transaction() as session:
        session["planted"] = "from before login"
    response = login(client)
    assert response.status_code == 303 and response.headers["Location"] == "/platform/"
    with client.session_transaction() as session:
        assert "planted" not in session  # a fresh session: no fixation
    page = client.get("/platform/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "My Own Shop" in html and "/mine/" in html
    assert "/broken/" in html and "cannot be reached" in html
    assert "Rival Shop" not in html and "/theirs/" not in html


def test_admin_sees_every_store(app: Flask, client: FlaskClient) -> None:
    make_store(app, "mine", "My Own Shop")
    with app.app_context(), unit_of_work():
        create_user(db.session(), "admin@example.com", PASSWORD, "admin")
    make_owner(app, "rival@example.com")
    make_store(app, "theirs", "Rival Shop", owner="rival@example.com")
    login(client, "admin@example.com")
    html = client.get("/platform/").get_data(as_text=True)
    assert "My Own Shop" in html and "Rival Shop" in html


def test_next_only_redirects_within_the_site(app: Flask, client: FlaskClient) -> None:
    make_owner(app)
    response = login(client, next_url="//evil.example/")
    assert response.headers["Location"] == "/platform/"


def test_logout_needs_csrf_and_ends_the_session(app: Flask, client: FlaskClient) -> None:
    make_owner(app)
    login(client)
    assert client.post("/platform/logout").status_code == 400
    assert client.get("/platform/").status_code == 200
    token = token_from(client, "/platform/")
    assert client.post("/platform/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/platform/").status_code == 303


def test_owner_still_sees_a_suspended_store(app: Flask, client: FlaskClient,
                                            runner: FlaskCliRunner) -> None:
    make_store(app, "mine", "My Own Shop")
    make_owner(app, "rival@example.com")
    runner.invoke(args=["stores", "suspend", "mine"])
    assert client.get("/mine/").status_code == 503
    login(client)
    assert client.get("/mine/").status_code == 200
    assert client.get("/mine/no-such-page").status_code == 404  # the store's own 404, not 503
    rival = app.test_client()
    login(rival, "rival@example.com")
    assert rival.get("/mine/").status_code == 503


def test_next_with_control_characters_is_refused(app: Flask, client: FlaskClient) -> None:
    make_owner(app)
    for target in ("https://evil.example/", "/\\evil.example"):
        response = login(client, next_url=target)
        assert response.headers["Location"] == "/platform/", target
        client.post("/platform/logout", data={"csrf_token": token_from(client, "/platform/")})
    # A control character in the query string is refused before the login view reads it.
    for target in ("/%09/evil.example", "/%0d%0aSet-Cookie:x=1"):
        response = login(client, next_url=target)
        assert response.status_code == 400, target  # type: ignore[attr-defined]
        assert "x=1" not in response.headers.get("Set-Cookie", "")  # type: ignore[attr-defined]
        assert client.get("/platform/").status_code == 303  # not signed in
