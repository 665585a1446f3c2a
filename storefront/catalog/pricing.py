"""The price a shopper pays: the sale price when one is set and lower than the list price.

One rule, in Python for what a page or the cart shows and in SQL for sorting by price.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case

from storefront.catalog.models import Product


def on_sale(price: Decimal, sale_price: Decimal | None) -> bool:
    """Whether the sale price applies (set, and lower than the list price)."""
    return sale_price is not None and sale_price < price


def effective_price(price: Decimal, sale_price: Decimal | None) -> Decimal:
    """The price a shopper pays now."""
    return sale_price if sale_price is not None and sale_price < price else price


def effective_price_column() -> ColumnElement[Decimal]:
    """``effective_price`` of each product row, in SQL."""
    return case(
        (and_(Product.sale_price.is_not(None), Product.sale_price < Product.price),
         Product.sale_price),
        else_=Product.price,
    )
