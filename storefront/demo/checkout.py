"""Demo data for the buying flow: coupons, confirmation e-mail templates, checkout settings."""
from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.cart.models import Coupon
from storefront.checkout.emails import TEMPLATE_KEY, default_source
from storefront.mail.models import EmailTemplate
from storefront.models_base import TenantStore
from storefront.platform import provisioning

DEMO_COUPONS = [
    {"code": "WELCOME10", "kind": "percent", "value": Decimal("10"), "per_customer_limit": 1},
    {"code": "SAVE5", "kind": "fixed", "value": Decimal("5.00"), "min_subtotal": Decimal("30.00"),
     "usage_limit": 100},
]

DEMO_SETTINGS = {
    "shipping_methods": [
        {"code": "standard", "name": "Standard delivery (3–5 days)", "price": "4.90",
         "free_over": "50.00"},
        {"code": "express", "name": "Express delivery (next day)", "price": "12.90"},
        {"code": "pickup", "name": "Pick up in store", "price": "0.00"},
    ],
    "payment_methods": [
        {"code": "bank_transfer", "name": "Bank transfer",
         "instructions": "Please transfer the total to IBAN DE00 0000 0000 0000 0000 00 with "
                         "your order number as the reference."},
        {"code": "cash_on_delivery", "name": "Cash on delivery",
         "instructions": "Pay the courier when your parcel arrives."},
    ],
    "tax": {"rate": "0.19", "included": True, "label": "VAT"},
}

GERMAN = {
    "subject": "{{ shop.name }}: Ihre Bestellung {{ order.number }}",
    "text_body": """Hallo {{ customer_name or order.email }},

vielen Dank für Ihre Bestellung {{ order.number }} bei {{ shop.name }} ({{ order.date }}).

{% for line in order.lines %}
{{ line.quantity }} x {{ line.name }} ({{ line.sku }})  {{ line.line_total }}
{% endfor %}

Zwischensumme: {{ order.subtotal }}
{% if order.discount %}Rabatt ({{ order.coupon_code }}): -{{ order.discount }}
{% endif %}
Versand ({{ order.shipping_method }}): {{ order.shipping }}
Gesamt: {{ order.total }}{% if order.tax %} (inkl. {{ order.tax }} MwSt.){% endif %}

Zahlung: {{ order.payment_method }}
{{ order.payment_instructions }}

{{ shop.name }}
""",
    "html_body": """<h1>Vielen Dank für Ihre Bestellung</h1>
<p>Hallo {{ customer_name or order.email }}, Ihre Bestellung <strong>{{ order.number }}</strong>
bei {{ shop.name }} ist eingegangen.</p>
<ul>{% for line in order.lines %}
<li>{{ line.quantity }} × {{ line.name }}: {{ line.line_total }}</li>{% endfor %}</ul>
<p>Gesamt: <strong>{{ order.total }}</strong>{% if order.discount %}
(Rabatt {{ order.coupon_code }}: −{{ order.discount }}){% endif %}</p>
<p>Zahlung: {{ order.payment_method }}. {{ order.payment_instructions }}</p>
""",
}


def seed_checkout_demo(session: Session, store_id: uuid.UUID) -> None:
    """Add what is missing of the demo coupons, e-mail templates and checkout settings."""
    shop = session.get(TenantStore, store_id)
    if shop is None:
        return
    shop.settings = {**DEMO_SETTINGS, **(shop.settings or {})}
    for spec in DEMO_COUPONS:
        if session.scalar(select(Coupon.id).where(Coupon.code == spec["code"])) is None:
            session.add(Coupon(**spec))
    english = default_source()
    for locale in shop.locales or [shop.default_locale]:
        exists = session.scalar(select(EmailTemplate.id).where(
            EmailTemplate.key == TEMPLATE_KEY, EmailTemplate.locale == locale))
        if exists is not None:
            continue
        if locale.startswith("de"):
            session.add(EmailTemplate(key=TEMPLATE_KEY, locale=locale, **GERMAN))
        else:
            session.add(EmailTemplate(key=TEMPLATE_KEY, locale=locale, subject=english.subject,
                                      html_body=english.html_body, text_body=english.text_body))
    session.flush()


def seed_checkout_demo_at(url: str, store_id: uuid.UUID) -> None:
    """``seed_checkout_demo`` on the tenant DB at ``url``, committed."""
    with provisioning.engine_at(url) as engine, Session(engine) as session, \
            session.begin():
        seed_checkout_demo(session, store_id)
