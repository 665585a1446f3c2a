"""The agency side: ``/platform/login`` and the owner's store list at ``/platform/``."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select

from storefront.console.forms import (
    LoginForm,
    LogoutForm,
    PasswordForm,
    ThemeForm,
)
from storefront.extensions import db
from storefront.logins.throttle import LoginThrottled
from storefront.models_base import TenantStore
from storefront.platform.auth import (
    GENERATION_KEY,
    WrongPassword,
    authenticate,
    can_manage,
    change_password,
    end_sessions,
    session_is_current,
    session_user_id,
    start_session,
)
from storefront.platform.errors import InvalidInput
from storefront.platform.models import Store, StoreDatabase, StoreStatus, User, UserRole
from storefront.safe_redirect import local_path
from storefront.tenancy.errors import TenantUnavailable
from storefront.tenancy.notices import notify
from storefront.tenancy.resolve import bump_store_version
from storefront.tenancy.session import open_tenant_session, reading_tenant
from storefront.themes import services as theme_services
from storefront.themes.registry import (
    FONTS,
    THEMES,
    ThemeSettings,
    ThemeSettingsError,
    clean_settings,
    read_settings,
)
from storefront.unit_of_work import after_commit

log = logging.getLogger(__name__)
bp = Blueprint("platform", __name__, url_prefix="/platform")
SIGNED_OUT_KEY = "platform_signed_out"


def current_user() -> User | None:
    """The logged-in agency user of this request, if any (a login since ended counts for none)."""
    if "platform_user" not in g:
        user_id = session_user_id()
        user = db.session.get(User, user_id) if user_id is not None else None
        g.platform_user = user if user is not None and session_is_current(user) else None
    user_: User | None = g.platform_user
    return user_


@bp.after_request
def _never_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Log an agency user in; a new session, so nothing from before login carries over."""
    form = LoginForm()
    error = None
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            user = authenticate(db.session(), form.email.data or "", form.password.data or "",
                                request.remote_addr or "unknown")
        except LoginThrottled as exc:
            user, status, error, headers = None, 429, str(exc), exc.headers
        if user is not None:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")), code=303)
        if error is None:
            error, status = "Wrong e-mail or password.", 401
    elif request.method == "POST":
        status = 400
        error = "Please fill in your e-mail and password."
    signed_out = request.method == "GET" and session.pop(SIGNED_OUT_KEY, False)
    return render_template("platform/login.html", form=form, error=error,
                           signed_out=signed_out), status, headers


def _safe_next(target: str | None) -> str:
    """Only same-site paths, never ``//evil.example`` or ``https://…``."""
    return local_path(target) or url_for("platform.stores")


@bp.post("/logout")
@bp.post("/sign-out-everywhere", endpoint="sign_out_everywhere")
def logout() -> Any:
    """Sign out: every session of the user ends, on every device (a copied cookie included), so
    "sign out everywhere" is the same act. CSRFProtect has refused a form without its token."""
    user = current_user()
    if user is not None:
        end_sessions(db.session(), user.id)
    session.clear()
    session[SIGNED_OUT_KEY] = True  # the login page confirms it, once
    return redirect(url_for("platform.login"), code=303)


@bp.route("/password", methods=["GET", "POST"])
def password() -> Any:
    """Change one's password: every other session ends, this one stays signed in."""
    user = current_user()
    if user is None:
        return redirect(url_for("platform.login", next=request.path), code=303)
    form = PasswordForm()
    error, done, status, headers = None, False, 200, {}
    if form.validate_on_submit():
        try:
            generation = change_password(db.session(), user, form.current_password.data or "",
                                         form.new_password.data or "",
                                         request.remote_addr or "unknown")
        except LoginThrottled as exc:
            error, status, headers = str(exc), 429, exc.headers
        except (WrongPassword, InvalidInput) as exc:
            error, status = str(exc), 422
        else:
            session[GENERATION_KEY] = generation
            done = True
    elif request.method == "POST":
        error = next((m for messages in form.errors.values() for m in messages),
                     "The form expired; please try again.")
        status = 422 if form.errors.keys() - {"csrf_token"} else 400
    return render_template("platform/password.html", form=form, error=error, done=done,
                           user=user), status, headers


@dataclass
class StoreRow:
    slug: str
    status: str
    name: str | None
    theme: str | None
    problem: str | None


