"""The shopping cart: lines kept in the shopper's session per store, priced from the tenant DB."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g


@dataclass(frozen=True)
class ShopperLinks:
    items: int
    signed_in: bool


def shopper_links() -> ShopperLinks | None:
    """What a theme's header shows of the cart and account (None outside a store)."""
    if g.get("store") is None:
        return None
    from storefront.accounts.identity import current_customer_id
    from storefront.cart.storage import load_cart

    return ShopperLinks(sum(load_cart().values()), current_customer_id() is not None)


def init_app(app: Flask) -> None:
    """Offer ``shopper_links()`` to templates and the German strings of the shopping pages."""
    from storefront.cart.messages import register_messages

    app.jinja_env.globals["shopper_links"] = shopper_links
    register_messages()
