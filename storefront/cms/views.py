"""CMS pages at ``/<s>/pages/<page>``."""
from __future__ import annotations

from flask import Blueprint, abort, render_template

from storefront.cms.services import PageNotFound, cms_page
from storefront.i18n import page_locales
from storefront.tenancy.session import tenant_session

bp = Blueprint("cms", __name__)


@bp.get("/pages/<page>")
def page(page: str) -> str:
    """A published CMS page in the request's locale (default-locale fallback)."""
    locale, default = page_locales()
    try:
        view = cms_page(tenant_session(), page, locale=locale, default_locale=default)
    except PageNotFound:
        abort(404)
    return render_template("cms/page.html", page=view)
