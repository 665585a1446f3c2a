"""Who the shopper is in this store: the signed-in customer and the orders this browser placed.

Kept in the session under a key per store, so signing in to store A signs in nowhere else and an
order placed in store A is never viewable from store B's session state.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask import g, session

MAX_REMEMBERED_ORDERS = 20


def _key() -> str:
    return f"shopper:{g.store.id.hex}"


def _state() -> dict[str, Any]:
    state = session.get(_key())
    return dict(state) if isinstance(state, dict) else {}


def _save(state: dict[str, Any]) -> None:
    session[_key()] = state


def current_customer_id() -> int | None:
    """The id of the customer signed in to this store, or None."""
    value = _state().get("customer_id")
    return value if isinstance(value, int) else None


def sign_in(customer_id: int) -> None:
    """Remember the signed-in customer for this store only."""
    state = _state()
    state["customer_id"] = customer_id
    _save(state)


def sign_out() -> None:
    """Forget the signed-in customer of this store (the browser's own orders stay viewable)."""
    state = _state()
    state.pop("customer_id", None)
    _save(state)


def browser_nonce() -> str:
    """A random value that identifies this browser's session in this store (checkout tokens)."""
    state = _state()
    nonce = state.get("nonce")
    if not isinstance(nonce, str) or len(nonce) < 16:
        nonce = secrets.token_urlsafe(16)
        state["nonce"] = nonce
        _save(state)
    return nonce


def remember_order(number: str) -> None:
    """Let this browser view the order it just placed."""
    state = _state()
    orders = [n for n in state.get("orders", []) if isinstance(n, str) and n != number]
    state["orders"] = [*orders, number][-MAX_REMEMBERED_ORDERS:]
    _save(state)


def placed_here(number: str) -> bool:
    """Whether this browser placed the order ``number`` in this store."""
    orders = _state().get("orders", [])
    return isinstance(orders, list) and number in orders
