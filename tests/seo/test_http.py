"""HTTP semantics crawlers and browsers rely on: validators, 304, HEAD."""
from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous.timed import TimestampSigner

from tests.factories import make_store


def test_conditional_get_gives_304(app: Flask, client: FlaskClient) -> None:
    make_store(app, "acme", products=[{"slug": "anvil", "name": "Iron anvil"}])
    first = client.get("/acme/")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag
    again = client.get("/acme/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/acme/", headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_a_page_with_a_form_is_never_answered_from_a_stale_copy(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 304 would keep the browser's old CSRF token, which expires: always a fresh page."""
    make_store(app, "acme", products=[{"slug": "anvil", "name": "Iron anvil"}])
    # Tokens are signed with a one-second timestamp; the signer's clock is moved on a second
    # between the visits instead of the test waiting for it.
    clock = [int(time.time())]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: clock[0])
    first = client.get("/acme/p/anvil")
    assert first.status_code == 200 and b'name="csrf_token"' in first.data
    clock[0] += 1
    again = client.get("/acme/p/anvil", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and b'name="csrf_token"' in again.data


def test_head_is_answered_like_get_without_a_body(app: Flask, client: FlaskClient) -> None:
    make_store(app, "acme", products=[{"slug": "anvil", "name": "Iron anvil"}])
    for path in ("/acme/", "/acme/p/anvil", "/acme/sitemap.xml", "/robots.txt", "/nope/"):
        get = client.get(path)
        head = client.head(path)
        assert head.status_code == get.status_code, path
        assert head.data == b""
        assert head.headers["Content-Type"] == get.headers["Content-Type"]
