"""Catalog pages."""
from __future__ import annotations

from flask import Blueprint, render_template

from storefront.catalog.services import product_cards
from storefront.tenancy.session import current_shop, tenant_session

bp = Blueprint("catalog", __name__)


@bp.get("/")
def home() -> str:
    """The store's home page: its name and products."""
    shop = current_shop()
    products = product_cards(tenant_session(), shop.default_locale, shop.default_locale)
    return render_template("catalog/home.html", shop=shop, products=products)
