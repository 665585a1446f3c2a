"""Untrusted input: what a request may carry, whole numbers, and the URLs a page loads images from.

A request is checked at the edge: a Host that is not a host name, or a control character in the
path or a header, is answered ``400`` before Flask routes it (a bad Host leaves Flask without a
URL adapter; PostgreSQL cannot even compare a text holding a NUL). Query parameters and form
fields are checked before any view or store hook runs, once the store is known, so their ``400``
is the store's own page. Past the edge, text holds no control characters but the tab, line feed
and carriage return a form's textarea may send.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, abort, request
from werkzeug.wrappers import Response
from wtforms import IntegerField
from wtforms.validators import Regexp

# Every control character (C0, DEL, C1): no path segment or query parameter can hold one.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# In a form value: C0 controls but tab, line feed and carriage return (a textarea sends those).
FORM_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# In a header value (WSGI hands them over as latin-1, so bytes 0x80-0x9f are UTF-8, not C1).
HEADER_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

# A host name (labels of 1-63 characters; "_" as some internal names have it) or an IPv6
# literal, and an optional port: what Werkzeug can bind a URL adapter to.
_LABEL = r"[A-Za-z0-9_-]{1,63}"
HOST = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{{0,5}})?")
MAX_HOST_LENGTH = 253 + 6

# What a shopper's form accepts as an e-mail address and a country (checkout, account pages).
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter a valid e-mail address.")
COUNTRY = Regexp(r"^[A-Za-z]{2}$", message="Use the two-letter country code (e.g. DE, US).")

# Cookies are left alone: they are signed, and a stray cookie another site on the domain set
# must not lock a shopper out of the store.
UNCHECKED_HEADERS = frozenset({"HTTP_COOKIE"})


def is_valid_host(host: str) -> bool:
    """A Host header naming a host (and port), nothing else."""
    return len(host) <= MAX_HOST_LENGTH and HOST.fullmatch(host) is not None


def _wsgi_text(value: str) -> str:
    # PEP 3333 hands paths over as latin-1 strings of the raw bytes; pages see them as UTF-8.
    return value.encode("latin-1", "replace").decode("utf-8", "replace")


def malformed_request(environ: dict[str, Any]) -> str | None:
    """Why this request cannot even be routed (its Host, path or headers), or None."""
    host = environ.get("HTTP_HOST")
    if host and not is_valid_host(host):
        return "the Host header is not a host name"
    if CONTROL_CHARACTERS.search(_wsgi_text(environ.get("PATH_INFO", ""))):
        return "the path contains a control character"
    for key, value in environ.items():
        if ((key.startswith("HTTP_") and key not in UNCHECKED_HEADERS) or key == "CONTENT_TYPE") \
                and isinstance(value, str) and HEADER_CONTROL_CHARACTERS.search(value):
            return f"the {key.removeprefix('HTTP_').replace('_', '-').title()} header " \
                   "contains a control character"
    return None


class RejectMalformedRequests:
    """WSGI middleware: a plain 400 for a malformed request, before the app routes it."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        problem = malformed_request(environ)
        if problem is None:
            return self.app(environ, start_response)
        response = Response(f"Bad request: {problem}.\n", 400, mimetype="text/plain")
        response.headers["Cache-Control"] = "no-store"
        return response(environ, start_response)


def _holds(pattern: re.Pattern[str], fields: Iterable[tuple[str, list[str]]]) -> bool:
    return any(pattern.search(name) or any(pattern.search(v) for v in values)
               for name, values in fields)


def reject_control_characters_in_parameters() -> None:
    """Before any view: a query parameter or form field holding a control character is a 400."""
    if _holds(CONTROL_CHARACTERS, request.args.lists()):
        abort(400, description="A parameter of the address contains a control character.")
    files = ((name, [f.filename or ""]) for name, f in request.files.items(multi=True))
    if _holds(FORM_CONTROL_CHARACTERS, request.form.lists()) \
            or _holds(FORM_CONTROL_CHARACTERS, files):
        abort(400, description="A form field contains a control character.")


def init_app(app: Flask) -> None:
    """Check parameters before every view; wrap the WSGI app (so far) in the edge check."""
    app.before_request(reject_control_characters_in_parameters)
    app.wsgi_app = RejectMalformedRequests(app.wsgi_app)  # type: ignore[method-assign]


# -- whole numbers -------------------------------------------------------------------------------

MAX_WHOLE_NUMBER = 10**18 - 1  # fits a 64-bit column


def whole_number(raw: str, low: int = 0, high: int = MAX_WHOLE_NUMBER) -> int:
    """``raw`` as an int from ``low`` to ``high``; ValueError unless it is ASCII digits only.

    ``str.isdigit`` says yes to "²" and ``int`` to "١" and " 7_0 ": neither is a number a
    request may send.
    """
    if not raw or len(raw) > len(str(high)) or not (raw.isascii() and raw.isdigit()):
        raise ValueError(f"not a whole number: {raw[:20]!r}")
    value = int(raw)
    if not low <= value <= high:
        raise ValueError(f"not from {low} to {high}: {value}")
    return value


class WholeNumberField(IntegerField):  # type: ignore[misc]  # WTForms is untyped
    """An IntegerField that takes ASCII digits only (bounds are its validators' business)."""

    data: int | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        try:
            self.data = whole_number(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value.")) from None


# -- image URLs ----------------------------------------------------------------------------------

MAX_URL_LENGTH = 2000
HTTPS_URL = re.compile(r"https://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?(?:[/?#].*)?",
                       re.DOTALL)
UNSAFE_URL_CHARACTERS = frozenset("\"'<>\\`")


def is_image_url(value: str) -> bool:
    """An https:// URL with a host, or a path on this site ("/…", never "//…" or "/\\…")."""
    if (not value or len(value) > MAX_URL_LENGTH or CONTROL_CHARACTERS.search(value)
            or any(c.isspace() or c in UNSAFE_URL_CHARACTERS for c in value)):
        return False
    if value.startswith("https://"):
        return HTTPS_URL.fullmatch(value) is not None
    # "//host/x" and "/\host/x" are other sites to a browser, not paths on this one.
    return value.startswith("/") and value[1:2] not in ("/", "\\")
