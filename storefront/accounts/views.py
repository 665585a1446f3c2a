"""``/<s>/account/…``: register, sign in and out, order history, addresses, wishlist, reviews."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from storefront.accounts.addresses import clean_address
from storefront.accounts.forms import (
    AddressBookForm,
    LoginForm,
    PasswordForm,
    ProductActionForm,
    RegisterForm,
    ReviewForm,
)
from storefront.accounts.identity import current_customer_id, sign_in, sign_out
from storefront.accounts.models import AddressKind
from storefront.accounts.services import (
    AccountError,
    WrongPassword,
    add_address,
    add_to_wishlist,
    addresses,
    authenticate,
    change_password,
    customer_profile,
    delete_address,
    end_customer_sessions,
    register_customer,
    remove_from_wishlist,
    submit_review,
    wishlist,
)
from storefront.i18n import current_locale
from storefront.logins.throttle import LoginThrottled, login_throttle
from storefront.orders.services import customer_orders
from storefront.safe_redirect import local_path
from storefront.tenancy.notices import notify
from storefront.tenancy.page_cache import no_store
from storefront.tenancy.session import current_shop, tenant_session

bp = Blueprint("account", __name__, url_prefix="/account")
bp.after_request(no_store)

F = TypeVar("F", bound=Callable[..., Any])


def _safe_next(target: str | None) -> str | None:
    """Only a path inside this store may be a redirect target after sign-in."""
    return local_path(target, prefix=f"/{g.store.slug}/")


def signed_in(view: F) -> F:
    """Send a shopper who is not signed in to this store's login page (and back afterwards)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_customer_id() is None:
            notify("Please sign in first.", "error")
            # A form (Add to wishlist, a review) names the page it was on: back there after.
            back = request.full_path if request.method == "GET" else request.form.get("next")
            return redirect(url_for("store.account.login", next=back or None), code=303)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@bp.route("/register", methods=["GET", "POST"])
def register() -> BaseResponse | tuple[str, int]:
    """Create an account in this store and sign in."""
    shop = current_shop()
    form = RegisterForm()
    status, error = 200, None
    if form.validate_on_submit():
        try:
            customer = register_customer(tenant_session(), form.email.data or "",
                                         form.password.data or "", form.first_name.data,
                                         form.last_name.data)
        except AccountError as exc:
            status, error = 409, str(exc)
        else:
            sign_in(customer.id, customer.session_generation)
            notify("Welcome! Your account was created.", "success")
            return redirect(url_for("store.account.orders"), code=303)
    elif form.is_submitted():
        status = 422
    return render_template("account/register.html", shop=shop, form=form, error=error), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> BaseResponse | tuple[str, int, dict[str, str]]:
    """Sign in to this store (failures slow down the e-mail and the address, see the throttle)."""
    shop = current_shop()
    form = LoginForm()
    if request.method == "GET":
        form.next.data = _safe_next(request.args.get("next")) or ""
    status, error, headers = 200, None, {}
    if form.validate_on_submit():
        email, source = form.email.data or "", request.remote_addr or "unknown"
        throttle = login_throttle(g.store.id.hex)
        try:
            with throttle.guard(email, source, wrong=AccountError):
                customer = authenticate(tenant_session(), email, form.password.data or "")
        except LoginThrottled as exc:
            status, error, headers = 429, str(exc), exc.headers
        except AccountError as exc:
            status, error = 401, str(exc)
        else:
            throttle.record_success(email, source)
            sign_in(customer.id, customer.session_generation)
            return redirect(_safe_next(form.next.data) or url_for("store.account.orders"),
                            code=303)
    elif form.is_submitted():
        status = 422
    return render_template("account/login.html", shop=shop, form=form,
                           error=error), status, headers


