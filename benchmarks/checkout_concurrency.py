"""Benchmark: shoppers racing for the last units and for a limited coupon.

Creates a throw-away instance (PostgreSQL at ``TEST_PG_URL``/``PGHOST``… by default, ``--sqlite``
for SQLite files), one store, then for each round lets N shoppers (each its own session and DB
connection, released together by a barrier) submit their checkout at once: first for a product
with ``--stock`` units, then for a coupon limited to ``--limit`` uses. Prints attempts, orders,
final stock / coupon uses and how each refusal came about; exits non-zero if an invariant broke.

    python benchmarks/checkout_concurrency.py [--shoppers 20] [--stock 3] [--limit 5]
                                              [--rounds 3] [--sqlite]
"""
from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.instance import throwaway_instance  # noqa: E402
from storefront.cart.models import Coupon  # noqa: E402
from storefront.orders.models import Order  # noqa: E402
from tests.checkout.helpers import add_coupon, rows, stock  # noqa: E402
from tests.checkout.races import one_of, prepare_shoppers, race  # noqa: E402
from tests.factories import make_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=20)
    parser.add_argument("--stock", type=int, default=3)
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    args = parser.parse_args()

    broken = False
    with throwaway_instance(not args.sqlite) as app:
        print(f"backend: {'sqlite' if args.sqlite else 'postgresql'}; {args.shoppers} shoppers "
              f"per round; {args.rounds} rounds")
        for round_ in range(args.rounds):
            slug = f"race-{round_}"
            store = make_store(app, slug, products=[
                {"slug": "last", "name": "Last units", "price": "50.00", "stock": args.stock},
                {"slug": "plenty", "name": "Plenty", "price": "20.00",
                 "stock": args.shoppers * 2},
            ])
            result = race(slug, prepare_shoppers(app, slug, args.shoppers, one_of(1, slug=slug)))
            orders = len(rows(app, store.id, Order))
            left = stock(app, store.id, 1)
            by_update = sum("just sold out" in p for p in result.pages)
            ok = orders == args.stock and left == 0 and not result.errors
            broken |= not ok
            print(f"  stock round {round_ + 1}: {args.shoppers} attempts, {orders} orders, final "
                  f"stock {left}; answers {dict(result.counts)}; refused by the conditional "
                  f"UPDATE {by_update}, by re-pricing {args.shoppers - orders - by_update}; "
                  f"{result.seconds * 1000:.0f} ms{'' if ok else '  <-- BROKEN'}")

            add_coupon(app, store.id, "LIMITED", "fixed", "5.00", usage_limit=args.limit)
            result = race(slug, prepare_shoppers(app, slug, args.shoppers,
                                                 one_of(2, slug=slug), coupon="LIMITED"))
            discounted = [o for o in rows(app, store.id, Order)
                          if o.coupon_code == "LIMITED" and o.discount == Decimal("5.00")]
            [coupon] = rows(app, store.id, Coupon)
            by_update = sum("just been used up" in p for p in result.pages)
            ok = len(discounted) == args.limit == coupon.used_count and not result.errors
            broken |= not ok
            print(f"  coupon round {round_ + 1}: {args.shoppers} attempts, limit {args.limit}, "
                  f"{len(discounted)} discounted orders, used_count {coupon.used_count}; answers "
                  f"{dict(result.counts)}; refused by the conditional UPDATE {by_update}; "
                  f"{result.seconds * 1000:.0f} ms{'' if ok else '  <-- BROKEN'}")
    if broken:
        raise SystemExit("an invariant broke")


if __name__ == "__main__":
    main()
