"""The order confirmation e-mail: queued in master at checkout, rendered and sent by the worker.

Master and tenant are two databases with no transaction across them. The job is committed to
master *before* the tenant transaction that holds the order commits (see ``views.submit``), and
carries only the store id and the order's idempotency key; the worker re-reads the order from
the tenant DB and sends only if it is there. So:

- an order that committed always has its job (the job committed first, or the request failed
  before the tenant commit and there is no order);
- an order that rolled back is never mailed: the worker finds no order with that key, retries
  a few times (the tenant commit may simply not have landed yet) and then marks the job dead;
- the job id is derived from (store, key), so a resubmitted form never queues a second e-mail.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from storefront.checkout.settings import checkout_settings
from storefront.config import PROJECT_ROOT
from storefront.extensions import db
from storefront.formatting import date as format_date
from storefront.formatting import money
from storefront.mail.models import EmailTemplate
from storefront.mail.rendering import EmailSource, EmailTemplateError, render_email
from storefront.mail.sending import DEFAULT_SENDER, build_message, send_message
from storefront.models_base import TenantStore
from storefront.orders.models import Order
from storefront.platform.jobs import PermanentJobError, RetryLater, enqueue
from storefront.platform.models import Store, StoreDatabase

log = logging.getLogger(__name__)

ORDER_CONFIRMATION_JOB = "order_confirmation"
TEMPLATE_KEY = "order_confirmation"
DEFAULT_TEMPLATE_DIR = PROJECT_ROOT / "templates" / "email"


def queue_order_confirmation(master: Session, store_id: uuid.UUID, order: Order) -> uuid.UUID:
    """Queue the confirmation job for ``order`` in master (flushed; at most once per order)."""
    key = order.idempotency_key or order.number
    return enqueue(master, ORDER_CONFIRMATION_JOB,
                   {"store_id": str(store_id), "order_key": key, "order_number": order.number},
                   dedupe_key=f"{store_id}:{key}", max_attempts=6)


def default_source(name: str = TEMPLATE_KEY) -> EmailSource:
    """The platform's own template, used when a store has none (or its own fails)."""
    folder = Path(DEFAULT_TEMPLATE_DIR)
    return EmailSource(
        subject=(folder / f"{name}.subject.txt").read_text(encoding="utf-8"),
        html_body=(folder / f"{name}.html").read_text(encoding="utf-8"),
        text_body=(folder / f"{name}.txt").read_text(encoding="utf-8"),
    )


def store_source(session: Session, locale: str | None, default_locale: str) -> EmailSource | None:
    """The store's own confirmation template in the order's locale (or its default locale)."""
    for wanted in dict.fromkeys([locale or default_locale, default_locale]):
        row = session.scalar(select(EmailTemplate).where(EmailTemplate.key == TEMPLATE_KEY,
                                                         EmailTemplate.locale == wanted))
        if row is not None:
            return EmailSource(row.subject, row.html_body, row.text_body)
    return None


def order_email_context(shop: TenantStore, order: Order) -> dict[str, Any]:
    """Plain values only (no ORM objects, no app): all a store template can ever see."""
    locale = order.locale or shop.default_locale
    settings = checkout_settings(shop.settings)
    shipping = settings.shipping(order.shipping_method)
    payment = settings.payment(order.payment_method)

    def fmt(value: Any) -> str:
        return money(value, order.currency, locale)

    return {
        "shop": {"name": shop.name, "email": shop.email or "", "currency": shop.currency},
        "order": {
            "number": order.number,
            "email": order.email,
            "date": format_date(order.created_at, locale),
            "subtotal": fmt(order.subtotal),
            "discount": fmt(order.discount) if order.discount else "",
            "shipping": fmt(order.shipping),
            "tax": fmt(order.tax) if order.tax else "",
            "total": fmt(order.total),
            "coupon_code": order.coupon_code or "",
            "shipping_method": shipping.name if shipping else (order.shipping_method or ""),
            "payment_method": payment.name if payment else (order.payment_method or ""),
            "payment_instructions": payment.instructions if payment else "",
            "shipping_address": {k: str(v or "") for k, v in order.shipping_address.items()},
            "billing_address": {k: str(v or "") for k, v in order.billing_address.items()},
            "lines": [
                {"name": item.name, "sku": item.sku, "quantity": item.quantity,
                 "unit_price": fmt(item.unit_price), "line_total": fmt(item.line_total)}
                for item in order.items
            ],
        },
        "customer_name": str(order.shipping_address.get("name") or ""),
    }


def _sender(shop: TenantStore) -> str:
    configured = current_app.config.get("MAIL_SENDER", DEFAULT_SENDER)
    _name, address = parseaddr(configured)
    return formataddr((shop.name, address or "no-reply@storefront.invalid"))


def _tenant_session(store_id: uuid.UUID) -> Session:
    store = db.session.get(Store, store_id)
    if store is None or store.deleted_at is not None:
        raise PermanentJobError(f"store {store_id} no longer exists")
    version = db.session.scalar(
        select(StoreDatabase.version).where(StoreDatabase.store_id == store_id)
    )
    engine = current_app.extensions["tenant_connections"].engine_for(store_id, version or 0)
    return Session(engine, expire_on_commit=False)


def send_order_confirmation(payload: Mapping[str, Any]) -> str | None:
    """Job ``order_confirmation``: render the store's template for the order and send it.

    Returns a note for the job (a store template that failed, replaced by the built-in one).
    """
    store_id = uuid.UUID(str(payload["store_id"]))
    with _tenant_session(store_id) as session:
        order = session.scalar(
            select(Order).where(Order.idempotency_key == str(payload["order_key"]))
            .options(selectinload(Order.items))
        )
        if order is None:
            raise RetryLater(f"order {payload.get('order_number')} is not in the store's database "
                             "(its checkout has not committed yet, or rolled back)")
        shop = session.get(TenantStore, store_id)
        if shop is None:
            raise PermanentJobError(f"store {store_id} has no stores row in its tenant DB")
        context = order_email_context(shop, order)
        source = store_source(session, order.locale, shop.default_locale)
    note = None
    try:
        rendered = render_email(source or default_source(), context)
    except EmailTemplateError as exc:
        # The store's template is broken or hostile: the shopper still gets a confirmation.
        note = f"the store's {TEMPLATE_KEY} template failed, sent the built-in one: {exc}"
        log.warning("store %s: %s", store_id, note)
        rendered = render_email(default_source(), context)
    message = build_message(rendered, to=order.email, sender=_sender(shop),
                            reply_to=shop.email or None)
    send_message(current_app.config.get("SMTP_URL"), message)
    return note
