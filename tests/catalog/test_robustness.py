"""Malformed query strings are a 400 or are ignored, never a 500."""
from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from storefront.platform.models import Store

LONG = "x" * 10_240


CASES = [
    ("/acme/c/shirts?page=abc", 400),
    ("/acme/c/shirts?page=-1", 400),
    ("/acme/c/shirts?page=0", 400),
    ("/acme/c/shirts?page=1.5", 400),
    ("/acme/c/shirts?page=%EF%BC%91", 400),  # a full-width digit
    ("/acme/c/shirts?page=%C2%B2", 400),  # "²": str.isdigit() says yes, int() says no
    ("/acme/c/shirts?page=%D9%A1", 400),  # "١": int() says 1, a request may not
    ("/acme/c/shirts?page=%201", 400),
    ("/acme/c/shirts?page=99999999999999999999", 404),
    ("/acme/c/shirts?page=" + "9" * 40, 400),
    ("/acme/c/shirts?sort=cheapest", 400),
    ("/acme/c/shirts?sort=price_asc%00", 400),
    ("/acme/c/shirts?colour=%00", 400),  # a control character in any parameter
    ("/acme/c/shirts?colour=" + LONG, 200),
    ("/acme/c/shirts?" + "&".join(f"f{i}=x" for i in range(500)), 200),
    ("/acme/c/shirts?utm_source=a&fbclid=b&gclid=c", 200),
    ("/acme/c/shirts?%FF%FE=%FF", 200),
    ("/acme/search?q=" + LONG, 200),
    ("/acme/search?q=%00%01tee", 400),
    ("/acme/search?q=%C2%85tee", 400),  # a C1 control (NEL)
    ("/acme/search?q=caf%C3%A9%09", 400),  # even a tab: no parameter holds one
    ("/acme/search?q=%27%22%3B--%20%3Cscript%3E", 200),
    ("/acme/search?q=a%20%7C%20b%20%26%20!c%20%3A*", 200),
    ("/acme/search?q=tee&page=-1", 400),
    ("/acme/search?q=tee&page=99999999999999999999", 404),
    ("/acme/p/red-tee?page=abc&sort=zzz", 200),  # the product page knows neither
    ("/acme/?page=abc", 200),
    ("/acme/pages/about?q=" + LONG, 200),
    ("/acme/c/" + "x" * 300, 404),
    ("/acme/de/c/shirts?page=abc", 400),
    ("/acme/xx-YYYYYYYY/c/shirts", 404),
]


@pytest.mark.read_only
def test_malformed_query_strings_never_500(client: FlaskClient, acme: Store) -> None:
    # One store for every case: creating a store per case would cost more than the requests.
    wrong = []
    for url, status in CASES:
        page = client.get(url)
        if page.status_code != status:
            wrong.append((url[:100], page.status_code, status))
        elif status == 400:
            assert "Acme Outfitters" in page.get_data(as_text=True)  # the store's own 400
    assert wrong == []


@pytest.mark.read_only
def test_query_keys_that_name_url_for_arguments_are_harmless(client, acme) -> None:  # type: ignore[no-untyped-def]
    for path in ("/acme/?endpoint=x", "/acme/c/shirts?endpoint=x&page=1",
                 "/acme/p/red-tee?endpoint=x", "/acme/search?q=tee&endpoint=x",
                 "/acme/de/?endpoint=x&_external=1&_scheme=javascript"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"javascript:" not in response.data
