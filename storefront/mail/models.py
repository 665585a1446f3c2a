"""E-mail template table: a store's own subject and bodies per message key and locale."""
from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models_base import IntPrimaryKey, TenantBase, Timestamps


class EmailTemplate(IntPrimaryKey, Timestamps, TenantBase):
    __tablename__ = "email_templates"
    __table_args__ = (UniqueConstraint("key", "locale"),)

    key: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    html_body: Mapped[str] = mapped_column(Text)
    text_body: Mapped[str] = mapped_column(Text)
