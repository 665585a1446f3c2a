"""Fuzzing every route: no path, query string, header or form gets a 500, on either database.

Routes come from ``app.url_map``; each converter is filled either with a real name of the test
store (its slug, products, categories, pages) so requests reach real views, or with a hostile
value (control characters, undecodable bytes, Unicode digits, overlong or empty segments).
Hypothesis runs derandomized with a bounded number of examples, so every run sends the same
requests. Two rounds: production settings (CSRF on, page cache on, behind one trusted proxy,
store hosts under a base domain), where a form post without a token must be a 400; and CSRF
off, signed in as the store's owner and as a shopper with a cart, so fuzzed forms reach the
views' own validation.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from tests.catalog.catalogs import make_acme
from tests.checkout.helpers import add_coupon
from tests.conftest import Databases, app_config, build_app, dispose
from tests.factories import PASSWORD as OWNER_PASSWORD
from tests.factories import make_owner

BASE_DOMAIN = "shops.example"
SHOPPER_PASSWORD = "a long enough password"


def fuzz_settings(examples: int) -> settings:
    """Deterministic (derandomized, no example database) and bounded."""
    return settings(derandomize=True, database=None, deadline=None, max_examples=examples,
                    print_blob=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- values -------------------------------------------------------------------------------------

# Real names in the test store, so a request reaches the view behind the route.
REAL: dict[str, list[str]] = {
    "store_slug": ["acme"],
    "slug": ["acme"],
    "locale": ["de"],  # the default locale, "en", has no prefix: it is among the hostile
    "category": ["shirts", "clothing", "accessories"],
    "product": ["red-tee", "rain-jacket", "draft-shirt"],
    "page": ["about", "shipping"],
    "number": ["1", "ACME-1"],
    "address_id": ["1"],
    "filename": ["css/storefront.css"],
}
# Already percent-encoded path segments: control characters, undecodable bytes, traversal,
# digits int() or isdigit() take, overlong, empty.
HOSTILE_SEGMENTS = [
    "%00", "a%00b", "%01", "%0d%0aX-Injected:%201", "%09", "%7F", "%C2%85", "%FF", "%C3%28",
    "%ED%A0%80", "%F4%90%80%80", "..", "%2e%2e", "%2F", "%5C", "%25", "%", "%zz", "%C2%B2",
    "%D9%A1", "%EF%BC%91", "-1", "0", "99999999999999999999", "x" * 300, "%27%20OR%201=1--",
    "%3Cscript%3E", "%E2%80%AE", "%F0%9F%9B%92", "caf%C3%A9", "%20", "+", ";", "@", "*", "",
    "static", "platform", "www", "ACME", "acme-old", "en", "DE", "de-DE",
]
HOSTILE_TEXT = [
    "\x00", "a\x00b", "\x01", "\x1b[31m", "\r\n", "\t", "\x7f", "\x85", "\u2028", "\ufeff",
    "\u202e", "²", "١", "１", "-1", "0", "1e3", "1.5", "99999999999999999999", "9" * 400,
    "x" * 5000, "", " ", "'; DROP TABLE products;--", "<script>alert(1)</script>", "{{7*7}}",
    "%00", "%s%s%n", "../../etc/passwd", "//evil.example/x.png", "/\\evil.example",
    "javascript:alert(1)", "https://", "🛒", "\U0010ffff", "null", "true", "[]",
]
REAL_VALUES = [
    "1", "2", "3", "acme", "market", "classic", "boutique", "serif", "#123456", "us", "de",
    "standard", "bank_transfer", "y", "SAVE10", "fuzz@example.com", "owner@example.com",
    "price_asc", "newest", "red", "blue", "tee", "/acme/", "/static/img/logo.png",
    "https://cdn.example.com/logo.png", "publish", "shipping", "billing",
]


def _texts() -> st.SearchStrategy[str]:
    """Any text but lone surrogates (no request can carry one)."""
    return st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE_TEXT), _texts())


def any_value() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(REAL_VALUES), hostile_text())


def sometimes(hostile: st.SearchStrategy[str], usual: st.SearchStrategy[str],
              one_in: int) -> st.SearchStrategy[str]:
    """``hostile`` once in ``one_in`` draws, else ``usual``: enough requests get past the edge
    to reach the views."""
    return st.integers(1, one_in).flatmap(lambda n: hostile if n == 1 else usual)


def segment(name: str, one_in: int = 5) -> st.SearchStrategy[str]:
    """A path segment for the converter ``name``: mostly real, else hostile (encoded)."""
    hostile = st.one_of(st.sampled_from(HOSTILE_SEGMENTS),
                        _texts().map(lambda s: quote(s, safe="")))
    return sometimes(hostile, st.sampled_from(REAL.get(name) or ["x"]), one_in)


CONVERTER = re.compile(r"<(?:[a-zA-Z_]+(?:\([^)]*\))?:)?([a-zA-Z_]\w*)>")


def path_for(rule: Rule, segments: Callable[[str], st.SearchStrategy[str]]
             ) -> st.SearchStrategy[str]:
    """A path of ``rule`` with each converter drawn from ``segments``."""
    names = CONVERTER.findall(rule.rule)
    parts = CONVERTER.split(rule.rule)  # literal, name, literal, name, …, literal

    def build(values: list[str]) -> str:
        out = parts[0]
        for i, value in enumerate(values):
            out += value + parts[2 * i + 2]
        return out

    return st.tuples(*(segments(n) for n in names)).map(lambda v: build(list(v)))


def real_path(rule: Rule) -> str:
    """The rule's path with the first real name for every converter."""
    return CONVERTER.sub(lambda m: (REAL.get(m.group(1)) or ["x"])[0], rule.rule)


