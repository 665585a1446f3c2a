"""One-time messages to a shopper ("Added to your cart."), kept per store.

Flask's ``flash`` keeps one list in the session cookie, which every store on the host shares: a
message (a coupon code, say) from one store would show up in the next store visited.
"""
from __future__ import annotations

import uuid

from flask import Flask, g, session


def _key(store_id: uuid.UUID | None = None) -> str:
    return f"notices:{store_id or g.store.id}"


def notify(message: str, category: str = "info", *, store_id: uuid.UUID | None = None) -> None:
    """Show ``message`` on the next page of this store (or of ``store_id``, from the platform)."""
    key = _key(store_id)
    session[key] = [*session.get(key, []), (category, message)]


def pop_notices() -> list[tuple[str, str]]:
    """This store's pending messages, (category, message), removed as they are shown."""
    if g.get("store") is None or _key() not in session:
        return []
    return [tuple(item) for item in session.pop(_key())]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["pop_notices"] = pop_notices
