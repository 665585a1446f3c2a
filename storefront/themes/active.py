"""Which theme a store page is rendered with: the published one, or the owner's preview."""
from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Flask, Response, g, request, url_for

from storefront.extensions import db
from storefront.i18n import query_args
from storefront.platform.auth import signed_in_user_id
from storefront.platform.models import User, UserRole
from storefront.tenancy.page_cache import no_page_cache
from storefront.tenancy.session import optional_shop
from storefront.themes.registry import THEMES, ThemeSettings, read_settings
from storefront.themes.services import draft_settings


@dataclass(frozen=True)
class ActiveTheme:
    settings: ThemeSettings
    preview: bool = False


def may_preview() -> bool:
    """The logged-in agency user owns this store, or is an admin."""
    store = g.get("store")
    if store is None:
        return False
    user_id = signed_in_user_id(db.session())  # a login since ended counts for none
    if user_id is None:
        return False
    if user_id == store.owner_id:
        return True
    user = db.session.get(User, user_id)
    return user is not None and user.role == UserRole.ADMIN


def active_theme() -> ActiveTheme:
    """The theme of this request, decided once; ``?preview_theme`` only counts for the owner."""
    current: ActiveTheme | None = g.get("active_theme")
    if current is not None:
        return current
    shop = optional_shop()
    if shop is None:
        current = ActiveTheme(read_settings(None))
    else:
        wanted = request.args.get("preview_theme")
        if wanted in THEMES and may_preview():
            current = ActiveTheme(replace(draft_settings(shop), name=str(wanted)), preview=True)
        else:
            current = ActiveTheme(read_settings(shop.theme))
    g.active_theme = current
    return current


def decided_theme() -> ActiveTheme:
    """The theme ``active_theme`` decided for this request, or the default if it was not asked.

    For templates: the page's before-render step decides the theme, so rendering never reads the
    store or the owner's login.
    """
    current: ActiveTheme | None = g.get("active_theme")
    return current if current is not None else ActiveTheme(read_settings(None))


def theme_layout() -> str:
    """The layout template the page's base extends."""
    return decided_theme().settings.theme.template


def exit_preview_url() -> str:
    """This page without the preview parameter."""
    args = query_args(drop=("preview_theme",))
    return url_for(request.endpoint or "store.catalog.home",
                   **{**args, **(request.view_args or {})})


def preview_headers(response: Response) -> Response:
    """A preview is for its owner alone: never indexed, never stored by any cache."""
    current: ActiveTheme | None = g.get("active_theme")
    if current is not None and current.preview:
        no_page_cache()
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Cache-Control"] = "private, no-store"
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(active_theme=decided_theme, theme_layout=theme_layout,
                                 exit_preview_url=exit_preview_url, themes=THEMES)
