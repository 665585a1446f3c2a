"""Cart lines (product id → quantity) checked and priced against the tenant DB.

The session holds nothing but product ids and quantities; names, prices and stock are read from
the store's database every time, so a form field or a stale page can never set a price.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.cart.coupons import CouponInvalid, coupon_discount, find_coupon
from storefront.cart.models import Coupon
from storefront.catalog.models import Product, ProductStatus
from storefront.catalog.services import ProductCard
from storefront.catalog.translations import ProductNames

MAX_QUANTITY = 99
MAX_LINES = 50

CartLines = dict[int, int]


class CartError(Exception):
    """A cart change that cannot be made; the message is shown to the shopper."""


class ProductUnavailable(CartError):
    """The product does not exist or is not for sale."""


class NotEnoughStock(CartError):
    """More of a product was asked for than the store has."""


@dataclass(frozen=True)
class CartLine:
    product: ProductCard
    quantity: int

    @property
    def unit_price(self) -> Decimal:
        return self.product.unit_price

    @property
    def line_total(self) -> Decimal:
        return self.product.unit_price * self.quantity


@dataclass(frozen=True)
class PricedCart:
    """A cart as the store sees it right now."""

    lines: list[CartLine]
    subtotal: Decimal
    discount: Decimal = Decimal("0.00")
    coupon: Coupon | None = None
    coupon_error: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.lines


def load_products(session: Session, ids: Iterable[int], locale: str,
                  default_locale: str) -> dict[int, ProductCard]:
    """Active products by id, named in ``locale`` (falling back to the default locale)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    names = ProductNames(locale, default_locale)
    rows = session.execute(
        names.join(select(Product, names.name))
        .where(Product.id.in_(ids), Product.status == ProductStatus.ACTIVE)
    ).all()
    return {
        p.id: ProductCard(p.id, p.slug, p.sku, name, p.price, p.sale_price, p.stock)
        for p, name in rows
    }


def _product(session: Session, product_id: int, locale: str, default_locale: str) -> ProductCard:
    product = load_products(session, [product_id], locale, default_locale).get(product_id)
    if product is None:
        raise ProductUnavailable("That product is not available.")
    return product


def _checked(product: ProductCard, quantity: int) -> int:
    if quantity > MAX_QUANTITY:
        raise NotEnoughStock(f"You can buy at most {MAX_QUANTITY} of {product.name} at once.")
    if quantity > product.stock:
        if product.stock <= 0:
            raise NotEnoughStock(f"{product.name} is out of stock.")
        raise NotEnoughStock(f"Only {product.stock} of {product.name} left in stock.")
    return quantity


def add_to_cart(session: Session, lines: Mapping[int, int], product_id: int, quantity: int, *,
                locale: str, default_locale: str) -> CartLines:
    """The cart with ``quantity`` more of a product, checked against its stock."""
    if quantity < 1:
        raise CartError("Choose a quantity of at least 1.")
    product = _product(session, product_id, locale, default_locale)
    new = dict(lines)
    if product_id not in new and len(new) >= MAX_LINES:
        raise CartError(f"A cart holds at most {MAX_LINES} different products.")
    new[product_id] = _checked(product, new.get(product_id, 0) + quantity)
    return new


def set_quantity(session: Session, lines: Mapping[int, int], product_id: int, quantity: int, *,
                 locale: str, default_locale: str) -> CartLines:
    """The cart with a line's quantity replaced; 0 removes the line."""
    new = dict(lines)
    if quantity <= 0:
        new.pop(product_id, None)
        return new
    if product_id not in new:
        raise CartError("That product is not in your cart.")
    new[product_id] = _checked(_product(session, product_id, locale, default_locale), quantity)
    return new


def remove_line(lines: Mapping[int, int], product_id: int) -> CartLines:
    """The cart without a product."""
    return {pid: qty for pid, qty in lines.items() if pid != product_id}


def price_cart(session: Session, lines: Mapping[int, int], *, locale: str, default_locale: str,
               coupon_code: str | None = None, now: datetime, customer_id: int | None = None,
               email: str | None = None) -> PricedCart:
    """Price the cart from the DB: unavailable products dropped, quantities capped at stock."""
    products = load_products(session, lines, locale, default_locale)
    priced: list[CartLine] = []
    problems: list[str] = []
    for product_id, quantity in sorted(lines.items()):
        product = products.get(product_id)
        if product is None:
            problems.append("A product in your cart is no longer available and was removed.")
            continue
        if product.stock <= 0:
            problems.append(f"{product.name} is out of stock and was removed from your cart.")
            continue
        if quantity > product.stock:
            problems.append(f"Only {product.stock} of {product.name} left; "
                            "your quantity was reduced.")
            quantity = product.stock
        priced.append(CartLine(product, min(quantity, MAX_QUANTITY)))
    subtotal = sum((line.line_total for line in priced), Decimal("0.00"))
    cart = PricedCart(priced, subtotal, problems=problems)
    if not coupon_code or not priced:
        return cart
    try:
        coupon = find_coupon(session, coupon_code, subtotal, now, customer_id=customer_id,
                             email=email)
    except CouponInvalid as exc:
        return PricedCart(priced, subtotal, coupon_error=str(exc), problems=problems)
    return PricedCart(priced, subtotal, coupon_discount(coupon, subtotal), coupon,
                      problems=problems)
