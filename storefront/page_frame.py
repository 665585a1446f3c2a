"""The frame around every page, read before its template renders: templates never query.

A view reads what its page shows and passes it to ``render_template``; the frame every store page
shares (the store's row and locales, the category navigation, the CMS blocks, the theme, the
cart and account links) is read here, by a context processor, which Flask runs inside
``render_template`` before the template. The template helpers (``layout()``, ``active_theme()``,
``shopper_links()``, ``locale_links()``, ``head_tags()``…) only read what was loaded, so a page
renders with no statement sent, and a slow page shows in its view, not in its template.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, g

from storefront.cart import read_shopper_links
from storefront.catalog.context import build_layout
from storefront.tenancy.session import optional_shop
from storefront.themes.active import active_theme


def read_page_frame() -> dict[str, Any]:
    """Read what the page's frame shows (a no-op for what this request has read already)."""
    if g.get("store") is not None and optional_shop() is not None:
        build_layout()
        read_shopper_links()
    active_theme()  # an owner's preview is checked against master
    return {}


def init_app(app: Flask) -> None:
    """Read the frame of every page rendered by ``render_template``, before its template."""
    app.context_processor(read_page_frame)