QUERY_KEYS = ["page", "sort", "q", "part", "preview_theme", "next", "colour", "size",
              "utm_source", "fbclid", "endpoint", "_external", "store_slug", "locale"]
QUERY_TAILS = ["", "&", "&&=", "%", "%zz", "=x", "&page", "&q=%FF%FE", ";x=1", "#frag"]


@st.composite
def query_strings(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(st.one_of(st.sampled_from(QUERY_KEYS), hostile_text()),
                                    any_value()), max_size=5))
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
    return query + draw(st.sampled_from(QUERY_TAILS))


def _latin1() -> st.SearchStrategy[str]:
    return st.text(st.characters(max_codepoint=255), max_size=60)


# Header values as a WSGI server hands them over (latin-1 strings), set straight into the
# environ so that even values with line breaks reach the app.
HEADERS: dict[str, list[str]] = {
    "HTTP_HOST": ["localhost", "acme.shops.example", "ACME.shops.example", "acme-old.shops.example",
                  "www.shops.example", "x..shops.example", "shops.example", "example.com:8080",
                  "[::1]:80", "a..b", "a" * 64 + ".example", ".", "", " ", "exa mple.com",
                  "host:1:2", "é.example", "localhost\x00"],
    "HTTP_X_FORWARDED_HOST": ["acme.shops.example", "a..b", "evil.example, acme.shops.example",
                              "", "[::1"],
    "HTTP_X_FORWARDED_FOR": ["1.2.3.4", "1.2.3.4, 5.6.7.8", "not an address", "::1", ""],
    "HTTP_X_FORWARDED_PROTO": ["https", "http", "gopher", "", "https, http"],
    "HTTP_ACCEPT_LANGUAGE": ["de", "de-DE,de;q=0.9,en;q=0.8", "*", "*;q=²", "en;q=nan",
                             "en;q=1e999", "zz-ZZ", ",,,;;;", "x" * 2000, "de;q=-1", "ÿ"],
    "HTTP_COOKIE": ["session=garbage", "session=" + "x" * 5000, "session=", "a=b; session=;",
                    "session=.eJyrVkrOz0nNyU9OLMrPS0kFAB8ABR4.Zx.bad", "=; ;=;", "tracker=\x01"],
    "HTTP_IF_NONE_MATCH": ['"abc"', 'W/"abc"', "*", '"', "abc", '"a", W/"b", *', "\x7f"],
    "HTTP_IF_MODIFIED_SINCE": ["Thu, 01 Jan 1970 00:00:00 GMT", "Mon, 99 Foo 9999 99:99:99 GMT",
                               "0", "Sat, 31 Dec 9999 23:59:59 GMT", "yesterday"],
    "HTTP_RANGE": ["bytes=0-0", "bytes=-1", "bytes=x", "bytes=5-1", "lines=1-2"],
    "HTTP_REFERER": ["https://evil.example/", "/acme/", "\u00ff"],
    "HTTP_USER_AGENT": ["Mozilla/5.0", "", "caf\xc3\xa9"],
    "HTTP_ACCEPT": ["*/*", "application/json", "text/html;q=x", ""],
}


