"""Cart pages: ``GET /<s>/cart`` and ``POST /<s>/cart/{add,update,remove,coupon}``."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from storefront.accounts.identity import current_customer_id
from storefront.cart.coupons import CouponInvalid, find_coupon
from storefront.cart.forms import AddToCartForm, CouponForm, RemoveLineForm, UpdateLineForm
from storefront.cart.services import (
    CartError,
    add_to_cart,
    price_cart,
    remove_line,
    set_quantity,
)
from storefront.cart.storage import load_cart, save_cart, save_coupon, saved_coupon
from storefront.i18n import current_locale
from storefront.models_base import utcnow
from storefront.tenancy.notices import notify
from storefront.tenancy.page_cache import no_store
from storefront.tenancy.session import current_shop, tenant_session

bp = Blueprint("cart", __name__)


bp.after_request(no_store)


def _to_cart() -> BaseResponse:
    return redirect(url_for("store.cart.view"), code=303)


@bp.get("/cart")
def view() -> str:
    """The cart, priced now from the store's database."""
    shop = current_shop()
    locale = current_locale()
    cart = price_cart(tenant_session(), load_cart(), locale=locale,
                      default_locale=shop.default_locale, coupon_code=saved_coupon(),
                      now=utcnow(), customer_id=current_customer_id())
    return render_template("cart/cart.html", shop=shop, locale=locale, cart=cart,
                           coupon_form=CouponForm(code=saved_coupon() or ""))


@bp.post("/cart/add")
def add() -> BaseResponse:
    """Add a product (by id) to the cart."""
    return _change_line(AddToCartForm(), add_to_cart, "Added to your cart.")


@bp.post("/cart/update")
def update() -> BaseResponse:
    """Change a line's quantity (0 removes it)."""
    return _change_line(UpdateLineForm(), set_quantity)


def _change_line(form: AddToCartForm | UpdateLineForm, change: Any,
                 success: str | None = None) -> BaseResponse:
    """Validate the form, apply ``change`` (add or set) to the cart, say how it went."""
    if not form.validate():
        notify("Please choose a valid product and quantity.", "error")
        return _to_cart()
    shop = current_shop()
    try:
        lines = change(tenant_session(), load_cart(), form.product_id.data or 0,
                       form.quantity.data or 0, locale=current_locale(),
                       default_locale=shop.default_locale)
    except CartError as exc:
        notify(str(exc), "error")
        return _to_cart()
    save_cart(lines)
    if success:
        notify(success, "success")
    return _to_cart()


@bp.post("/cart/remove")
def remove() -> BaseResponse:
    """Remove a line."""
    form = RemoveLineForm()
    if form.validate():
        save_cart(remove_line(load_cart(), form.product_id.data or 0))
    return _to_cart()


@bp.post("/cart/coupon")
def apply_coupon() -> BaseResponse:
    """Apply a coupon code to the cart, if this cart may use it."""
    form = CouponForm()
    if not form.validate():
        notify("Enter a coupon code.", "error")
        return _to_cart()
    shop = current_shop()
    cart = price_cart(tenant_session(), load_cart(), locale=current_locale(),
                      default_locale=shop.default_locale, now=utcnow())
    try:
        coupon = find_coupon(tenant_session(), form.code.data or "", cart.subtotal, utcnow(),
                             customer_id=current_customer_id())
    except CouponInvalid as exc:
        notify(str(exc), "error")
        return _to_cart()
    save_coupon(coupon.code)
    notify(f"Coupon {coupon.code} applied.", "success")
    return _to_cart()


@bp.post("/cart/coupon/remove")
def remove_coupon() -> BaseResponse:
    """Take the coupon off the cart."""
    save_coupon(None)
    return _to_cart()

