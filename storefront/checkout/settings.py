"""Checkout settings a store keeps in ``stores.settings``: shipping, payment and tax.

    {"shipping_methods": [{"code": "standard", "name": "Standard", "price": "4.90",
                           "free_over": "50.00"}],
     "payment_methods": [{"code": "bank_transfer", "name": "Bank transfer",
                          "instructions": "IBAN …"}],
     "tax": {"rate": "0.20", "included": true, "label": "VAT"}}

Every key is optional; a store without them gets the defaults below.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ShippingMethod:
    code: str
    name: str
    price: Decimal
    free_over: Decimal | None = None

    def cost(self, goods: Decimal) -> Decimal:
        """The shipping cost for goods worth ``goods`` (after discount)."""
        if self.free_over is not None and goods >= self.free_over:
            return Decimal("0.00")
        return self.price


@dataclass(frozen=True)
class PaymentMethod:
    code: str
    name: str
    instructions: str = ""


@dataclass(frozen=True)
class TaxRule:
    rate: Decimal = Decimal("0")
    included: bool = True
    label: str = "Tax"


@dataclass(frozen=True)
class CheckoutSettings:
    shipping_methods: list[ShippingMethod]
    payment_methods: list[PaymentMethod]
    tax: TaxRule

    def shipping(self, code: str | None) -> ShippingMethod | None:
        return next((m for m in self.shipping_methods if m.code == code), None)

    def payment(self, code: str | None) -> PaymentMethod | None:
        return next((m for m in self.payment_methods if m.code == code), None)


DEFAULT_SHIPPING = [
    ShippingMethod("standard", "Standard delivery", Decimal("4.90"), Decimal("50.00")),
    ShippingMethod("express", "Express delivery", Decimal("12.90")),
]
DEFAULT_PAYMENT = [
    PaymentMethod("bank_transfer", "Bank transfer",
                  "We e-mail you our bank details; your order ships once payment arrives."),
    PaymentMethod("cash_on_delivery", "Cash on delivery", "Pay the courier on delivery."),
]


def _money(value: Any, default: Decimal | None = None) -> Decimal | None:
    if value is None or value == "":
        return default
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return default
    return amount.quantize(CENT) if amount.is_finite() and amount >= 0 else default


def _rate(value: Any) -> Decimal:
    try:
        rate = Decimal(str(value or 0))
    except (InvalidOperation, ValueError):
        return Decimal("0")
    return rate if rate.is_finite() and 0 <= rate <= 1 else Decimal("0")


def checkout_settings(settings: Mapping[str, Any] | None) -> CheckoutSettings:
    """The store's checkout settings, with sane defaults for anything missing or malformed."""
    settings = settings or {}
    shipping = [
        ShippingMethod(str(m["code"]), str(m.get("name") or m["code"]),
                       _money(m.get("price"), Decimal("0.00")) or Decimal("0.00"),
                       _money(m.get("free_over")))
        for m in settings.get("shipping_methods") or [] if isinstance(m, dict) and m.get("code")
    ]
    payment = [
        PaymentMethod(str(m["code"]), str(m.get("name") or m["code"]),
                      str(m.get("instructions") or ""))
        for m in settings.get("payment_methods") or [] if isinstance(m, dict) and m.get("code")
    ]
    tax_setting = settings.get("tax")
    raw_tax: Mapping[str, Any] = tax_setting if isinstance(tax_setting, dict) else {}
    tax = TaxRule(_rate(raw_tax.get("rate")), bool(raw_tax.get("included", True)),
                  str(raw_tax.get("label") or "Tax"))
    return CheckoutSettings(shipping or DEFAULT_SHIPPING, payment or DEFAULT_PAYMENT, tax)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal
    tax_included: bool
    tax_label: str


def order_totals(subtotal: Decimal, discount: Decimal, shipping: ShippingMethod | None,
                 tax: TaxRule) -> Totals:
    """Totals of an order: goods after discount, plus shipping, with tax included or added."""
    goods = subtotal - discount
    shipping_cost = shipping.cost(goods) if shipping is not None else Decimal("0.00")
    taxable = goods + shipping_cost
    if tax.rate <= 0:
        tax_amount = Decimal("0.00")
    elif tax.included:
        tax_amount = (taxable * tax.rate / (1 + tax.rate)).quantize(CENT, ROUND_HALF_UP)
    else:
        tax_amount = (taxable * tax.rate).quantize(CENT, ROUND_HALF_UP)
    total = taxable if tax.included else taxable + tax_amount
    return Totals(subtotal.quantize(CENT), discount.quantize(CENT), shipping_cost.quantize(CENT),
                  tax_amount, total.quantize(CENT), tax.included, tax.label)
