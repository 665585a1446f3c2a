"""Saving a theme draft and publishing it, in the store's tenant ``stores.theme``."""
from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from storefront.models_base import TenantStore
from storefront.themes.registry import THEMES, ThemeSettings, ThemeSettingsError, read_settings


def _shop(session: Session, store_id: uuid.UUID) -> TenantStore:
    shop = session.get(TenantStore, store_id)
    if shop is None:
        raise LookupError(f"the tenant DB has no row for store {store_id}")
    return shop


def published_settings(shop: TenantStore) -> ThemeSettings:
    return read_settings(shop.theme)


def draft_settings(shop: TenantStore) -> ThemeSettings:
    """The draft being previewed, or the published settings when there is none."""
    theme: dict[str, Any] = shop.theme or {}
    return read_settings(theme.get("draft") or theme)


def save_draft(session: Session, store_id: uuid.UUID, settings: ThemeSettings) -> None:
    """Keep ``settings`` as the draft; shoppers still see the published theme."""
    shop = _shop(session, store_id)
    shop.theme = {**(shop.theme or {}), "draft": settings.as_dict()}
    session.flush()


def publish(session: Session, store_id: uuid.UUID, name: str | None = None) -> ThemeSettings:
    """Make the draft (with the previewed theme ``name``) what shoppers see; drop the draft."""
    shop = _shop(session, store_id)
    settings = draft_settings(shop)
    if name is not None:
        if name not in THEMES:
            raise ThemeSettingsError(f"unknown theme {name!r}")
        settings = replace(settings, name=name)
    shop.theme = settings.as_dict()
    session.flush()
    return settings
