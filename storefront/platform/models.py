"""Master database models."""
from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    and_,
)
from sqlalchemy.orm import Mapped, mapped_column

from storefront.extensions import MasterBase
from storefront.models_base import AwareDateTime, Timestamps, UUIDPrimaryKey, enum_by_value, utcnow


class UserRole(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"


class StoreStatus(enum.StrEnum):
    PROVISIONING = "provisioning"
    ACTIVE = "active"
    SUSPENDED = "suspended"


class User(UUIDPrimaryKey, Timestamps, MasterBase):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[UserRole] = mapped_column(
        enum_by_value(UserRole, "user_role"), default=UserRole.OWNER
    )
    # Stored in the session at login; raising it ends every session issued before.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Store(UUIDPrimaryKey, Timestamps, MasterBase):
    __tablename__ = "stores"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    status: Mapped[StoreStatus] = mapped_column(
        enum_by_value(StoreStatus, "store_status"), default=StoreStatus.PROVISIONING
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    @classmethod
    def live(cls) -> ColumnElement[bool]:
        """The SQL condition of a store shoppers can visit now: active, on, not deleted."""
        return and_(cls.status == StoreStatus.ACTIVE, cls.is_active.is_(True),
                    cls.deleted_at.is_(None))

    @property
    def state(self) -> str:
        """What an operator calls it: provisioning, active, inactive, suspended or deleted."""
        if self.deleted_at is not None:
            return "deleted"
        if self.status == StoreStatus.ACTIVE and not self.is_active:
            return "inactive"
        return self.status.value


class StoreSlugHistory(UUIDPrimaryKey, MasterBase):
    """A slug a store used to have; requests for it are redirected to the current one."""

    __tablename__ = "store_slug_history"

    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"), index=True)
    old_slug: Mapped[str] = mapped_column(String(63), unique=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class StoreDatabase(Timestamps, MasterBase):
    """Where a store's tenant DB lives; the URL is stored Fernet-encrypted only."""

    __tablename__ = "store_databases"

    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    encrypted_url: Mapped[bytes] = mapped_column(LargeBinary)
    # True when the platform created the DB (and so drops it); False when the owner brought it.
    managed: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped whenever the credential changes, so engines keyed on it are replaced.
    version: Mapped[int] = mapped_column(Integer, default=1)
    dropped_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class CreditBalance(MasterBase):
    __tablename__ = "credit_balances"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    balance: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    updated_at: Mapped[datetime] = mapped_column(
        AwareDateTime, default=utcnow, onupdate=utcnow
    )


class CreditKind(enum.StrEnum):
    PURCHASE = "purchase"
    USAGE = "usage"


class CreditTransaction(UUIDPrimaryKey, MasterBase):
    __tablename__ = "credit_transactions"

    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"), index=True)
    kind: Mapped[CreditKind] = mapped_column(enum_by_value(CreditKind, "credit_kind"))
    # Positive for purchases, negative for usage.
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    balance_after: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    # A purchase's payment reference; unique, so recording it twice records one purchase.
    reference: Mapped[str | None] = mapped_column(String(200), unique=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class Subscription(UUIDPrimaryKey, Timestamps, MasterBase):
    __tablename__ = "subscriptions"

    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"), index=True)
    plan: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default="active")
    current_period_end: Mapped[datetime | None] = mapped_column(AwareDateTime)


class Job(UUIDPrimaryKey, Timestamps, MasterBase):
    """A unit of background work (emails, provisioning) claimed by ``storefront worker``."""

    __tablename__ = "job_queue"

    kind: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    run_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, index=True)
    locked_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    locked_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
