"""Who the shopper is in this store: the signed-in customer and the orders this browser placed.

Kept in the session under a key per store, so signing in to store A signs in nowhere else and an
order placed in store A is never viewable from store B's session state. A sign-in counts only
while the customer's session generation is the one it was issued under: signing out or changing
the password anywhere ends it, even in a copy of the cookie.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask import g, session

from storefront.accounts.services import customer_session_generation
from storefront.logins.generations import cache_key, current_generation
from storefront.tenancy.errors import TenantUnavailable
from storefront.tenancy.session import tenant_session

MAX_REMEMBERED_ORDERS = 20
_UNCHECKED = object()


def _key() -> str:
    return f"shopper:{g.store.id.hex}"


def _state() -> dict[str, Any]:
    state = session.get(_key())
    return dict(state) if isinstance(state, dict) else {}


def _save(state: dict[str, Any]) -> None:
    session[_key()] = state


def current_customer_id() -> int | None:
    """The id of the customer signed in to this store, or None (also for a sign-in since ended)."""
    checked = g.get("signed_in_customer", _UNCHECKED)
    if checked is _UNCHECKED:
        state = _state()
        customer_id = state.get("customer_id")
        checked = None
        if isinstance(customer_id, int) and state.get("generation", 0) == _generation(customer_id):
            checked = customer_id
        g.signed_in_customer = checked
    return checked if isinstance(checked, int) else None


def _generation(customer_id: int) -> int | None:
    """The customer's current generation: the shared cache, else the tenant DB."""

    def load() -> int | None:
        try:
            return customer_session_generation(tenant_session(), customer_id)
        except TenantUnavailable:  # an error page for an unreachable store: nobody signed in
            return None

    return current_generation(cache_key(g.store.id.hex, customer_id), load)


def sign_in(customer_id: int, generation: int) -> None:
    """Remember the signed-in customer for this store only, under its current generation."""
    state = _state()
    state["customer_id"], state["generation"] = customer_id, generation
    _save(state)
    g.signed_in_customer = customer_id


def sign_out() -> None:
    """Forget the signed-in customer of this store (the browser's own orders stay viewable)."""
    state = _state()
    state.pop("customer_id", None)
    state.pop("generation", None)
    _save(state)
    g.signed_in_customer = None


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
