"""The connection manager: one small-pooled engine per tenant, a bounded LRU of them per process."""
from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy import Engine

from storefront.platform.tenant_dbs import make_tenant_engine

CredentialLoader = Callable[[uuid.UUID], str]


class ConnectionManager:
    """Thread-safe LRU map of tenant engines keyed by (store id, credential version).

    At most ``limit`` engines are kept. An evicted engine's pool is disposed once none of its
    connections is checked out, so a request in flight on it is never cut off.
    """

    def __init__(self, load_url: CredentialLoader, limit: int = 64, pgbouncer: bool = False):
        if limit < 1:
            raise ValueError("the engine limit must be at least 1")
        self._load_url = load_url
        self.limit = limit
        self._pgbouncer = pgbouncer
        self._engines: OrderedDict[tuple[uuid.UUID, int], Engine] = OrderedDict()
        self._retiring: list[Engine] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._engines)

    def engine_for(self, store_id: uuid.UUID, version: int) -> Engine:
        """The engine for this store's current credential, created on first use."""
        key = (store_id, version)
        with self._lock:
            self._dispose_idle_retired()
            engine = self._engines.get(key)
            if engine is not None:
                self._engines.move_to_end(key)
                return engine
        # Master is read outside the lock so one slow lookup does not stall every thread.
        url = self._load_url(store_id)
        engine = make_tenant_engine(url, pgbouncer=self._pgbouncer)
        with self._lock:
            existing = self._engines.get(key)
            if existing is not None:
                engine.dispose()
                self._engines.move_to_end(key)
                return existing
            for old_key in [k for k in self._engines if k[0] == store_id]:
                self._retire(self._engines.pop(old_key))
            self._engines[key] = engine
            while len(self._engines) > self.limit:
                _, evicted = self._engines.popitem(last=False)
                self._retire(evicted)
            return engine

    def dispose_all(self) -> None:
        with self._lock:
            for engine in [*self._engines.values(), *self._retiring]:
                engine.dispose()
            self._engines.clear()
            self._retiring.clear()

    def _retire(self, engine: Engine) -> None:
        if _checked_out(engine):
            self._retiring.append(engine)
        else:
            engine.dispose()

    def _dispose_idle_retired(self) -> None:
        still_busy = []
        for engine in self._retiring:
            if _checked_out(engine):
                still_busy.append(engine)
            else:
                engine.dispose()
        self._retiring = still_busy


def _checked_out(engine: Engine) -> int:
    checkedout = getattr(engine.pool, "checkedout", None)
    return checkedout() if callable(checkedout) else 0
