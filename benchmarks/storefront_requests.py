"""Benchmark: storefront page latency and throughput across many stores.

Creates a throw-away instance (SQLite by default, ``--pg`` for the PostgreSQL at
``TEST_PG_URL``/``PGHOST``…), N stores with products, then times requests round-robin over the
stores through the WSGI app, with an engine limit below the store count so the connection
manager evicts. Runs twice: with the whole-page cache off (every request renders from the tenant
DB) and on. Prints its figures; asserts nothing.

    python benchmarks/storefront_requests.py [--stores 20] [--requests 2000] [--limit 8] [--pg]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402

from benchmarks.instance import throwaway_instance  # noqa: E402
from storefront.extensions import db  # noqa: E402
from storefront.platform.cli import store_service  # noqa: E402
from storefront.platform.users import create_user  # noqa: E402
from tests.factories import add_products  # noqa: E402


def create_stores(app: Flask, stores: int, products: int) -> list[str]:
    with app.app_context():
        create_user(db.session(), "bench@example.com", "bench-password")
        service = store_service()
        slugs = []
        for i in range(stores):
            store = service.create(owner_email="bench@example.com", slug=f"bench-{i:04d}",
                                   name=f"Bench store {i}")
            add_products(service.tenant_url(store.id), [
                {"slug": f"product-{p}", "name": f"Product {p} of store {i}",
                 "price": f"{p + 1}.99"} for p in range(products)
            ])
            slugs.append(store.slug)
    return slugs


def time_requests(app: Flask, slugs: list[str], requests: int, threads: int) -> str:
    for slug in slugs:  # warm the store-resolution cache once
        app.test_client(use_cookies=False).get(f"/{slug}/")

    def one(i: int) -> float:
        slug = slugs[i % len(slugs)]
        started = time.perf_counter()
        response = app.test_client(use_cookies=False).get(f"/{slug}/")
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"/{slug}/ answered {response.status_code}")
        return elapsed

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        latencies = sorted(pool.map(one, range(requests)))
    wall = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return (f"{requests / wall:.0f} req/s; p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, "
            f"p99 {q[98] * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--products", type=int, default=24)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--limit", type=int, default=8, help="tenant engine limit")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()

    with throwaway_instance(args.pg, TENANT_ENGINE_LIMIT=args.limit) as app:
        started = time.perf_counter()
        slugs = create_stores(app, args.stores, args.products)
        setup = time.perf_counter() - started
        print(f"backend: {'postgresql' if args.pg else 'sqlite'}; {args.stores} stores "
              f"x {args.products} products; engine limit {args.limit}; "
              f"{setup / args.stores * 1000:.0f} ms per store create (+ its products)")
        for cached in (False, True):
            app.config["PAGE_CACHE_ENABLED"] = cached
            figures = time_requests(app, slugs, args.requests, args.threads)
            print(f"home page, page cache {'on ' if cached else 'off'}, {args.requests} requests "
                  f"over {args.threads} threads: {figures}")
        print(f"open tenant engines at the end: {len(app.extensions['tenant_connections'])} "
              f"(limit {args.limit})")


if __name__ == "__main__":
    main()
