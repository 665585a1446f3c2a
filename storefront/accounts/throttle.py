"""Login rate limiting in the shared cache: failures counted per (store, e-mail) and (store, IP).

The shared cache (file system or Redis) is seen by every server process, so the limit holds
across workers. A counter's window starts at its first failure.
"""
from __future__ import annotations

import hashlib
import time
import uuid

from storefront.extensions import cache

MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 20
WINDOW_SECONDS = 15 * 60


class LoginThrottled(Exception):
    """Too many failed sign-ins; try again later."""


def _keys(store_id: uuid.UUID, email: str, ip: str) -> list[tuple[str, int]]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [(f"login-fail:{store_id.hex}:email:{digest}", MAX_FAILURES_PER_EMAIL),
            (f"login-fail:{store_id.hex}:ip:{ip}", MAX_FAILURES_PER_IP)]


def _count(key: str) -> tuple[int, float]:
    entry = cache.get(key)
    if isinstance(entry, tuple) and len(entry) == 2:
        return int(entry[0]), float(entry[1])
    return 0, time.time()


def check_login_allowed(store_id: uuid.UUID, email: str, ip: str) -> None:
    """Raise ``LoginThrottled`` while the e-mail or the IP is over its limit in this store."""
    for key, limit in _keys(store_id, email, ip):
        count, _started = _count(key)
        if count >= limit:
            raise LoginThrottled("Too many failed sign-in attempts. Please wait 15 minutes "
                                 "and try again.")


def record_failure(store_id: uuid.UUID, email: str, ip: str) -> None:
    """Count a failed sign-in against the e-mail and the IP."""
    now = time.time()
    for key, _limit in _keys(store_id, email, ip):
        count, started = _count(key)
        remaining = int(WINDOW_SECONDS - (now - started)) if count else WINDOW_SECONDS
        if remaining <= 0:
            count, started, remaining = 0, now, WINDOW_SECONDS
        cache.set(key, (count + 1, started), timeout=max(1, remaining))


def clear_failures(store_id: uuid.UUID, email: str, ip: str) -> None:
    """Forget the e-mail's failures after a successful sign-in."""
    cache.delete(_keys(store_id, email, ip)[0][0])
