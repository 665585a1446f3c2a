"""The tenant declarative base with its ``stores`` row, and what master and tenant models share."""
from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, Enum, Integer, MetaData, Numeric, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from storefront.extensions import NAMING_CONVENTION

Money = Numeric(12, 2)


class TenantBase(DeclarativeBase):
    """Declarative base of every tenant database, whichever feature declares the table.

    One base (one metadata) for all of them, so the tenant Alembic history is one history. Each
    feature declares its tables in its own ``models.py``; the app factory imports every feature,
    so the metadata always lists every tenant table.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Timezone-aware now, the only clock the models use."""
    return datetime.now(UTC)


class AwareDateTime(TypeDecorator[datetime]):
    """``TIMESTAMP WITH TIME ZONE`` that always reads back timezone-aware.

    PostgreSQL returns aware values; SQLite keeps no zone and returns them naive, and they were
    written in UTC (``utcnow``), so a naive value read back is UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def enum_by_value(cls: type[enum.Enum], name: str, length: int = 20) -> Enum:
    """A ``VARCHAR(length)`` column holding an enum's values (not its member names).

    Not a native enum and no CHECK constraint: the column is exactly the ``String(length)`` it
    was, so adding a member never needs a migration.
    """
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e],
                native_enum=False, length=length)


class UUIDPrimaryKey:
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)


class IntPrimaryKey:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, onupdate=utcnow)


class TenantStore(Timestamps, TenantBase):
    """A store's full configuration in its own tenant DB; same id as the master ``stores`` row.

    Here, below platform and tenancy, because both use it: platform's store lifecycle writes it,
    tenancy reads it for every store request.
    """

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
