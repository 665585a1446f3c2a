"""Many shoppers submitting their checkout at the same instant, each from its own session."""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.checkout.helpers import add_to_cart, apply_coupon, checkout_form


@dataclass
class RaceResult:
    statuses: list[int]
    pages: list[str]
    seconds: float
    errors: list[BaseException] = field(default_factory=list)

    @property
    def counts(self) -> Counter[int]:
        return Counter(self.statuses)


def prepare_shoppers(app: Flask, slug: str, count: int,
                     cart: Callable[[FlaskClient, int], None],
                     coupon: str | None = None) -> list[tuple[FlaskClient, dict[str, Any]]]:
    """``count`` browsers, each with a filled cart and its checkout form ready to submit."""
    shoppers = []
    for i in range(count):
        client = app.test_client()
        cart(client, i)
        if coupon:
            apply_coupon(client, slug, coupon)
        shoppers.append((client, checkout_form(client, slug, email=f"shopper{i}@example.com")))
    return shoppers


def race(slug: str, shoppers: list[tuple[FlaskClient, dict[str, Any]]]) -> RaceResult:
    """Submit every shopper's checkout at once (threads released together by a barrier)."""
    barrier = threading.Barrier(len(shoppers))
    statuses: list[int] = [0] * len(shoppers)
    pages: list[str] = [""] * len(shoppers)
    errors: list[BaseException] = []

    def submit(index: int) -> None:
        client, form = shoppers[index]
        try:
            barrier.wait(30)
            response = client.post(f"/{slug}/checkout", data=form)
            statuses[index] = response.status_code
            pages[index] = response.get_data(as_text=True)
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(shoppers))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return RaceResult(statuses, pages, time.perf_counter() - started, errors)


def one_of(product_id: int, quantity: int = 1,
           slug: str = "shop") -> Callable[[FlaskClient, int], None]:
    """A cart filler: ``quantity`` of one product."""
    def fill(client: FlaskClient, _index: int) -> None:
        add_to_cart(client, slug, product_id, quantity)
    return fill
