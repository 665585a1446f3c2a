"""The connection manager: bounded, LRU, thread-safe, never cutting off a checked-out engine."""
from __future__ import annotations

import threading
import uuid

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from storefront.tenancy.connections import ConnectionManager
from tests.conftest import Databases
from tests.factories import make_store


def test_never_more_engines_than_the_bound(app: Flask, client: FlaskClient) -> None:
    manager = app.extensions["tenant_connections"]
    manager.limit = 2
    slugs = [f"store-{i}" for i in range(5)]
    for slug in slugs:
        make_store(app, slug, products=[{"slug": "p", "name": f"Product of {slug}"}])
    for _ in range(3):
        for slug in slugs:
            response = client.get(f"/{slug}/")
            assert response.status_code == 200
            assert f"Product of {slug}" in response.get_data(as_text=True)
            assert len(manager) <= 2
    assert len(manager) == 2


def test_lru_eviction_keeps_recently_used(databases: Databases, tmp_path) -> None:
    from storefront.platform import provisioning

    urls = {}
    for _ in range(3):
        store_id = uuid.uuid4()
        urls[store_id] = databases.tenant_url(store_id)
        provisioning.create_database(urls[store_id])
    try:
        loads: list[uuid.UUID] = []

        def load(store_id: uuid.UUID) -> str:
            loads.append(store_id)
            return urls[store_id]

        manager = ConnectionManager(load, limit=2)
        a, b, c = urls
        engine_a = manager.engine_for(a, 1)
        manager.engine_for(b, 1)
        assert manager.engine_for(a, 1) is engine_a  # a is now most recent
        manager.engine_for(c, 1)  # evicts b
        assert manager.engine_for(a, 1) is engine_a
        manager.engine_for(b, 1)
        assert loads == [a, b, c, b]
        # A new credential version replaces the store's engine.
        assert manager.engine_for(a, 2) is not engine_a
        assert len(manager) == 2
        manager.dispose_all()
    finally:
        for url in urls.values():
            provisioning.drop_database(url)


def test_evicted_engine_in_use_is_disposed_only_after_checkin(databases: Databases) -> None:
    from storefront.platform import provisioning

    urls = {uuid.uuid4(): None for _ in range(2)}
    for store_id in urls:
        urls[store_id] = databases.tenant_url(store_id)
        provisioning.create_database(urls[store_id])
    try:
        manager = ConnectionManager(lambda sid: urls[sid], limit=1)
        first, second = urls
        engine = manager.engine_for(first, 1)
        connection = engine.connect()
        manager.engine_for(second, 1)  # evicts the first while it is checked out
        assert connection.execute(text("SELECT 1")).scalar() == 1  # still usable
        assert manager._retiring == [engine]
        connection.close()
        manager.engine_for(second, 1)  # the next call disposes it
        assert manager._retiring == []
        manager.dispose_all()
    finally:
        for url in urls.values():
            provisioning.drop_database(url)


def test_concurrent_lookups_share_one_engine(databases: Databases) -> None:
    from storefront.platform import provisioning

    store_id = uuid.uuid4()
    url = databases.tenant_url(store_id)
    provisioning.create_database(url)
    try:
        manager = ConnectionManager(lambda _sid: url, limit=4)
        barrier = threading.Barrier(8)
        engines = []
        lock = threading.Lock()

        def get() -> None:
            barrier.wait()
            engine = manager.engine_for(store_id, 1)
            with lock:
                engines.append(engine)

        threads = [threading.Thread(target=get) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len({id(e) for e in engines}) == 1
        assert len(manager) == 1
        manager.dispose_all()
    finally:
        provisioning.drop_database(url)


def test_tenant_session_is_closed_even_when_the_view_raises(app: Flask) -> None:
    from flask import g

    from storefront.tenancy.session import tenant_session

    store = make_store(app, "acme")
    manager = app.extensions["tenant_connections"]

    @app.get("/explode-in-tenant")
    def explode() -> str:
        from storefront.tenancy.resolve import resolve_store

        g.store = resolve_store("acme")
        tenant_session().execute(text("SELECT 1"))
        raise RuntimeError("boom")

    response = app.test_client().get("/explode-in-tenant")
    assert response.status_code == 500
    assert "boom" not in response.get_data(as_text=True)
    engine = manager.engine_for(store.id, 1)
    assert engine.pool.checkedout() == 0
