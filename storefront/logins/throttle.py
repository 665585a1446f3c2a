"""One login throttle for agency users and shoppers: growing waits, never a lock-out of the owner.

Failed sign-ins are counted in the shared cache (seen by every process) at three levels. Each
level lets a few failures through freely; after that, the next attempt has to wait a time that
doubles with every further failure (1 s, 2 s, 4 s, …) up to the level's cap, counted from the
last failure:

- per (account, source address): one address guessing one account;
- per source across accounts: one address trying many accounts (looser);
- per account across sources: a distributed attack on one account. Its free allowance is high and
  its cap short, and it does not apply to a source that has not failed for the account yet, so
  strangers' guesses never hold back the real owner signing in from their own address.

An attempt during a wait is refused without looking at the password and is not counted, so
waiting it out always works. Failures are forgotten one to two windows after they happened
(two buckets per window, counted together).

Counting is atomic, so parallel attempts cannot undercount: on Redis with ``add`` then ``INCR``;
on the file-system cache (and per-process caches) as a read and write under a lock, an ``flock``
on a file next to the cache folder for the file-system cache, shared by every process on the host.
"""
from __future__ import annotations

import fcntl
import hashlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from cachelib.file import FileSystemCache
from cachelib.redis import RedisCache
from flask import current_app

from storefront.extensions import cache

_PROCESS_LOCK = threading.Lock()


@dataclass(frozen=True)
class Limit:
    """How many failures pass freely, and the longest wait after them (seconds)."""

    free: int
    max_wait: int


@dataclass(frozen=True)
class ThrottlePolicy:
    """The numbers of the throttle (``LOGIN_THROTTLE_POLICY`` in the config replaces them)."""

    pair: Limit = field(default_factory=lambda: Limit(free=5, max_wait=15 * 60))
    source: Limit = field(default_factory=lambda: Limit(free=20, max_wait=15 * 60))
    account: Limit = field(default_factory=lambda: Limit(free=50, max_wait=60))
    first_wait: float = 1.0
    window: int = 60 * 60

    def wait_after(self, failures: int, limit: Limit) -> float:
        """Seconds to wait after the last of ``failures`` failures at a level with ``limit``."""
        if failures < limit.free:
            return 0.0
        return float(min(self.first_wait * 2 ** min(failures - limit.free, 40), limit.max_wait))


class LoginThrottled(Exception):
    """Too many failed sign-ins from here or for this account: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"Too many failed sign-in attempts. Please wait {_duration(retry_after)} "
                         "and try again.")

    @property
    def headers(self) -> dict[str, str]:
        """The headers of the 429 page that answers it."""
        return {"Retry-After": str(self.retry_after)}


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


def _digest(*parts: str) -> str:
    # Keys carry no e-mail address or IP in clear, and cannot be broken up by odd characters.
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _backend() -> object:
    # Flask-Caching types its backend as a SimpleCache; it is whichever CACHE_TYPE says.
    backend: object = cache.cache
    return backend


@contextmanager
def _counter_lock() -> Iterator[None]:
    """Serialise read-and-write increments where the cache cannot increment atomically."""
    if isinstance(_backend(), FileSystemCache):
        # Next to the cache folder, not in it: the cache would take the file for an entry.
        with open(str(current_app.config["CACHE_DIR"]).rstrip("/") + ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        with _PROCESS_LOCK:  # a per-process cache (tests, development): a thread lock suffices
            yield


def increment(key: str, timeout: int) -> int:
    """Add one to the counter at ``key`` atomically and return its new value."""
    if isinstance(_backend(), RedisCache):
        cache.add(key, 0, timeout=timeout)  # SET NX: only the first creates it, with its expiry
        return int(cache.cache.inc(key) or 0)  # INCR: atomic, keeps the expiry
    with _counter_lock():
        value = cache.get(key)
        count = (value if isinstance(value, int) else 0) + 1
        cache.set(key, count, timeout=timeout)
        return count


class _Level:
    """The failures counted under one key: two time buckets and the time of the last failure."""

    def __init__(self, key: str, limit: Limit, policy: ThrottlePolicy, now: float) -> None:
        bucket = int(now // policy.window)
        self.buckets = [f"{key}:{bucket}", f"{key}:{bucket - 1}"]
        self.last_key = f"{key}:last"
        self.limit, self.policy = limit, policy

    def failures(self) -> int:
        return sum(v for v in cache.get_many(*self.buckets) if isinstance(v, int))

    def wait(self, failures: int, now: float) -> float:
        """Seconds left to wait after ``failures`` failures (none left: zero or less)."""
        if failures < self.limit.free:
            return 0.0
        last = cache.get(self.last_key)
        if not isinstance(last, int | float):
            return 0.0
        return last + self.policy.wait_after(failures, self.limit) - now

    def record(self, now: float) -> None:
        increment(self.buckets[0], 2 * self.policy.window)
        cache.set(self.last_key, now, timeout=2 * self.policy.window)

    def forget(self) -> None:
        cache.delete_many(*self.buckets, self.last_key)


class LoginThrottle:
    """The throttle of one sign-in scope (the platform, or one store)."""

    def __init__(self, scope: str, policy: ThrottlePolicy | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.scope = scope
        self.policy = policy or ThrottlePolicy()
        self.clock = clock

    def _levels(self, account: str, source: str, now: float) -> tuple[_Level, _Level, _Level]:
        account = account.strip().lower()
        base = f"login-throttle:{self.scope}"
        return (_Level(f"{base}:pair:{_digest(account, source)}", self.policy.pair,
                       self.policy, now),
                _Level(f"{base}:source:{_digest(source)}", self.policy.source, self.policy, now),
                _Level(f"{base}:account:{_digest(account)}", self.policy.account,
                       self.policy, now))

    def check(self, account: str, source: str) -> None:
        """Raise ``LoginThrottled`` while ``source`` has to wait before trying ``account``."""
        now = self.clock()
        pair, by_source, by_account = self._levels(account, source, now)
        pair_failures = pair.failures()
        waits = [pair.wait(pair_failures, now), by_source.wait(by_source.failures(), now)]
        if pair_failures:  # a fresh source is never held back by others' failures
            waits.append(by_account.wait(by_account.failures(), now))
        wait = max(waits)
        if wait > 0:
            raise LoginThrottled(max(1, math.ceil(wait)))

    @contextmanager
    def guard(self, account: str, source: str, wrong: type[Exception]) -> Iterator[None]:
        """Around one password check: ``LoginThrottled`` before it while ``source`` has to wait
        for ``account``, and a ``wrong`` raised inside counted as a failure."""
        self.check(account, source)
        try:
            yield
        except wrong:
            self.record_failure(account, source)
            raise

    def record_failure(self, account: str, source: str) -> None:
        """Count a wrong password for ``account`` from ``source``."""
        now = self.clock()
        for level in self._levels(account, source, now):
            level.record(now)

    def record_success(self, account: str, source: str) -> None:
        """Forget this source's failures for the account (not the source's or account's totals)."""
        self._levels(account, source, self.clock())[0].forget()


def login_throttle(scope: str) -> LoginThrottle:
    """The throttle of ``scope`` with the app's policy."""
    policy = current_app.config.get("LOGIN_THROTTLE_POLICY")
    return LoginThrottle(scope, policy if isinstance(policy, ThrottlePolicy) else None)
