"""Platform operations: users, the store lifecycle across master and tenant DBs, credits.

No transaction spans master and a tenant DB, so every operation that writes both is a short
saga: each step is committed on its own, a failure undoes the steps before it, and when even the
undo fails the error says what is pending and that ``storefront tenants check --repair``
finishes it.
"""
from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from cryptography.fernet import MultiFernet
from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from storefront.platform.crypto import CredentialError, decrypt, encrypt, rotate
from storefront.platform.models import (
    CreditBalance,
    CreditKind,
    CreditTransaction,
    Store,
    StoreDatabase,
    StoreSlugHistory,
    StoreStatus,
    User,
    UserRole,
)
from storefront.tenancy import provisioning
from storefront.tenancy.models import TenantStore
from storefront.tenancy.provisioning import describe_failure

log = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RESERVED_SLUGS = frozenset({
    "platform", "static", "healthz", "readyz", "sitemap.xml", "robots.txt", "favicon.ico",
    "api", "admin", "www", "assets", "media", "login", "logout", "account", "cart", "checkout",
    "search", "order", "orders", "preview", "well-known", "storefront", "help", "status",
})
MAX_CREDIT_AMOUNT = Decimal("1000000000")


class PlatformError(Exception):
    """An operation was refused; the message is meant for the operator, on one line."""


class NotFound(PlatformError):
    pass


class Conflict(PlatformError):
    pass


class InvalidInput(PlatformError):
    pass


class InsufficientCredits(PlatformError):
    pass


