"""HTTP caching semantics of store pages: validators and ``304 Not Modified``."""
from __future__ import annotations

import hashlib

from flask import Response, request

# The validator covers the body as sent: a page with a CSRF token (re-signed on every render)
# therefore never matches and is never answered 304, so a browser never keeps a stale token.
VALIDATED_TYPES = ("text/html", "application/xml", "text/plain")


def add_validators(response: Response) -> Response:
    """ETag on successful GET/HEAD pages, and a 304 when the client already has this version."""
    if (request.method not in ("GET", "HEAD") or response.status_code != 200
            or response.direct_passthrough or response.mimetype not in VALIDATED_TYPES
            or "no-store" in (response.headers.get("Cache-Control") or "")):
        return response
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32], weak=True)
    if "Cache-Control" not in response.headers:
        # Revalidate every time: the ETag makes that a cheap 304.
        response.headers["Cache-Control"] = "private, no-cache"
    response.make_conditional(request)  # turns it into a 304 in place when the ETag matches
    return response


# Per-shopper or duplicate pages: never indexed, whatever the page's own tags say.
PRIVATE_BLUEPRINTS = ("store.cart", "store.checkout", "store.account", "store.search")


def private_noindex(response: Response) -> Response:
    """``X-Robots-Tag: noindex`` on carts, checkout, accounts, orders and search results."""
    if request.blueprint in PRIVATE_BLUEPRINTS:
        response.headers["X-Robots-Tag"] = "noindex"
    return response
