"""Session generations: how logout, a password change and "sign out everywhere" end old sessions.

Sessions are signed cookies kept by the browser, so a server cannot delete one. Instead every
user (agency user in master ``users``, shopper in a tenant's ``customers``) has an integer
generation; a session records the generation its user had at sign-in and counts only while it is
still the current one. Raising the generation ends every session issued before, wherever its
cookie has gone.

The database is the truth. The shared cache keeps a copy so a request that only needs to know
who is signed in (a store page's header) does not open a database: a miss is filled with ``add``
(never overwriting), and a change is written with ``set`` once its transaction has committed, so
a reader that loaded the old value before the commit cannot overwrite the new one.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from storefront.extensions import cache
from storefront.unit_of_work import after_commit_of

TTL_SECONDS = 60 * 60


def cache_key(scope: str, user_id: object) -> str:
    """The shared-cache key of one user's generation (scope: ``platform`` or a store id)."""
    return f"session-generation:{scope}:{user_id}"


def current_generation(key: str, load: Callable[[], int | None]) -> int | None:
    """The user's generation from the shared cache, else ``load()`` from the DB (None: no user)."""
    value = cache.get(key)
    if isinstance(value, int):
        return value
    loaded = load()
    if loaded is not None:
        cache.add(key, loaded, timeout=TTL_SECONDS)
    return loaded


def publish_after_commit(session: Session, key: str, generation: int) -> None:
    """Tell every process the new generation once ``session``'s transaction has committed."""
    after_commit_of(session, lambda: cache.set(key, generation, timeout=TTL_SECONDS))