@bp.get("/")
def stores() -> Any:
    """The logged-in user's stores: slug and status from master, name and theme from tenants."""
    user = current_user()
    if user is None:
        return redirect(url_for("platform.login", next=request.path), code=303)
    query = (
        select(Store, StoreDatabase.version)
        .outerjoin(StoreDatabase, StoreDatabase.store_id == Store.id)
        .where(Store.deleted_at.is_(None)).order_by(Store.slug)
    )
    if user.role != UserRole.ADMIN:
        query = query.where(Store.user_id == user.id)
    rows = [_store_row(store, version or 0) for store, version in db.session.execute(query)]
    return render_template("platform/stores.html", user=user, stores=rows, logout=LogoutForm())


def _store_row(store: Store, db_version: int) -> StoreRow:
    row = StoreRow(store.slug, store.state, None, None, None)
    if store.status == StoreStatus.PROVISIONING:
        return row
    try:
        with reading_tenant(store.id, db_version) as tenant:
            found = tenant.execute(
                select(TenantStore.name, TenantStore.theme).where(TenantStore.id == store.id)
            ).first()
    except TenantUnavailable:
        # One unreachable tenant must not break the list.
        log.warning("store %s: tenant DB unreachable for the platform list", store.id)
        row.problem = "its database cannot be reached right now"
        return row
    if found is None:
        row.problem = "its database has no store row"
    else:
        row.name = found.name
        row.theme = read_settings(found.theme).theme.label  # the name the editor uses
    return row


def _managed_store(slug: str) -> tuple[User, Store, int]:
    """The logged-in user and a store they manage; anyone else is sent away (login or 404)."""
    user = current_user()
    if user is None:
        abort(redirect(url_for("platform.login", next=request.path), code=303))
    row = db.session.execute(
        select(Store, StoreDatabase.version)
        .join(StoreDatabase, StoreDatabase.store_id == Store.id)
        .where(Store.slug == slug, Store.deleted_at.is_(None))
    ).first()
    if row is None or not can_manage(user.id, user.role, row[0].user_id):
        abort(404)  # another owner's store does not exist, as far as this user can tell
    return user, row[0], row[1]


@bp.route("/stores/<slug>/theme", methods=["GET", "POST"])
def theme(slug: str) -> Any:
    """Pick a theme and its settings; saving keeps a draft and opens the preview, or publishes."""
    _user, store, version = _managed_store(slug)
    form = ThemeForm()
    error, status = None, 200
    tenant = open_tenant_session(store.id, version)
    shop = tenant.get(TenantStore, store.id)
    if shop is None:
        abort(404)
    if request.method == "POST":  # CSRFProtect has checked its token
        try:
            settings = clean_settings(request.form.to_dict())
        except ThemeSettingsError as exc:
            error, status = str(exc), 400
        else:
            theme_services.save_draft(tenant, store.id, settings)
            if request.form.get("action") != "publish":
                return redirect(f"/{store.slug}/?preview_theme={settings.name}", code=303)
            return _published(store, theme_services.publish(tenant, store.id))
    current = theme_services.draft_settings(shop)
    published = theme_services.published_settings(shop)
    return render_template("platform/theme.html", store=store, shop_name=shop.name,
                           form=form, current=current, published=published, themes=THEMES,
                           fonts=FONTS, error=error), status


@bp.post("/stores/<slug>/theme/publish")
def publish_theme(slug: str) -> Any:
    """Publish the draft (as the previewed theme): what every shopper sees from now on."""
    _user, store, version = _managed_store(slug)
    name = request.form.get("theme") or None
    try:
        settings = theme_services.publish(open_tenant_session(store.id, version), store.id, name)
    except ThemeSettingsError as exc:
        abort(400, str(exc))
    return _published(store, settings)


def _published(store: Store, settings: ThemeSettings) -> Any:
    """Once the publish has committed: fresh pages for everyone, and a word to the owner on the
    store."""
    store_id, label = store.id, settings.theme.label

    def announce() -> None:
        bump_store_version(store_id)  # every cached page of the store shows the old theme
        notify(f"Published: every shopper now sees the {label} theme.", "success",
               store_id=store_id)

    after_commit(announce)
    return redirect(f"/{store.slug}/", code=303)


def init_app(app: Flask) -> None:
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    if app.config.get("STOREFRONT_ENV") == "production":
        app.config.setdefault("SESSION_COOKIE_SECURE", True)
    app.register_blueprint(bp)