@bp.post("/logout")
def logout() -> BaseResponse:
    """Sign out of this store: this session and every other one of the customer end."""
    customer_id = current_customer_id()
    if customer_id is not None:
        end_customer_sessions(tenant_session(), g.store.id, customer_id)
    sign_out()
    notify("You are signed out.", "success")
    return redirect(url_for("store.catalog.home"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def password() -> BaseResponse | tuple[str, int, dict[str, str]]:
    """Change the password: every other session of the customer ends, this one stays."""
    shop = current_shop()
    customer_id = current_customer_id() or 0
    form = PasswordForm()
    status, error, headers = 200, None, {}
    if form.validate_on_submit():
        profile = customer_profile(tenant_session(), customer_id)
        account, source = (profile.email if profile else ""), request.remote_addr or "unknown"
        throttle = login_throttle(g.store.id.hex)  # a stolen session must not guess it freely
        try:
            with throttle.guard(account, source, wrong=WrongPassword):
                generation = change_password(tenant_session(), g.store.id, customer_id,
                                             form.current_password.data or "",
                                             form.password.data or "")
        except LoginThrottled as exc:
            status, error, headers = 429, str(exc), exc.headers
        except AccountError as exc:  # a WrongPassword, or a new password it refuses
            status, error = 422, str(exc)
        else:
            sign_in(customer_id, generation)
            notify("Your password was changed. Every other session is signed out.", "success")
            return redirect(url_for("store.account.orders"), code=303)
    elif form.is_submitted():
        status = 422
    return render_template("account/password.html", shop=shop, form=form,
                           error=error), status, headers


@bp.get("/")
@signed_in
def orders() -> str:
    """The signed-in customer's order history."""
    shop = current_shop()
    customer_id = current_customer_id() or 0
    return render_template("account/orders.html", shop=shop, locale=current_locale(),
                           profile=customer_profile(tenant_session(), customer_id),
                           orders=customer_orders(tenant_session(), customer_id))


@bp.route("/addresses", methods=["GET", "POST"])
@signed_in
def address_book() -> BaseResponse | tuple[str, int]:
    """The customer's saved addresses; add one."""
    shop = current_shop()
    customer_id = current_customer_id() or 0
    form = AddressBookForm()
    status = 200
    if form.validate_on_submit():
        fields = clean_address(form.data)
        kind = AddressKind(form.kind.data or AddressKind.SHIPPING)
        add_address(tenant_session(), customer_id, kind, fields)
        notify("Address saved.", "success")
        return redirect(url_for("store.account.address_book"), code=303)
    if form.is_submitted():
        status = 422
    return render_template("account/addresses.html", shop=shop, form=form,
                           addresses=addresses(tenant_session(), customer_id)), status


@bp.post("/addresses/<int(max=2147483647):address_id>/delete")
@signed_in
def remove_address(address_id: int) -> BaseResponse:
    """Delete one of the customer's addresses."""
    delete_address(tenant_session(), current_customer_id() or 0, address_id)
    return redirect(url_for("store.account.address_book"), code=303)


@bp.get("/wishlist")
@signed_in
def wishlist_page() -> str:
    """The customer's wishlist."""
    shop = current_shop()
    locale = current_locale()
    entries = wishlist(tenant_session(), current_customer_id() or 0, locale, shop.default_locale)
    return render_template("account/wishlist.html", shop=shop, locale=locale, entries=entries)


def _back(form: ProductActionForm | ReviewForm) -> BaseResponse:
    return redirect(_safe_next(form.next.data) or url_for("store.account.wishlist_page"),
                    code=303)


@bp.post("/wishlist/add")
@signed_in
def wishlist_add() -> BaseResponse:
    """Put a product on the wishlist (from the product page)."""
    form = ProductActionForm()
    if form.validate():
        try:
            add_to_wishlist(tenant_session(), current_customer_id() or 0,
                            form.product_id.data or 0)
            notify("Added to your wishlist.", "success")
        except AccountError as exc:
            notify(str(exc), "error")
    return _back(form)


@bp.post("/wishlist/remove")
@signed_in
def wishlist_remove() -> BaseResponse:
    """Take a product off the wishlist."""
    form = ProductActionForm()
    if form.validate():
        remove_from_wishlist(tenant_session(), current_customer_id() or 0,
                             form.product_id.data or 0)
    return _back(form)


@bp.post("/reviews")
@signed_in
def review() -> BaseResponse:
    """Submit a review of a product; it waits for the store's approval."""
    form = ReviewForm()
    if not form.validate():
        notify("Please give a rating from 1 to 5 and a few words.", "error")
        return _back(form)
    try:
        submit_review(tenant_session(), current_customer_id() or 0, form.product_id.data or 0,
                      form.rating.data or 0, form.title.data, form.body.data or "")
    except AccountError as exc:
        notify(str(exc), "error")
        return _back(form)
    notify("Thank you! Your review will appear once the store has approved it.", "success")
    return _back(form)
