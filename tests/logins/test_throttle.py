"""The shared login throttle against the real shared caches (file system and Redis).

No database: the throttle lives in the cache alone. A settable clock stands in for waiting.
"""
from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from storefront import create_app
from storefront.extensions import cache
from storefront.logins.throttle import (
    Limit,
    LoginThrottle,
    LoginThrottled,
    ThrottlePolicy,
    increment,
)
from tests.conftest import TEST_KEY

REDIS_URL = "redis://127.0.0.1:6379/11"
OWNER = "owner@example.com"


class Clock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["filesystem", "redis"])
def cache_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose only part in use is the shared cache of the given kind."""
    config = {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
              "MASTER_DB_URL": f"sqlite:///{tmp_path / 'master.db'}", "SECRET_KEY": "s",
              "ENCRYPTION_KEY": TEST_KEY, "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}:"}
    if request.param == "redis":
        config["CACHE_REDIS_URL"] = REDIS_URL
    app = create_app(config)
    assert app.config["CACHE_TYPE"] == ("RedisCache" if request.param == "redis"
                                        else "FileSystemCache")
    with app.app_context():
        yield app
        cache.clear()  # the Redis backend clears only keys of its own prefix


def refused_for(throttle: LoginThrottle, account: str, source: str) -> int | None:
    """Seconds the throttle makes ``source`` wait for ``account``; None if it may try now."""
    try:
        throttle.check(account, source)
    except LoginThrottled as exc:
        return exc.retry_after
    return None


def fail(throttle: LoginThrottle, account: str, source: str, times: int = 1) -> None:
    for _ in range(times):
        assert refused_for(throttle, account, source) is None
        throttle.record_failure(account, source)


def test_waits_double_after_the_free_failures_up_to_the_cap(cache_app: Flask) -> None:
    clock = Clock()
    policy = ThrottlePolicy(pair=Limit(free=3, max_wait=10))
    throttle = LoginThrottle("platform", policy, clock)
    fail(throttle, OWNER, "198.51.100.1", times=3)
    waits = []
    for _ in range(6):
        wait = refused_for(throttle, OWNER, "198.51.100.1")
        assert wait is not None
        waits.append(wait)
        clock.now += wait - 0.5
        assert refused_for(throttle, OWNER, "198.51.100.1") is not None  # not yet
        clock.now += 0.5
        fail(throttle, OWNER, "198.51.100.1")  # the wait is over: one more try, wrong again
    assert waits == [1, 2, 4, 8, 10, 10]


def test_strangers_failures_never_lock_the_owner_out(cache_app: Flask) -> None:
    clock = Clock()
    throttle = LoginThrottle("platform", ThrottlePolicy(), clock)
    # One address hammering the account waits longer and longer ...
    fail(throttle, OWNER, "203.0.113.66", times=5)
    assert refused_for(throttle, OWNER, "203.0.113.66") == 1
    # ... and a distributed attack (5 guesses from each of 30 addresses) is slowed down once
    # the account has seen many failures: each address then gets one guess, not five ...
    tried = refused = 0
    for n in range(30):
        for _ in range(5):
            if refused_for(throttle, OWNER, f"192.0.2.{n}") is None:
                throttle.record_failure(OWNER, f"192.0.2.{n}")
                tried += 1
            else:
                refused += 1
    # Nine addresses bring the account to its 50 free failures; each of the other 21 gets one.
    assert (tried, refused) == (45 + 21, 150 - 66)
    # ... while the owner, signing in from their own address, is not held back at all.
    assert refused_for(throttle, OWNER, "203.0.113.7") is None
    throttle.record_failure(OWNER, "203.0.113.7")  # the owner's own typo
    wait = refused_for(throttle, OWNER, "203.0.113.7")
    assert wait is not None and wait <= ThrottlePolicy().account.max_wait  # a delay, not a lock
    clock.now += wait
    assert refused_for(throttle, OWNER, "203.0.113.7") is None
    # An attacker with one failure of its own waits as long as the account-wide wait says.
    fail(throttle, OWNER, "192.0.2.200")
    assert refused_for(throttle, OWNER, "192.0.2.200") == 60


def test_one_source_across_many_accounts_is_slowed(cache_app: Flask) -> None:
    clock = Clock()
    throttle = LoginThrottle("platform", ThrottlePolicy(), clock)
    for n in range(20):
        fail(throttle, f"user{n}@example.com", "198.51.100.9")
    assert refused_for(throttle, "fresh@example.com", "198.51.100.9") == 1
    assert refused_for(throttle, "fresh@example.com", "198.51.100.10") is None


def test_success_forgets_the_sources_failures_and_old_failures_fade(cache_app: Flask) -> None:
    clock = Clock()
    policy = ThrottlePolicy()
    throttle = LoginThrottle("platform", policy, clock)
    fail(throttle, OWNER, "198.51.100.1", times=4)
    throttle.record_success(OWNER, "198.51.100.1")
    fail(throttle, OWNER, "198.51.100.1", times=4)  # four more free ones after the success
    throttle.record_failure(OWNER, "198.51.100.1")
    assert refused_for(throttle, OWNER, "198.51.100.1") == 1
    clock.now += 2 * policy.window  # two windows without a failure
    fail(throttle, OWNER, "198.51.100.1", times=5)


def test_scopes_are_separate(cache_app: Flask) -> None:
    clock = Clock()
    platform = LoginThrottle("platform", ThrottlePolicy(), clock)
    store = LoginThrottle(uuid.uuid4().hex, ThrottlePolicy(), clock)
    fail(platform, OWNER, "198.51.100.1", times=5)
    assert refused_for(platform, OWNER, "198.51.100.1") == 1
    assert refused_for(store, OWNER, "198.51.100.1") is None


def test_parallel_increments_are_all_counted(cache_app: Flask) -> None:
    """Threads racing on one counter: every increment counts (a read-then-write would lose some)."""
    threads, per_thread = 8, 40
    start = threading.Barrier(threads)
    seen: list[int] = []

    def work() -> None:
        with cache_app.app_context():
            start.wait()
            for _ in range(per_thread):
                seen.append(increment("race", 60))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert cache.get("race") == threads * per_thread
    assert sorted(seen) == list(range(1, threads * per_thread + 1))  # no value handed out twice


def test_parallel_failures_all_count_towards_the_wait(cache_app: Flask) -> None:
    clock = Clock()
    throttle = LoginThrottle("platform", ThrottlePolicy(), clock)
    start = threading.Barrier(10)

    def guess() -> None:
        with cache_app.app_context():
            start.wait()
            throttle.record_failure(OWNER, "198.51.100.1")

    workers = [threading.Thread(target=guess) for _ in range(10)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    # Ten failures: five free, then 1, 2, 4, 8, 16 s; the next try waits 32 s.
    assert refused_for(throttle, OWNER, "198.51.100.1") == 32


def test_guard_counts_only_a_wrong_password(cache_app: Flask) -> None:
    clock = Clock()
    throttle = LoginThrottle("platform", ThrottlePolicy(pair=Limit(free=1, max_wait=10)), clock)
    with pytest.raises(ValueError), throttle.guard(OWNER, "198.51.100.1", wrong=KeyError):
        raise ValueError("not a wrong password: an error of another kind")
    assert refused_for(throttle, OWNER, "198.51.100.1") is None
    with pytest.raises(KeyError), throttle.guard(OWNER, "198.51.100.1", wrong=KeyError):
        raise KeyError("wrong password")
    with pytest.raises(LoginThrottled), throttle.guard(OWNER, "198.51.100.1", wrong=KeyError):
        raise AssertionError("a refused attempt is never made")
