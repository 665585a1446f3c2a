"""HTTP caching semantics of store pages: validators and ``304 Not Modified``."""
from __future__ import annotations

import hashlib
import re

from flask import Response, request

# A CSRF token is per session and re-signed on every render; it must not change the validator,
# or a page with a form could never be answered 304. The cached copy's token stays valid.
_CSRF_VALUE = re.compile(rb'(name="csrf_token"[^>]*value=")[^"]*(")')
VALIDATED_TYPES = ("text/html", "application/xml", "text/plain")


def add_validators(response: Response) -> Response:
    """ETag on successful GET/HEAD pages, and a 304 when the client already has this version."""
    if (request.method not in ("GET", "HEAD") or response.status_code != 200
            or response.direct_passthrough or response.mimetype not in VALIDATED_TYPES
            or "no-store" in (response.headers.get("Cache-Control") or "")):
        return response
    body = _CSRF_VALUE.sub(rb"\1\2", response.get_data())
    response.set_etag(hashlib.sha256(body).hexdigest()[:32], weak=True)
    if "Cache-Control" not in response.headers:
        # Revalidate every time: the ETag makes that a cheap 304.
        response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


# Per-shopper or duplicate pages: never indexed, whatever the page's own tags say.
PRIVATE_BLUEPRINTS = ("store.cart", "store.checkout", "store.account", "store.search")


def private_noindex(response: Response) -> Response:
    """``X-Robots-Tag: noindex`` on carts, checkout, accounts, orders and search results."""
    if request.blueprint in PRIVATE_BLUEPRINTS:
        response.headers["X-Robots-Tag"] = "noindex"
    return response
