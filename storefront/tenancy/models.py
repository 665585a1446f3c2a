"""The tenant ``stores`` row: a store's full configuration, kept in its own database."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models_base import TenantBase, Timestamps


class TenantStore(Timestamps, TenantBase):
    """The store's full configuration; same id as the master ``stores`` row."""

    __tablename__ = "stores"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(63))
    email: Mapped[str | None] = mapped_column(String(254))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    default_locale: Mapped[str] = mapped_column(String(10), default="en")
    locales: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["en"])
    theme: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contact: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