@st.composite
def header_environ(draw: st.DrawFn) -> dict[str, str]:
    chosen = draw(st.lists(st.sampled_from(sorted(HEADERS)), unique=True, max_size=3))
    return {name: draw(sometimes(_latin1(), st.sampled_from(HEADERS[name]), 4))
            for name in chosen}


# -- checking an answer -------------------------------------------------------------------------

STORE_HOST = re.compile(rf"^(?:[a-z0-9-]+\.)?{re.escape(BASE_DOMAIN)}$")


def request_hosts(environ: dict[str, str]) -> set[str]:
    """The hosts this request named itself (Host, X-Forwarded-Host): a redirect may go there."""
    names = {"localhost", *environ.get("HTTP_X_FORWARDED_HOST", "").split(","),
             environ.get("HTTP_HOST", "")}
    return {urlsplit("//" + name.strip()).hostname or "" for name in names}


def check_answer(response: TestResponse, method: str, environ: dict[str, str]) -> None:
    """No 500, and an answer a browser can read: a content type, a decodable body, redirects
    that stay on the request's own host or a store host."""
    with response:  # a static file's answer holds the file open until closed
        _check_answer(response, method, environ)


def _check_answer(response: TestResponse, method: str, environ: dict[str, str]) -> None:
    status = response.status_code
    assert status < 500 or status == 503, status
    if status == 503:
        assert response.headers.get("Retry-After")
    for name, value in response.headers.items():
        assert "\r" not in value and "\n" not in value, name
    body = response.get_data()
    if method != "HEAD" and status not in (204, 304) and (body or status >= 400):
        assert response.mimetype, "no content type"
        if response.mimetype.startswith(("text/", "application/xml", "application/json")):
            text = body.decode(response.mimetype_params.get("charset", "utf-8"))
            if response.mimetype == "text/html" and status >= 400:
                assert text.lstrip().lower().startswith("<!doctype html"), text[:200]
    if 300 <= status < 400 and status != 304:
        location = response.headers.get("Location", "")
        assert location, "a redirect without a Location"
        assert not location.startswith(("//", "/\\")), location
        host = urlsplit(location).hostname
        assert host is None or host in request_hosts(environ) or STORE_HOST.match(host), location


# -- the store and its forms -----------------------------------------------------------------


