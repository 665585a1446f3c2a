"""CMS tables: store-authored pages and the named blocks placed in the layout."""
from __future__ import annotations

from sqlalchemy import Boolean, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models_base import IntPrimaryKey, TenantBase, Timestamps


class CmsPage(IntPrimaryKey, Timestamps, TenantBase):
    """A CMS page in one locale; the default locale's row is the fallback."""

    __tablename__ = "cms_pages"
    __table_args__ = (UniqueConstraint("slug", "locale"),)

    slug: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    seo_title: Mapped[str | None] = mapped_column(String(200))
    seo_description: Mapped[str | None] = mapped_column(String(500))
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)


class CmsBlock(IntPrimaryKey, Timestamps, TenantBase):
    """A named piece of store-authored HTML placed in the layout (``home``, ``footer``, …)."""

    __tablename__ = "cms_blocks"
    __table_args__ = (UniqueConstraint("key", "locale"),)

    key: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(10))
    content: Mapped[str] = mapped_column(Text, default="")
