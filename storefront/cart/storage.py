"""The cart in the shopper's (signed cookie) session, under a key of its own per store.

Only product ids, quantities and a coupon code are kept; never a price or a name.
"""
from __future__ import annotations

from typing import Any

from flask import g, session

from storefront.cart.services import MAX_LINES, MAX_QUANTITY, CartLines


def _key() -> str:
    return f"cart:{g.store.id.hex}"


def _state() -> dict[str, Any]:
    state = session.get(_key())
    return state if isinstance(state, dict) else {}


def load_cart() -> CartLines:
    """This store's cart lines from the session (anything malformed is dropped)."""
    lines: CartLines = {}
    raw = _state().get("lines")
    if not isinstance(raw, dict):
        return lines
    for product_id, quantity in list(raw.items())[:MAX_LINES]:
        try:
            pid, qty = int(product_id), int(quantity)
        except (TypeError, ValueError):
            continue
        if pid > 0 and 0 < qty <= MAX_QUANTITY:
            lines[pid] = qty
    return lines


def saved_coupon() -> str | None:
    """The coupon code the shopper applied to this store's cart, if any."""
    code = _state().get("coupon")
    return code if isinstance(code, str) and code else None


def save_cart(lines: CartLines, coupon: str | None | bool = False) -> None:
    """Store the cart lines (and the coupon code, unless ``coupon`` is left out)."""
    state = dict(_state())
    state["lines"] = {str(pid): qty for pid, qty in sorted(lines.items())}
    if coupon is not False:
        state["coupon"] = coupon or None
    session[_key()] = state


def save_coupon(code: str | None) -> None:
    """Apply (or with None, remove) a coupon code on this store's cart."""
    save_cart(load_cart(), code)


def clear_cart() -> None:
    """Empty this store's cart (after an order)."""
    session.pop(_key(), None)