class _Forms(HTMLParser):
    """Every form on a page: its action and fields with their default values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action", ""), self._fields))
        elif self._fields is not None and a.get("name"):
            if tag == "input" and a.get("type") not in ("checkbox", "radio", "submit"):
                self._fields[a["name"]] = a.get("value", "")
            elif tag in ("input", "button") and a["name"] not in self._fields:
                self._fields[a["name"]] = a.get("value", "y")
            elif tag == "select":
                self._fields[a["name"]] = ""
                self._textarea = None
            elif tag == "textarea":
                self._textarea = a["name"]
                self._fields[a["name"]] = ""
        elif tag == "option" and self._fields and "value" in a:
            last = list(self._fields)[-1]
            self._fields[last] = self._fields[last] or a["value"]

    def handle_data(self, data: str) -> None:
        if self._fields is not None and self._textarea:
            self._fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "textarea":
            self._textarea = None


GOOD_VALUES = {
    "email": "fuzz@example.com", "password": SHOPPER_PASSWORD, "confirm": SHOPPER_PASSWORD,
    "name": "Ada Fuzz", "first_name": "Ada", "last_name": "Fuzz", "line1": "1 Main Street",
    "city": "Springfield", "postal_code": "12345", "country": "us", "code": "SAVE10",
    "quantity": "1", "product_id": "1", "rating": "4", "body": "Nice.", "theme": "market",
    "columns": "3", "accent": "#123456", "logo_url": "/static/img/logo.png",
}


def good_value(name: str, default: str) -> str:
    return default or GOOD_VALUES.get(name.split("-")[-1], default)


@dataclass
class Shop:
    """The fuzzed app with the test store, the routes to hit and the forms found on its pages."""

    app: Flask
    rules: list[Rule]
    forms: dict[str, dict[str, str]] = field(default_factory=dict)
    field_names: list[str] = field(default_factory=list)

    def post_rules(self) -> list[Rule]:
        return [r for r in self.rules if "POST" in (r.methods or ())]


def open_shop(databases: Databases, tmp_path: Path, **config: Any) -> Shop:
    app = build_app(app_config(databases, tmp_path, **config))
    store = make_acme(app)
    add_coupon(app, store.id, "SAVE10")
    make_owner(app)
    rules = sorted((r for r in app.url_map.iter_rules()), key=lambda r: (r.rule, r.endpoint))
    return Shop(app, rules)


def collect_forms(shop: Shop, client: FlaskClient) -> None:
    """Every POST form on every page the route map has, as this client sees them."""
    for rule in shop.rules:
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        response = client.get(real_path(rule))
        if response.mimetype != "text/html":
            continue
        parser = _Forms()
        parser.feed(response.get_data(as_text=True))
        for action, fields in parser.forms:
            target = urlsplit(action).path or real_path(rule)
            shop.forms.setdefault(target, {}).update(fields)
    shop.field_names = sorted({name for fields in shop.forms.values() for name in fields})


@pytest.fixture
def production_shop(databases: Databases, tmp_path: Path) -> Iterator[Shop]:
    shop = open_shop(databases, tmp_path, PAGE_CACHE_ENABLED=True, TRUSTED_PROXIES=1,
                     STOREFRONT_BASE_DOMAIN=BASE_DOMAIN)
    collect_forms(shop, shop.app.test_client())
    yield shop
    dispose(shop.app)


# -- round one: production settings ------------------------------------------------------------

METHODS = ["GET"] * 12 + ["HEAD", "HEAD", "POST", "POST", "OPTIONS", "PUT", "DELETE", "FOO"]
BODIES: list[tuple[str, bytes]] = [
    ("application/x-www-form-urlencoded", b"email=%00&code=%FF%FE&&=&%zz"),
    ("multipart/form-data", b"--x\r\n\r\n"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"a\x00\""
                                         b"\r\n\r\nb\r\n--x--\r\n"),
    ("multipart/form-data; boundary=x", b"garbage"),
    ("application/json", b"{\"email\": \"\\u0000\""),
    ("text/plain; charset=bogus", b"\xff\xfe"),
]


@st.composite
def production_requests(draw: st.DrawFn, shop: Shop) -> dict[str, Any]:
    rule = draw(st.sampled_from(shop.rules))
    method = draw(st.sampled_from(METHODS))
    if "GET" not in (rule.methods or ()) and draw(st.integers(0, 3)) > 0:
        method = "POST"  # mostly what a POST-only route answers to
    request: dict[str, Any] = {
        "method": method,
        "path": draw(path_for(rule, segment)),
        "query_string": draw(st.one_of(st.just(""), query_strings())),
        "environ_overrides": draw(header_environ()),
    }
    if method in ("POST", "PUT", "PATCH"):
        kind = draw(st.integers(0, 2))
        if kind == 0:
            names = st.one_of(st.sampled_from(shop.field_names or ["x"]), hostile_text())
            request["data"] = draw(st.dictionaries(names, any_value(), max_size=8))
        elif kind == 1:
            content_type, body = draw(st.sampled_from(BODIES))
            request.update(content_type=content_type, data=body)
        else:
            request["data"] = {"csrf_token": draw(hostile_text()),
                               **shop.forms.get(real_path(rule), {})}
    return request


def send(client: FlaskClient, request: dict[str, Any]) -> TestResponse:
    """The request as a server hands it over: PATH_INFO the raw bytes of the decoded path (the
    test client would read "//x" as a host and "?" as the query)."""
    raw_path = unquote_to_bytes(request.pop("path")).decode("latin-1")
    environ = {**request.pop("environ_overrides"), "PATH_INFO": raw_path}
    return client.open("/", environ_overrides=environ, **request)


def test_fuzz_every_route_with_production_settings(production_shop: Shop) -> None:
    shop = production_shop
    client = shop.app.test_client(use_cookies=False)

    @fuzz_settings(examples=1500)
    @given(request=production_requests(shop))
    def one_request(request: dict[str, Any]) -> None:
        response = send(client, dict(request))
        check_answer(response, request["method"], request["environ_overrides"])

    one_request()

    # With CSRF on, a form post to a real page, well filled in but without its token, is a 400.
    for rule in shop.post_rules():
        path = real_path(rule)
        fields = {k: good_value(k, v) for k, v in shop.forms.get(path, {}).items()
                  if k != "csrf_token"}
        response = client.post(path, data=fields)
        assert response.status_code == 400, path
        check_answer(response, "POST", {})


# -- round two: CSRF off, signed in, with a cart ----------------------------------------------

# Posts that end the fuzzing client's own sessions would leave the rest of the round signed out.
SESSION_ENDING = re.compile(r"logout|sign_out|password")


@pytest.fixture
def signed_in_shop(databases: Databases, tmp_path: Path) -> Iterator[tuple[Shop, FlaskClient]]:
    shop = open_shop(databases, tmp_path, WTF_CSRF_ENABLED=False)
    client = shop.app.test_client()
    assert client.post("/platform/login", data={"email": "owner@example.com",
                                                "password": OWNER_PASSWORD}).status_code == 303
    assert client.post("/acme/account/register", data={
        "email": "shopper@example.com", "password": SHOPPER_PASSWORD,
        "confirm": SHOPPER_PASSWORD}).status_code == 303
    assert client.post("/acme/account/addresses", data={
        "kind": "shipping", "name": "Ada", "line1": "1 Main St", "city": "X",
        "postal_code": "1", "country": "de"}).status_code == 303
    assert client.post("/acme/cart/add", data={"product_id": "1", "quantity": "2"}
                       ).status_code == 303
    collect_forms(shop, client)
    yield shop, client
    dispose(shop.app)


@st.composite
def form_posts(draw: st.DrawFn, shop: Shop) -> tuple[str, dict[str, str]]:
    rule = draw(st.sampled_from([r for r in shop.post_rules()
                                 if not SESSION_ENDING.search(r.endpoint)]))
    path = draw(path_for(rule, lambda name: segment(name, one_in=10)))
    # The page's own form, filled in well, with some fields made hostile, some left out and
    # some added: the view's validation, not the edge, has to answer most of these.
    fields = {k: good_value(k, v) for k, v in shop.forms.get(real_path(rule), {}).items()}
    for name in draw(st.lists(st.sampled_from(sorted(fields) or ["x"]), max_size=3)):
        fields[name] = draw(any_value())
    for name in draw(st.lists(st.sampled_from(sorted(fields) or ["x"]), max_size=1)):
        fields.pop(name, None)
    extra = draw(st.dictionaries(st.one_of(st.sampled_from(shop.field_names or ["x"]),
                                           hostile_text()), any_value(), max_size=2))
    return path, {**fields, **extra}


def test_fuzz_every_form_signed_in_without_csrf(
        signed_in_shop: tuple[Shop, FlaskClient]) -> None:
    shop, client = signed_in_shop
    assert {"email", "code", "line1", "rating", "columns"} <= set(shop.field_names)
    session = client.get_cookie("session")
    assert session is not None

    @fuzz_settings(examples=800)
    @given(post=form_posts(shop))
    def one_post(post: tuple[str, dict[str, str]]) -> None:
        # Every post starts from the same signed-in session with the same cart.
        client.set_cookie("session", session.value, domain=session.domain, path=session.path)
        path, data = post
        response = send(client, {"method": "POST", "path": path, "query_string": "",
                                 "environ_overrides": {}, "data": data})
        check_answer(response, "POST", {})

    one_post()