class TenantStepFailed(PlatformError):
    """The tenant side of an operation failed; the message says what master looks like now."""


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back naive (they are stored in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def load_tenant_url(session: Session, fernet: MultiFernet, store_id: uuid.UUID) -> str:
    """The decrypted URL of a store's tenant DB (CredentialError if none or unreadable)."""
    encrypted = session.scalar(
        select(StoreDatabase.encrypted_url).where(StoreDatabase.store_id == store_id)
    )
    if encrypted is None:
        raise CredentialError(f"store {store_id} has no tenant database on record")
    return decrypt(fernet, encrypted)


# -- users ---------------------------------------------------------------------------------


def create_user(session: Session, email: str, password: str, role: str = "owner") -> User:
    """Register an agency user (store owner or admin)."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise InvalidInput(f"not an e-mail address: {email!r}")
    if len(password) < 8:
        raise InvalidInput("the password must have at least 8 characters")
    try:
        user_role = UserRole(role)
    except ValueError:
        raise InvalidInput(f"role must be one of {', '.join(r.value for r in UserRole)}") from None
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(f"a user with e-mail {email} already exists")
    user = User(email=email, password_hash=generate_password_hash(password), role=user_role)
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"a user with e-mail {email} already exists") from None
    return user


def user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user with e-mail {email}")
    return user


# -- stores --------------------------------------------------------------------------------


def validate_slug(slug: str) -> str:
    """Return the slug if a store may use it; raise with the rule it breaks otherwise."""
    if slug in RESERVED_SLUGS:
        raise InvalidInput(f"the slug {slug!r} is reserved by the platform")
    if not SLUG_RE.match(slug):
        raise InvalidInput(
            f"invalid slug {slug!r}: use 3-63 lowercase letters, digits and single hyphens, "
            "starting and ending with a letter or digit"
        )
    return slug


@dataclass
class StoreInfo:
    """A store as an operator sees it: master's row plus where its data lives."""

    store: Store
    owner_email: str
    managed_db: bool
    db_dropped: bool
    old_slugs: list[str] = field(default_factory=list)
    balance: Decimal = Decimal("0")


@dataclass
class CheckFinding:
    slug: str
    problem: str
    repaired: str | None = None


class StoreService:
    """The store lifecycle. ``forget_slugs`` invalidates cached store resolution."""

    def __init__(self, session: Session, fernet: MultiFernet, tenant_url_template: str,
                 forget_slugs: Callable[[Iterable[str]], None],
                 tenant_template_db: str | None = None) -> None:
        self.session = session
        self.fernet = fernet
        self.tenant_url_template = tenant_url_template
        self.forget_slugs = forget_slugs
        # A migrated DB that new managed tenant DBs are copied from (TENANT_TEMPLATE_DB_URL).
        self.tenant_template_db = tenant_template_db

    # reading -------------------------------------------------------------------------------

    def get(self, slug: str, *, allow_deleted: bool = False) -> Store:
        store = self.session.scalar(select(Store).where(Store.slug == slug))
        if store is None:
            raise NotFound(f"no store with slug {slug!r}")
        if store.deleted_at is not None and not allow_deleted:
            raise Conflict(f"store {slug!r} was deleted")
        return store

    def tenant_url(self, store_id: uuid.UUID) -> str:
        return load_tenant_url(self.session, self.fernet, store_id)

    def info(self, store: Store) -> StoreInfo:
        owner = self.session.get(User, store.user_id)
        db_row = self.session.get(StoreDatabase, store.id)
        balance = self.session.get(CreditBalance, store.id)
        old = self.session.scalars(
            select(StoreSlugHistory.old_slug).where(StoreSlugHistory.store_id == store.id)
            .order_by(StoreSlugHistory.created_at)
        ).all()
        return StoreInfo(
            store=store,
            owner_email=owner.email if owner else "?",
            managed_db=bool(db_row and db_row.managed),
            db_dropped=bool(db_row and db_row.dropped_at),
            old_slugs=list(old),
            balance=balance.balance if balance else Decimal("0"),
        )

    def all_stores(self) -> list[StoreInfo]:
        return [self.info(s) for s in self.session.scalars(select(Store).order_by(Store.slug))]

    def ensure_slug_free(self, slug: str, for_store: uuid.UUID | None = None) -> None:
        if self.session.scalar(select(Store.id).where(Store.slug == slug)):
            raise Conflict(f"the slug {slug!r} is already taken")
        former = self.session.scalar(
            select(StoreSlugHistory.store_id).where(StoreSlugHistory.old_slug == slug)
        )
        if former is not None and former != for_store:
            raise Conflict(f"the slug {slug!r} was used by another store and still redirects there")

    # create ----------------------------------------------------------------------------------

    def create(self, *, owner_email: str, slug: str, name: str, db_url: str | None = None,
               currency: str = "USD", default_locale: str = "en",
               locales: list[str] | None = None, email: str | None = None,
               settings: dict[str, Any] | None = None,
               theme: dict[str, Any] | None = None) -> Store:
        """Create a store in master and its tenant DB; on failure nothing is left behind."""
        validate_slug(slug)
        name = name.strip()
        if not name or len(name) > 200:
            raise InvalidInput("the store name must have 1-200 characters")
        currency = currency.upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise InvalidInput(f"not an ISO 4217 currency code: {currency!r}")
        locales = locales or [default_locale]
        if default_locale not in locales:
            raise InvalidInput("the default locale must be one of the store's locales")
        owner = user_by_email(self.session, owner_email)
        self.ensure_slug_free(slug)

        store_id = uuid.uuid4()
        managed = db_url is None
        url = db_url or provisioning.tenant_url_for(self.tenant_url_template, store_id)
        store = self.reserve(store_id, owner.id, slug, url, managed)
        tenant_row = dict(
            id=store_id, name=name, slug=slug, email=email or owner.email, currency=currency,
            default_locale=default_locale, locales=locales, theme=theme or {},
            settings=settings or {}, contact={},
        )
        try:
            self.provision(url, managed, tenant_row, self.tenant_template_db)
        except Exception as exc:
            self._undo_create(store_id, url, managed, exc)
        return self.activate_provisioned(store)

    def reserve(self, store_id: uuid.UUID, owner_id: uuid.UUID, slug: str, url: str,
                managed: bool) -> Store:
        """Saga step 1: the master rows, in status ``provisioning`` (routing answers 404)."""
        store = Store(id=store_id, user_id=owner_id, slug=slug,
                      status=StoreStatus.PROVISIONING, is_active=False)
        self.session.add(store)
        try:
            self.session.flush()  # the rows below reference it
        except IntegrityError:
            self.session.rollback()
            raise Conflict(f"the slug {slug!r} is already taken") from None
        self.session.add(StoreDatabase(store_id=store_id, encrypted_url=encrypt(self.fernet, url),
                                       managed=managed))
        self.session.add(CreditBalance(store_id=store_id, balance=Decimal("0")))
        try:
            self.session.commit()
        except IntegrityError as exc:
            self.session.rollback()
            if self.session.scalar(select(Store.id).where(Store.slug == slug)):
                raise Conflict(f"the slug {slug!r} is already taken") from None
            reason = describe_failure(exc)
            raise PlatformError(f"the store could not be recorded: {reason}") from exc
        return store

    @staticmethod
    def provision(url: str, create_db: bool, tenant_row: dict[str, Any],
                  template_db: str | None = None) -> None:
        """Saga steps 2-3: create (or adopt) the tenant DB, migrate it, write its ``stores`` row."""
        created = False
        try:
            if create_db:
                provisioning.create_database(url, template_db)
                created = True
            engine = provisioning.open_for_provisioning(url, create=create_db)
            try:
                provisioning.migrate(engine)
                with Session(engine) as tenant, tenant.begin():
                    existing = tenant.scalar(select(TenantStore.id))
                    if existing is not None and existing != tenant_row["id"]:
                        raise provisioning.ProvisioningError(
                            "that database already holds another store"
                        )
                    if existing is None:
                        tenant.add(TenantStore(**tenant_row))
            finally:
                engine.dispose()
        except Exception:
            if created:
                try:
                    provisioning.drop_database(url)
                except Exception:  # the caller reports the first failure; check finds the rest
                    log.exception("could not drop the tenant DB of a failed create")
            raise

    def activate_provisioned(self, store: Store) -> Store:
        """Saga step 4: the store goes live."""
        store.status = StoreStatus.ACTIVE
        store.is_active = True
        try:
            self.session.commit()
        except SQLAlchemyError as exc:
            self.session.rollback()
            raise TenantStepFailed(
                f"the tenant database of store {store.id} is ready but master could not mark "
                f"it active ({describe_failure(exc)}); it stays in status provisioning (answers "
                "404) until `storefront tenants check --repair` activates it"
            ) from exc
        self.forget_slugs([store.slug])
        return store

    def _undo_create(self, store_id: uuid.UUID, url: str, managed: bool,
                     exc: Exception) -> None:
        reason = describe_failure(exc)
        try:
            self.session.rollback()
            for model in (CreditBalance, StoreDatabase):
                self.session.execute(delete(model).where(model.store_id == store_id))
            self.session.execute(delete(Store).where(Store.id == store_id))
            self.session.commit()
        except SQLAlchemyError:
            self.session.rollback()
            raise TenantStepFailed(
                f"the tenant database could not be prepared ({reason}) and the master row could "
                f"not be removed: store {store_id} is left in status provisioning (answers 404); "
                "run `storefront tenants check --repair`"
            ) from exc
        raise TenantStepFailed(
            f"the tenant database could not be prepared ({reason}); nothing was created"
        ) from exc

    # rename --------------------------------------------------------------------------------

    def rename(self, slug: str, new_slug: str) -> Store:
        """Change a store's slug in both DBs; the old slug redirects to the new one."""
        store = self.get(slug)
        if store.status == StoreStatus.PROVISIONING:
            raise Conflict(f"store {slug!r} is still being created")
        validate_slug(new_slug)
        if new_slug == slug:
            raise InvalidInput(f"the store already has the slug {slug!r}")
        self.ensure_slug_free(new_slug, for_store=store.id)

        # Step 1, one master transaction; the unique slug index settles concurrent renames.
        updated_at = store.updated_at
        reclaimed = self.session.scalar(
            select(StoreSlugHistory).where(StoreSlugHistory.old_slug == new_slug)
        )
        restore: tuple[uuid.UUID, datetime] | None = None
        if reclaimed is not None:  # renaming back to a slug this store used before
            restore = (reclaimed.id, reclaimed.created_at)
            self.session.delete(reclaimed)
        store.slug = new_slug
        self.session.add(StoreSlugHistory(store_id=store.id, old_slug=slug))
        try:
            self.session.commit()
        except IntegrityError:
            self.session.rollback()
            raise Conflict(f"the slug {new_slug!r} is already taken") from None
        self._forget_store_slugs(store, also=[slug, new_slug])

        # Step 2, the tenant's copy of the slug.
        try:
            self._write_tenant_slug(store.id, new_slug)
        except Exception as exc:
            self._undo_rename(store, slug, new_slug, restore, updated_at, exc)
        return store

    def _write_tenant_slug(self, store_id: uuid.UUID, slug: str) -> None:
        engine = provisioning.open_for_provisioning(self.tenant_url(store_id))
        try:
            with engine.begin() as connection:
                result = connection.execute(
                    update(TenantStore).where(TenantStore.id == store_id).values(slug=slug)
                )
                if result.rowcount != 1:
                    raise provisioning.ProvisioningError("the tenant DB has no row for this store")
        finally:
            engine.dispose()

    def _undo_rename(self, store: Store, old: str, new: str,
                     reclaimed: tuple[uuid.UUID, datetime] | None, updated_at: datetime,
                     exc: Exception) -> None:
        reason = describe_failure(exc)
        store_id = store.id
        try:
            self.session.rollback()
            self.session.execute(delete(StoreSlugHistory).where(StoreSlugHistory.old_slug == old))
            self.session.execute(
                update(Store).where(Store.id == store_id).values(slug=old, updated_at=updated_at)
            )
            if reclaimed is not None:
                self.session.add(StoreSlugHistory(id=reclaimed[0], store_id=store_id,
                                                  old_slug=new, created_at=reclaimed[1]))
            self.session.commit()
        except SQLAlchemyError:
            self.session.rollback()
            raise TenantStepFailed(
                f"the tenant DB could not be updated ({reason}) and master could not be put "
                f"back: master says {new!r}, the tenant says {old!r}; run "
                "`storefront tenants check --repair` once the tenant DB is reachable"
            ) from exc
        self.session.expire(store)
        self._forget_store_slugs(store, also=[old, new])
        raise TenantStepFailed(
            f"the tenant DB could not be updated ({reason}); the rename was undone, "
            f"the store keeps the slug {old!r}"
        ) from exc

    def _forget_store_slugs(self, store: Store, also: Iterable[str] = ()) -> None:
        old = self.session.scalars(
            select(StoreSlugHistory.old_slug).where(StoreSlugHistory.store_id == store.id)
        ).all()
        self.forget_slugs({store.slug, *old, *also})

    # suspend / activate / delete ------------------------------------------------------------

    def suspend(self, slug: str) -> Store:
        store = self._live(slug)
        store.status = StoreStatus.SUSPENDED
        store.is_active = False
        self.session.commit()
        self._forget_store_slugs(store)
        return store

    def activate(self, slug: str) -> Store:
        store = self._live(slug)
        store.status = StoreStatus.ACTIVE
        store.is_active = True
        self.session.commit()
        self._forget_store_slugs(store)
        return store

    def _live(self, slug: str) -> Store:
        store = self.get(slug)
        if store.status == StoreStatus.PROVISIONING:
            raise Conflict(f"store {slug!r} is still being created")
        return store

    def delete(self, slug: str) -> Store:
        """Soft-delete in master (410 at once), then remove the tenant's data."""
        store = self._live(slug)  # a create still running would race the drop
        store.status = StoreStatus.SUSPENDED
        store.is_active = False
        store.deleted_at = datetime.now(UTC)
        self.session.commit()
        self._forget_store_slugs(store)
        try:
            self.remove_tenant_data(store.id)
        except Exception as exc:
            raise TenantStepFailed(
                f"store {slug!r} is deleted (its URLs answer 410) but its tenant data could not "
                f"be removed ({describe_failure(exc)}); `storefront tenants check --repair` "
                "will remove it"
            ) from exc
        return store

    def remove_tenant_data(self, store_id: uuid.UUID) -> None:
        db_row = self.session.get(StoreDatabase, store_id)
        if db_row is None or db_row.dropped_at is not None:
            return
        url = decrypt(self.fernet, db_row.encrypted_url)
        if db_row.managed:
            provisioning.drop_database(url)
        else:
            engine = provisioning.open_for_provisioning(url)
            try:
                provisioning.purge_rows(engine)
            finally:
                engine.dispose()
        db_row.dropped_at = datetime.now(UTC)
        self.session.commit()

    # keys ------------------------------------------------------------------------------------

    def rotate_keys(self) -> int:
        """Re-encrypt every tenant credential with the first key; returns how many rows."""
        rows = self.session.scalars(select(StoreDatabase)).all()
        for row in rows:
            row.encrypted_url = rotate(self.fernet, row.encrypted_url)
            row.version += 1
        self.session.commit()
        stores = self.session.scalars(select(Store)).all()
        for store in stores:
            self._forget_store_slugs(store)
        return len(rows)

    # drift -----------------------------------------------------------------------------------

    def check(self, repair: bool = False,
              grace: timedelta = timedelta(minutes=10)) -> list[CheckFinding]:
        """Find (and with ``repair`` fix) disagreements between master and the tenant DBs.

        A store in ``provisioning`` for less than ``grace`` is a create still running, not drift.
        """
        findings: list[CheckFinding] = []
        started_before = datetime.now(UTC) - grace
        for store in self.session.scalars(select(Store).order_by(Store.slug)).all():
            if store.status == StoreStatus.PROVISIONING and _aware(store.created_at) > \
                    started_before:
                continue
            finding = self._check_one(store, repair)
            if finding is not None:
                findings.append(finding)
        return findings

    def _check_one(self, store: Store, repair: bool) -> CheckFinding | None:
        db_row = self.session.get(StoreDatabase, store.id)
        slug = store.slug
        if db_row is None:
            return CheckFinding(slug, "no tenant database on record")
        try:
            url = decrypt(self.fernet, db_row.encrypted_url)
        except CredentialError as exc:
            return CheckFinding(slug, str(exc))

        if store.deleted_at is not None:
            if db_row.dropped_at is not None:
                return None
            finding = CheckFinding(slug, "deleted, but its tenant data is still there")
            if repair:
                try:
                    self.remove_tenant_data(store.id)
                    finding.repaired = "tenant data removed"
                except Exception as exc:
                    self.session.rollback()
                    finding.repaired = f"not repaired: {describe_failure(exc)}"
            return finding

        tenant_slug, problem = self._read_tenant(store.id, url)
        if store.status == StoreStatus.PROVISIONING:
            finding = CheckFinding(slug, "left in status provisioning by an interrupted create")
            if repair:
                if tenant_slug is not None:
                    self.activate_provisioned(store)
                    finding.repaired = "the tenant side was complete: store activated"
                else:
                    self._discard_provisioning(store, url, db_row.managed)
                    finding.repaired = "the tenant side was incomplete: the store was removed"
            return finding
        if problem is not None:
            return CheckFinding(slug, problem)
        if tenant_slug != slug:
            finding = CheckFinding(slug, f"the tenant DB says slug {tenant_slug!r}")
            if repair:
                try:
                    self._write_tenant_slug(store.id, slug)
                    finding.repaired = f"tenant slug set to {slug!r}"
                except Exception as exc:
                    finding.repaired = f"not repaired: {describe_failure(exc)}"
            return finding
        return None

    def _read_tenant(self, store_id: uuid.UUID, url: str) -> tuple[str | None, str | None]:
        """(the tenant's slug for this store, a problem) — one of them is None."""
        try:
            engine = provisioning.open_for_provisioning(url)
        except Exception as exc:
            return None, f"tenant DB unusable: {describe_failure(exc)}"
        try:
            with engine.connect() as connection:
                slug = connection.execute(
                    select(TenantStore.slug).where(TenantStore.id == store_id)
                ).scalar()
            if slug is None:
                return None, "the tenant DB has no stores row for this store"
            return slug, None
        except SQLAlchemyError as exc:
            return None, f"tenant DB unreachable or incomplete: {describe_failure(exc)}"
        finally:
            engine.dispose()

    def _discard_provisioning(self, store: Store, url: str, managed: bool) -> None:
        if managed:
            provisioning.drop_database(url)
        store_id = store.id
        for model in (CreditBalance, StoreDatabase):
            self.session.execute(delete(model).where(model.store_id == store_id))
        self.session.execute(delete(Store).where(Store.id == store_id))
        self.session.commit()


# -- credits -------------------------------------------------------------------------------


def parse_amount(raw: str | Decimal) -> Decimal:
    """A positive amount with at most two decimals, or InvalidInput."""
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        raise InvalidInput(f"not an amount: {raw!r}") from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(f"the amount must be a positive number, not {raw!r}")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput(f"the amount has more than two decimals: {raw!r}")
    if amount >= MAX_CREDIT_AMOUNT:
        raise InvalidInput(f"the amount is too large: {raw!r}")
    return amount.quantize(Decimal("0.01"))


@dataclass
class CreditResult:
    transaction: CreditTransaction
    balance: Decimal
    duplicate: bool = False


class CreditService:
    """Credit purchases and usage: the ledger row and the balance change in one transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _store(self, slug: str) -> Store:
        store = self.session.scalar(select(Store).where(Store.slug == slug))
        if store is None:
            raise NotFound(f"no store with slug {slug!r}")
        if store.deleted_at is not None:
            raise Conflict(f"store {slug!r} was deleted")
        return store

    def balance(self, slug: str) -> Decimal:
        store = self._store(slug)
        row = self.session.get(CreditBalance, store.id)
        return row.balance if row else Decimal("0")

    def purchase(self, slug: str, amount: str | Decimal, reference: str) -> CreditResult:
        """Add credits; the same reference recorded twice is one purchase."""
        value = parse_amount(amount)
        reference = reference.strip()
        if not reference:
            raise InvalidInput("a purchase needs a --reference")
        store = self._store(slug)
        earlier = self._by_reference(store, reference, value)
        if earlier is not None:
            return earlier
        try:
            balance = self._apply(store.id, value)
            tx = CreditTransaction(store_id=store.id, kind=CreditKind.PURCHASE, amount=value,
                                   balance_after=balance, reference=reference)
            self.session.add(tx)
            self.session.commit()
        except IntegrityError:
            self.session.rollback()  # a concurrent purchase with this reference won the race
            earlier = self._by_reference(store, reference, value)
            if earlier is None:
                raise
            return earlier
        return CreditResult(tx, balance)

    def use(self, slug: str, amount: str | Decimal, reason: str) -> CreditResult:
        """Spend credits; refused (and nothing written) when the balance would go negative."""
        value = parse_amount(amount)
        reason = reason.strip()
        if not reason:
            raise InvalidInput("a usage needs a --reason")
        store = self._store(slug)
        result = cast(CursorResult[Any], self.session.execute(
            update(CreditBalance)
            .where(CreditBalance.store_id == store.id, CreditBalance.balance >= value)
            .values(balance=CreditBalance.balance - value)
        ))
        if result.rowcount != 1:
            self.session.rollback()
            raise InsufficientCredits(
                f"store {slug!r} has {self.balance(slug)} credits, less than {value}"
            )
        balance = self._current(store.id)
        tx = CreditTransaction(store_id=store.id, kind=CreditKind.USAGE, amount=-value,
                               balance_after=balance, reason=reason)
        self.session.add(tx)
        self.session.commit()
        return CreditResult(tx, balance)

    def _apply(self, store_id: uuid.UUID, value: Decimal) -> Decimal:
        result = cast(CursorResult[Any], self.session.execute(
            update(CreditBalance).where(CreditBalance.store_id == store_id)
            .values(balance=CreditBalance.balance + value)
        ))
        if result.rowcount != 1:
            self.session.add(CreditBalance(store_id=store_id, balance=value))
            self.session.flush()
        return self._current(store_id)

    def _current(self, store_id: uuid.UUID) -> Decimal:
        return self.session.scalar(
            select(CreditBalance.balance).where(CreditBalance.store_id == store_id)
            .execution_options(populate_existing=True)
        ) or Decimal("0")

    def _by_reference(self, store: Store, reference: str, value: Decimal) -> CreditResult | None:
        tx = self.session.scalar(
            select(CreditTransaction).where(CreditTransaction.reference == reference)
        )
        if tx is None:
            return None
        if tx.store_id != store.id or tx.amount != value:
            raise Conflict(f"the reference {reference!r} was already used for another purchase")
        return CreditResult(tx, self._current(store.id), duplicate=True)

    def transactions(self, slug: str) -> list[CreditTransaction]:
        store = self._store(slug)
        return list(self.session.scalars(
            select(CreditTransaction).where(CreditTransaction.store_id == store.id)
            .order_by(CreditTransaction.created_at)
        ))
