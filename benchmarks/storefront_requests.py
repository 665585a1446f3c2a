"""Benchmark: storefront page latency and throughput across many stores.

Creates a throw-away instance (SQLite by default, ``--pg`` for the PostgreSQL at
``TEST_PG_URL``/``PGHOST``…), N stores with products, then times requests round-robin over the
stores through the WSGI app, with an engine limit below the store count so the connection
manager evicts. Prints its figures; asserts nothing.

    python benchmarks/storefront_requests.py [--stores 20] [--requests 2000] [--limit 8] [--pg]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import NullPool, create_engine, text  # noqa: E402

from storefront import create_app  # noqa: E402
from storefront.extensions import db  # noqa: E402
from storefront.platform.cli import store_service, upgrade_master  # noqa: E402
from storefront.platform.services import create_user  # noqa: E402
from tests.factories import add_products  # noqa: E402


def pg_server() -> str:
    import os

    return os.environ.get("TEST_PG_URL") or (
        f"postgresql://{os.environ.get('PGUSER', 'postgres')}@"
        f"{os.environ.get('PGHOST', '127.0.0.1')}:{os.environ.get('PGPORT', '5432')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--products", type=int, default=24)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--limit", type=int, default=8, help="tenant engine limit")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="sf-bench-"))
    prefix = f"sfb_{uuid.uuid4().hex[:8]}_"
    admin = None
    if args.pg:
        admin = create_engine(pg_server().replace("postgresql://", "postgresql+psycopg://", 1)
                              + "/postgres", isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{prefix}master"'))
        master = f"{pg_server()}/{prefix}master"
        template = f"{pg_server()}/{prefix}{{store_id}}"
    else:
        master = f"sqlite:///{tmp / 'master.db'}"
        template = f"sqlite:///{tmp / 'tenants' / '{store_id}.db'}"
    app = create_app({
        "INSTANCE_PATH": str(tmp / "instance"), "MASTER_DB_URL": master,
        "TENANT_DB_URL_TEMPLATE": template, "ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "SECRET_KEY": "bench", "TENANT_ENGINE_LIMIT": args.limit,
    })
    try:
        started = time.perf_counter()
        with app.app_context():
            upgrade_master()
            create_user(db.session, "bench@example.com", "bench-password")
            service = store_service()
            slugs = []
            for i in range(args.stores):
                store = service.create(owner_email="bench@example.com", slug=f"bench-{i:04d}",
                                       name=f"Bench store {i}")
                add_products(service.tenant_url(store.id), [
                    {"slug": f"product-{p}", "name": f"Product {p} of store {i}",
                     "price": f"{p + 1}.99"} for p in range(args.products)
                ])
                slugs.append(store.slug)
        setup = time.perf_counter() - started
        print(f"backend: {'postgresql' if args.pg else 'sqlite'}; {args.stores} stores "
              f"x {args.products} products; engine limit {args.limit}; "
              f"setup {setup:.1f}s ({setup / args.stores * 1000:.0f} ms per store create)")

        client = app.test_client()
        for slug in slugs:  # warm the store-resolution cache once
            client.get(f"/{slug}/")

        def one(i: int) -> float:
            slug = slugs[i % len(slugs)]
            t0 = time.perf_counter()
            response = app.test_client().get(f"/{slug}/")
            elapsed = time.perf_counter() - t0
            if response.status_code != 200:
                raise SystemExit(f"/{slug}/ answered {response.status_code}")
            return elapsed

        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            latencies = sorted(pool.map(one, range(args.requests)))
        wall = time.perf_counter() - t0
        q = statistics.quantiles(latencies, n=100)
        print(f"home page, {args.requests} requests over {args.threads} threads: "
              f"{args.requests / wall:.0f} req/s; p50 {q[49] * 1000:.1f} ms, "
              f"p95 {q[94] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms")
        print(f"open tenant engines at the end: {len(app.extensions['tenant_connections'])} "
              f"(limit {args.limit})")
    finally:
        app.extensions["tenant_connections"].dispose_all()
        with app.app_context():
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as c:
                for name in c.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                                      {"p": prefix + "%"}).scalars().all():
                    c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
