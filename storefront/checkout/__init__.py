"""Checkout: turning a cart into an order in one tenant transaction, and its confirmation e-mail."""
from __future__ import annotations

from flask import Flask

from storefront.checkout.emails import ORDER_CONFIRMATION_JOB, send_order_confirmation
from storefront.platform.jobs import register_handler


def init_app(app: Flask) -> None:
    """Register the ``order_confirmation`` job."""
    registry = app.extensions.setdefault("job_handlers", {})
    register_handler(registry, ORDER_CONFIRMATION_JOB, send_order_confirmation)
