"""The agency login under attack: growing waits per (account, address), never a lock-out of the
owner from elsewhere, and addresses taken from X-Forwarded-For only through TRUSTED_PROXIES."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from storefront.config import ConfigurationError, load_config
from storefront.logins.throttle import ThrottlePolicy
from tests.conftest import Databases, app_config, build_app, dispose
from tests.factories import OWNER, PASSWORD, make_owner
from tests.forms import token_from

ATTACKER, OWNER_HOME = "203.0.113.66", "198.51.100.7"


def login(client: FlaskClient, password: str = PASSWORD, **request: object) -> object:
    """Sign in as the owner from the address (``environ_base``) or proxy headers given."""
    token = token_from(client, "/platform/login")
    return client.post("/platform/login", data={"email": OWNER, "password": password,
                                                "csrf_token": token}, **request)


def from_address(address: str) -> dict[str, object]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def forwarded_for(address: str) -> dict[str, object]:
    return {"headers": {"X-Forwarded-For": address}}


def test_wrong_passwords_elsewhere_never_lock_the_owner_out(app: Flask) -> None:
    make_owner(app)
    # A first wait of a minute, so a slow machine cannot outlast it between two requests.
    app.config["LOGIN_THROTTLE_POLICY"] = ThrottlePolicy(first_wait=60)
    attacker = app.test_client()
    for _ in range(5):
        assert login(attacker, "guess", **from_address(ATTACKER)).status_code == 401  # type: ignore
    refused = login(attacker, **from_address(ATTACKER))  # even the right password must wait
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert refused.headers["Retry-After"] == "60"  # type: ignore[attr-defined]
    assert "Please wait 60 seconds" in refused.get_data(as_text=True)  # type: ignore
    # The owner, from their own address, signs in at once.
    owner = app.test_client()
    assert login(owner, **from_address(OWNER_HOME)).status_code == 303  # type: ignore
    assert owner.get("/platform/").status_code == 200


@pytest.fixture(params=[0, 1], ids=["no-proxy", "one-proxy"])
def proxied_app(request: pytest.FixtureRequest, databases: Databases,
                tmp_path: Path) -> Iterator[Flask]:
    app = build_app(app_config(databases, tmp_path, TRUSTED_PROXIES=request.param,
                               LOGIN_THROTTLE_POLICY=ThrottlePolicy(first_wait=60)))
    yield app
    dispose(app)


def test_x_forwarded_for_counts_only_behind_trusted_proxies(proxied_app: Flask) -> None:
    app = proxied_app
    make_owner(app)
    client = app.test_client()
    for _ in range(5):
        assert login(client, "guess", **forwarded_for(ATTACKER)).status_code == 401  # type: ignore
    assert login(client, **forwarded_for(ATTACKER)).status_code == 429  # type: ignore
    other = login(app.test_client(), **forwarded_for(OWNER_HOME)).status_code  # type: ignore
    if app.config["TRUSTED_PROXIES"]:
        assert other == 303  # two forwarded addresses are two sources
    else:
        assert other == 429  # the header is ignored: one source, the proxy's address


def test_trusted_proxies_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STOREFRONT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    assert load_config()["TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert load_config()["TRUSTED_PROXIES"] == 2
    for bad in ("yes", "-1"):
        monkeypatch.setenv("TRUSTED_PROXIES", bad)
        with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES"):
            load_config()
