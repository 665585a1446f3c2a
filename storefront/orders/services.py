"""Reading a store's orders (checkout writes them)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.orders.models import Order


def customer_orders(session: Session, customer_id: int) -> list[Order]:
    """A customer's orders, newest first."""
    return list(session.scalars(
        select(Order).where(Order.customer_id == customer_id)
        .order_by(Order.created_at.desc(), Order.id.desc())
    ))
