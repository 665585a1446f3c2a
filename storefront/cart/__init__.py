"""The shopping cart: lines kept in the shopper's session per store, priced from the tenant DB."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g

from storefront.accounts.identity import current_customer_id
from storefront.cart.storage import load_cart


@dataclass(frozen=True)
class ShopperLinks:
    items: int
    signed_in: bool


def read_shopper_links() -> ShopperLinks | None:
    """Read what a theme's header shows of the cart and account (None outside a store); a
    sign-in's check may read the tenant DB, so this runs before the template renders."""
    if g.get("store") is None:
        return None
    links = ShopperLinks(sum(load_cart().values()), current_customer_id() is not None)
    g.shopper_links = links
    return links


def shopper_links() -> ShopperLinks | None:
    """What ``read_shopper_links`` read for this page; for templates, never a query."""
    links: ShopperLinks | None = g.get("shopper_links")
    return links


def init_app(app: Flask) -> None:
    """Offer ``shopper_links()`` to templates."""
    app.jinja_env.globals["shopper_links"] = shopper_links
