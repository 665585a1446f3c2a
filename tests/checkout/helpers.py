"""Helpers for shopping through the test client: CSRF tokens from the HTML, carts, checkouts."""
from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_store, tenant_engine

PRODUCTS = [
    {"slug": "mug", "name": "Mug", "price": "12.00", "stock": 10, "sku": "MUG"},
    {"slug": "tee", "name": "Tee", "price": "20.00", "sale_price": Decimal("15.00"), "stock": 5,
     "sku": "TEE"},
    {"slug": "cap", "name": "Cap", "price": "9.50", "stock": 3, "sku": "CAP"},
]
ADDRESS = {"name": "Ada Shopper", "line1": "1 Main Street", "city": "Springfield",
           "postal_code": "12345", "country": "us"}


def hidden_value(page: str, name: str) -> str:
    """The value of the (first) input called ``name`` in an HTML page."""
    for tag in re.findall(r"<input\b[^>]*>", page):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            found = re.search(r'\bvalue="([^"]*)"', tag)
            if found:
                return html.unescape(found.group(1))
    raise AssertionError(f"no input {name!r} with a value on the page")


def csrf_from(client: FlaskClient, path: str) -> str:
    """Fetch a form page and read its CSRF token, as a browser would have it."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return hidden_value(response.get_data(as_text=True), "csrf_token")


def add_to_cart(client: FlaskClient, slug: str, product_id: int, quantity: int = 1,
                **extra: Any) -> Any:
    token = csrf_from(client, f"/{slug}/account/login")
    return client.post(f"/{slug}/cart/add", data={"csrf_token": token, "product_id": product_id,
                                                   "quantity": quantity, **extra})


def apply_coupon(client: FlaskClient, slug: str, code: str) -> Any:
    token = csrf_from(client, f"/{slug}/cart")
    return client.post(f"/{slug}/cart/coupon", data={"csrf_token": token, "code": code})


def checkout_form(client: FlaskClient, slug: str, email: str = "ada@example.com",
                  **overrides: Any) -> dict[str, Any]:
    """The checkout form as a shopper would submit it (CSRF and idempotency token read)."""
    response = client.get(f"/{slug}/checkout")
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    data: dict[str, Any] = {
        "csrf_token": hidden_value(page, "csrf_token"),
        "token": hidden_value(page, "token"),
        "email": email,
        "billing_same": "y",
        "shipping_method": "standard",
        "payment_method": "bank_transfer",
        **{f"shipping-{k}": v for k, v in ADDRESS.items()},
    }
    data.update(overrides)
    return data


def order_number(response: Any) -> str:
    assert response.status_code == 303, (response.status_code, response.get_data(as_text=True))
    location = response.headers["Location"]
    match = re.search(r"/order/([^/?]+)$", location)
    assert match, location
    return match.group(1)


@contextmanager
def tenant(app: Flask, store_id: uuid.UUID) -> Iterator[Session]:
    """A session on the store's tenant DB, committed at the end."""
    engine = tenant_engine(app, store_id)
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session
    finally:
        engine.dispose()


def shop(app: Flask, slug: str = "shop", products: list[dict[str, Any]] | None = None,
         **options: Any) -> Any:
    """A store with the standard test products (ids 1, 2, 3)."""
    return make_store(app, slug, products=PRODUCTS if products is None else products, **options)


def add_coupon(app: Flask, store_id: uuid.UUID, code: str, kind: str = "percent",
               value: str = "10", **fields: Any) -> None:
    from storefront.cart.models import Coupon

    with tenant(app, store_id) as session:
        session.add(Coupon(code=code, kind=kind, value=Decimal(value), **fields))


def rows(app: Flask, store_id: uuid.UUID, model: Any, *where: Any) -> list[Any]:
    with tenant(app, store_id) as session:
        result = list(session.scalars(select(model).where(*where)))
        session.expunge_all()
        return result


def stock(app: Flask, store_id: uuid.UUID, product_id: int) -> int:
    from storefront.catalog.models import Product

    with tenant(app, store_id) as session:
        return session.get(Product, product_id).stock  # type: ignore[union-attr]


def jobs(app: Flask) -> list[Any]:
    from storefront.extensions import db
    from storefront.platform.models import Job

    with app.app_context():
        found = list(db.session.scalars(select(Job).order_by(Job.created_at)))
        db.session.expunge_all()
        return found
