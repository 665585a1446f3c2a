"""``/<s>/checkout`` (form, submit) and ``/<s>/order/<number>`` (confirmation)."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, g, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from storefront.accounts.identity import (
    browser_nonce,
    current_customer_id,
    placed_here,
    remember_order,
)
from storefront.accounts.services import customer_profile
from storefront.cart.coupons import CouponInvalid
from storefront.cart.storage import clear_cart, load_cart, saved_coupon
from storefront.checkout.emails import queue_order_confirmation
from storefront.checkout.forms import CheckoutForm
from storefront.checkout.services import (
    CheckoutDetails,
    CheckoutError,
    checkout_summary,
    find_order,
    idempotency_key,
    place_order,
)
from storefront.checkout.settings import checkout_settings
from storefront.extensions import db
from storefront.i18n import current_locale
from storefront.models_base import TenantStore, utcnow
from storefront.tenancy.notices import notify
from storefront.tenancy.page_cache import content_changed, no_store
from storefront.tenancy.session import current_shop, tenant_session
from storefront.unit_of_work import after_commit

bp = Blueprint("checkout", __name__)
bp.after_request(no_store)


def _form(shop: TenantStore) -> CheckoutForm:
    form = CheckoutForm()
    settings = checkout_settings(shop.settings)
    form.shipping_method.choices = [SelectChoice(m.code, m.name)
                                    for m in settings.shipping_methods]
    form.payment_method.choices = [SelectChoice(m.code, m.name) for m in settings.payment_methods]
    return form


def _render(shop: TenantStore, form: CheckoutForm, status: int = 200,
            error: str | None = None) -> tuple[str, int]:
    locale = current_locale()
    cart, totals = checkout_summary(
        tenant_session(), shop, load_cart(), locale=locale, coupon_code=saved_coupon(),
        shipping_method=form.shipping_method.data, now=utcnow(),
        customer_id=current_customer_id(),
    )
    return render_template("checkout/checkout.html", shop=shop, locale=locale, form=form,
                           cart=cart, totals=totals, settings=checkout_settings(shop.settings),
                           error=error, signed_in=current_customer_id() is not None), status


@bp.get("/checkout")
def checkout() -> BaseResponse | tuple[str, int]:
    """The checkout form, with a fresh idempotency token."""
    shop = current_shop()
    if not load_cart():
        notify("Your cart is empty.", "error")
        return redirect(url_for("store.cart.view"), code=303)
    form = _form(shop)
    # The browser's nonce must be in its session before the token is handed out: the key of a
    # resubmitted form is derived from both, and requests racing each other share only the cookie.
    browser_nonce()
    form.token.data = secrets.token_urlsafe(24)
    settings = checkout_settings(shop.settings)
    form.shipping_method.data = settings.shipping_methods[0].code
    form.payment_method.data = settings.payment_methods[0].code
    customer_id = current_customer_id()
    if customer_id is not None:
        profile = customer_profile(tenant_session(), customer_id)
        if profile is not None:
            form.email.data = profile.email
            if profile.address is not None:
                for field in form.shipping.form:
                    field.data = profile.address.get(field.short_name, "")
    return _render(shop, form)


@bp.post("/checkout")
def submit() -> BaseResponse | tuple[str, int]:
    """Place the order in one tenant transaction; ``303`` to its confirmation."""
    shop = current_shop()
    form = _form(shop)
    if not form.validate():
        return _render(shop, form, 422, "Please correct the marked fields.")
    details = CheckoutDetails(
        email=form.email.data or "",
        shipping_address=form.shipping.form.as_dict(),
        billing_address=(form.shipping if form.billing_same.data
                         else form.billing).form.as_dict(),
        shipping_method=form.shipping_method.data or "",
        payment_method=form.payment_method.data or "",
        idempotency_key=idempotency_key(browser_nonce(), form.token.data or ""),
        locale=current_locale(),
        coupon_code=saved_coupon(),
        customer_id=current_customer_id(),
        save_addresses=bool(form.save_address.data),
    )
    try:
        placed = place_order(tenant_session(), shop, load_cart(), details, now=utcnow())
    except (CheckoutError, CouponInvalid) as exc:
        return _render(shop, form, 409, str(exc))
    if placed.created:
        content_changed()  # stock went down: cached pages may say "in stock" no longer true
        # Flushed to master, which the unit of work commits before the tenant's order (see
        # storefront.checkout.emails for why).
        queue_order_confirmation(db.session(), g.store.id, placed.order)
    number = placed.order.number
    after_commit(lambda: hand_over_placed_order(number))
    return redirect(url_for("store.checkout.confirmation", number=number), code=303)


def hand_over_placed_order(number: str) -> None:
    """Once the order really committed: let this browser see it and empty its cart."""
    remember_order(number)
    clear_cart()


@bp.get("/order/<number>")
def confirmation(number: str) -> str:
    """The order's confirmation, for the browser that placed it or the customer it belongs to."""
    order = find_order(tenant_session(), number)
    customer_id = current_customer_id()
    if order is None or not (placed_here(number) or (
            customer_id is not None and order.customer_id == customer_id)):
        abort(404)  # the same answer whether it exists or not: numbers cannot be probed
    shop = current_shop()
    settings = checkout_settings(shop.settings)
    return render_template("checkout/confirmation.html", shop=shop, locale=current_locale(),
                           order=order, shipping=settings.shipping(order.shipping_method),
                           payment=settings.payment(order.payment_method))
