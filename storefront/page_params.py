"""Query parameters of store pages: the ones no page reads, and the ones this page understood.

One definition serves the page cache's key, the views and the links a page builds. A tracking
parameter (``utm_source``, ``ref``…) is read by no view, so the key may leave it out; a link
carries only what the view that rendered the page said it understood, so nothing one visitor
typed into a URL is handed to the next visitor of the cached page.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from flask import abort, g
from werkzeug.datastructures import MultiDict

from storefront.inputs import whole_number

# Parameters that never change a page: campaign and click identifiers, referral codes.
TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|ref)$")


def ignored(name: str) -> bool:
    """A parameter no page reads (tracking): left out of cache keys, filters and links."""
    return TRACKING.match(name) is not None


def understood(name: str, values: Iterable[str]) -> None:
    """The view acted on ``name`` with these values: links to this page's variants keep them."""
    if ignored(name):
        return  # the cache key leaves it out, so no page may depend on it
    kept = [v for v in values if v]
    if kept:
        params: dict[str, list[str]] = g.setdefault("understood_params", {})
        params[name] = kept


def understood_params() -> dict[str, list[str]]:
    """Every parameter the view said it understood, by name in a fixed (sorted) order."""
    params: dict[str, list[str]] = g.get("understood_params") or {}
    return {name: list(params[name]) for name in sorted(params)}


# Past the last page is a 404 (the listing says so); a number no listing could reach, a 400.
MAX_PAGE_NUMBER = 10**30 - 1


def parse_page(args: MultiDict[str, str]) -> int:
    """``?page=N``: a positive integer; anything else is a 400 (absent or empty means 1)."""
    raw = args.get("page", "")
    if raw == "":
        return 1
    try:
        number = whole_number(raw, 1, MAX_PAGE_NUMBER)
    except ValueError:
        abort(400, description="The page number must be a whole number from 1 up.")
    understood("page", [raw])
    return number
