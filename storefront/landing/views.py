"""``/`` (what this is, where owners sign in, the demo stores in development) and the icons.

``static/favicon.ico`` holds ``static/img/favicon.svg`` drawn at 16, 32 and 48 px.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    render_template,
    request,
)
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from storefront.extensions import db
from storefront.platform.models import Store
from storefront.tenancy.page_cache import no_page_cache
from storefront.themes.active import active_theme

bp = Blueprint("landing", __name__)
# Mounted under ``/<store_slug>``: a store's host asks it for ``/favicon.ico``.
store_bp = Blueprint("icon", __name__)

ICON_MAX_AGE = 365 * 24 * 3600  # browsers ask for the icon on every page otherwise
LISTED_STORES = 24


def live_store_slugs(limit: int = LISTED_STORES) -> list[str]:
    """Slugs of the stores shoppers can visit now, from master alone (no tenant DB opened)."""
    return list(db.session.scalars(
        select(Store.slug).where(Store.live()).order_by(Store.slug).limit(limit)
    ))


@bp.get("/")
def index() -> str:
    """The platform's landing page; in development it links the live (demo) stores."""
    development = current_app.config["STOREFRONT_ENV"] == "development"
    return render_template("landing/index.html", stores=live_store_slugs() if development else [])


@functools.cache
def _icon_file(folder: str) -> tuple[bytes, str]:
    data = (Path(folder) / "favicon.ico").read_bytes()
    return data, hashlib.sha256(data).hexdigest()[:32]


def platform_icon() -> Response:
    """The platform's icon (2 KB, held in memory), kept by browsers for long."""
    assert current_app.static_folder is not None  # the app factory always sets it
    data, etag = _icon_file(current_app.static_folder)
    response = Response(data, mimetype="image/x-icon")
    response.cache_control.public = True
    response.cache_control.max_age = ICON_MAX_AGE
    response.set_etag(etag)
    response.make_conditional(request)  # a 304 in place when the browser has this one
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The platform's icon at the address browsers ask for by themselves."""
    return platform_icon()


@store_bp.get("/favicon.ico")
def store_favicon() -> Response | BaseResponse:
    """A store's icon (its theme's ``icon_url``), or the platform's when it has none."""
    no_page_cache()  # the page cache would keep the body but not these cache headers
    icon = active_theme().settings.icon_url
    if icon:
        return redirect(icon, code=302)
    return platform_icon()


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
