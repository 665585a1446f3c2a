"""Locale-aware formatting of money and dates for templates (Babel)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from flask import Flask


def money(value: Decimal | int | None, currency: str, locale: str = "en") -> str:
    """``Decimal('1234.5'), 'EUR', 'de'`` → ``1.234,50 €``."""
    if value is None:
        return ""
    return format_currency(value, currency, locale=locale.replace("-", "_"))


def date(value: datetime | None, locale: str = "en", style: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, format=style, locale=locale.replace("-", "_"))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["date"] = date
