"""The store lifecycle across master and the tenant DBs: create, rename, suspend, activate, delete.

No transaction spans master and a tenant DB, so every operation that writes both is a short
saga: each step is committed on its own (``saga_step``), a failure undoes the steps before it,
and when even the undo fails the error says what is pending and that ``storefront tenants check
--repair`` (``platform.drift``) finishes it. Operations on master alone (suspend, activate) only
flush: the command's unit of work commits them.
"""
from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from cryptography.fernet import MultiFernet
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from storefront.models_base import TenantStore
from storefront.platform import provisioning
from storefront.platform.crypto import decrypt, encrypt
from storefront.platform.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PlatformError,
    TenantStepFailed,
)
from storefront.platform.models import (
    CreditBalance,
    Store,
    StoreDatabase,
    StoreSlugHistory,
    StoreStatus,
    User,
)
from storefront.platform.provisioning import describe_failure
from storefront.platform.tenant_dbs import load_tenant_url
from storefront.platform.users import user_by_email
from storefront.unit_of_work import after_commit_of, saga_step

log = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$")
RESERVED_SLUGS = frozenset({
    "platform", "static", "healthz", "readyz", "sitemap.xml", "robots.txt", "favicon.ico",
    "api", "admin", "www", "assets", "media", "login", "logout", "account", "cart", "checkout",
    "search", "order", "orders", "preview", "well-known", "storefront", "help", "status",
})


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


def find_store(session: Session, slug: str, *, allow_deleted: bool = False) -> Store:
    """The store with this slug: NotFound, or Conflict if it was deleted (unless allowed)."""
    store = session.scalar(select(Store).where(Store.slug == slug))
    if store is None:
        raise NotFound(f"no store with slug {slug!r}")
    if store.deleted_at is not None and not allow_deleted:
        raise Conflict(f"store {slug!r} was deleted")
    return store


def _check_new_store(name: str, currency: str, default_locale: str,
                     locales: list[str]) -> None:
    if not name or len(name) > 200:
        raise InvalidInput("the store name must have 1-200 characters")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise InvalidInput(f"not an ISO 4217 currency code: {currency!r}")
    if default_locale not in locales:
        raise InvalidInput("the default locale must be one of the store's locales")


@dataclass
class StoreInfo:
    """A store as an operator sees it: master's row plus where its data lives."""

    store: Store
    owner_email: str
    managed_db: bool
    db_dropped: bool
    old_slugs: list[str] = field(default_factory=list)
    balance: Decimal = Decimal("0")


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
        """The store with this slug (see ``find_store``)."""
        return find_store(self.session, slug, allow_deleted=allow_deleted)

    def tenant_url(self, store_id: uuid.UUID) -> str:
        """The decrypted URL of the store's tenant DB."""
        return load_tenant_url(self.session, self.fernet, store_id)

    def info(self, store: Store) -> StoreInfo:
        """The store with its owner, database, former slugs and credit balance."""
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
        """Every store, deleted ones too, by slug."""
        return [self.info(s) for s in self.session.scalars(select(Store).order_by(Store.slug))]

    def ensure_slug_free(self, slug: str, for_store: uuid.UUID | None = None) -> None:
        """Conflict unless ``slug`` is unused (or a former slug of ``for_store`` itself)."""
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
        name, currency, locales = name.strip(), currency.upper(), locales or [default_locale]
        _check_new_store(name, currency, default_locale, locales)
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
            self._undo_create(store_id, exc)
        return self.activate_provisioned(store)

    def reserve(self, store_id: uuid.UUID, owner_id: uuid.UUID, slug: str, url: str,
                managed: bool) -> Store:
        """Saga step 1: the master rows, in status ``provisioning`` (routing answers 404)."""
        store = Store(id=store_id, user_id=owner_id, slug=slug,
                      status=StoreStatus.PROVISIONING, is_active=False)
        try:
            with saga_step(self.session):
                self.session.add(store)
                try:
                    self.session.flush()  # the rows below reference it
                except IntegrityError:
                    raise Conflict(f"the slug {slug!r} is already taken") from None
                self.session.add(StoreDatabase(store_id=store_id, managed=managed,
                                               encrypted_url=encrypt(self.fernet, url)))
                self.session.add(CreditBalance(store_id=store_id, balance=Decimal("0")))
        except IntegrityError as exc:
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
            with provisioning.engine_at(url, create=create_db) as engine:
                provisioning.migrate(engine)
                _write_tenant_store(engine, tenant_row)
        except Exception:
            if created:
                try:
                    provisioning.drop_database(url)
                except Exception:  # the caller reports the first failure; check finds the rest
                    log.exception("could not drop the tenant DB of a failed create")
            raise

    def activate_provisioned(self, store: Store) -> Store:
        """Saga step 4: the store goes live."""
        try:
            with saga_step(self.session):
                store.status = StoreStatus.ACTIVE
                store.is_active = True
        except SQLAlchemyError as exc:
            raise TenantStepFailed(
                f"the tenant database of store {store.id} is ready but master could not mark "
                f"it active ({describe_failure(exc)}); it stays in status provisioning (answers "
                "404) until `storefront tenants check --repair` activates it"
            ) from exc
        self.forget_slugs([store.slug])
        return store

    def _undo_create(self, store_id: uuid.UUID, exc: Exception) -> None:
        reason = describe_failure(exc)
        try:
            with saga_step(self.session):
                self.delete_master_rows(store_id)
        except SQLAlchemyError:
            raise TenantStepFailed(
                f"the tenant database could not be prepared ({reason}) and the master row could "
                f"not be removed: store {store_id} is left in status provisioning (answers 404); "
                "run `storefront tenants check --repair`"
            ) from exc
        raise TenantStepFailed(
            f"the tenant database could not be prepared ({reason}); nothing was created"
        ) from exc

    def delete_master_rows(self, store_id: uuid.UUID) -> None:
        """Remove a store that never went live from master (its rows, not its tenant DB)."""
        for model in (CreditBalance, StoreDatabase):
            self.session.execute(delete(model).where(model.store_id == store_id))
        self.session.execute(delete(Store).where(Store.id == store_id))

    # rename --------------------------------------------------------------------------------

    def rename(self, slug: str, new_slug: str) -> Store:
        """Change a store's slug in both DBs; the old slug redirects to the new one."""
        store = self._live(slug)
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
        try:
            with saga_step(self.session):
                if reclaimed is not None:  # renaming back to a slug this store used before
                    restore = (reclaimed.id, reclaimed.created_at)
                    self.session.delete(reclaimed)
                store.slug = new_slug
                self.session.add(StoreSlugHistory(store_id=store.id, old_slug=slug))
        except IntegrityError:
            raise Conflict(f"the slug {new_slug!r} is already taken") from None
        self.forget_store_slugs(store, also=[slug, new_slug])

        # Step 2, the tenant's copy of the slug.
        try:
            self.write_tenant_slug(store.id, new_slug)
        except Exception as exc:
            self._undo_rename(store, slug, new_slug, restore, updated_at, exc)
        return store

    def write_tenant_slug(self, store_id: uuid.UUID, slug: str) -> None:
        """Set the slug in the tenant DB's own ``stores`` row."""
        with provisioning.engine_at(self.tenant_url(store_id)) as engine, \
                engine.begin() as connection:
            result = connection.execute(
                update(TenantStore).where(TenantStore.id == store_id).values(slug=slug)
            )
            if result.rowcount != 1:
                raise provisioning.ProvisioningError("the tenant DB has no row for this store")

    def _undo_rename(self, store: Store, old: str, new: str,
                     reclaimed: tuple[uuid.UUID, datetime] | None, updated_at: datetime,
                     exc: Exception) -> None:
        reason = describe_failure(exc)
        store_id = store.id
        try:
            with saga_step(self.session):
                self.session.execute(
                    delete(StoreSlugHistory).where(StoreSlugHistory.old_slug == old))
                self.session.execute(update(Store).where(Store.id == store_id)
                                     .values(slug=old, updated_at=updated_at))
                if reclaimed is not None:
                    self.session.add(StoreSlugHistory(id=reclaimed[0], store_id=store_id,
                                                      old_slug=new, created_at=reclaimed[1]))
        except SQLAlchemyError:
            raise TenantStepFailed(
                f"the tenant DB could not be updated ({reason}) and master could not be put "
                f"back: master says {new!r}, the tenant says {old!r}; run "
                "`storefront tenants check --repair` once the tenant DB is reachable"
            ) from exc
        self.session.expire(store)
        self.forget_store_slugs(store, also=[old, new])
        raise TenantStepFailed(
            f"the tenant DB could not be updated ({reason}); the rename was undone, "
            f"the store keeps the slug {old!r}"
        ) from exc

    def forget_store_slugs(self, store: Store, also: Iterable[str] = ()) -> None:
        """Drop the cached resolution of the store's slug, its former ones and ``also``."""
        self.forget_slugs(self._slugs(store, also))

    def forget_store_slugs_after_commit(self, store: Store) -> None:
        """``forget_store_slugs`` once the session's transaction has committed."""
        slugs = self._slugs(store)
        after_commit_of(self.session, lambda: self.forget_slugs(slugs))

    def _slugs(self, store: Store, also: Iterable[str] = ()) -> set[str]:
        old = self.session.scalars(
            select(StoreSlugHistory.old_slug).where(StoreSlugHistory.store_id == store.id)
        ).all()
        return {store.slug, *old, *also}

    # suspend / activate / delete ------------------------------------------------------------

    def suspend(self, slug: str) -> Store:
        """Take the store offline (503) without touching its data."""
        return self._set_online(slug, StoreStatus.SUSPENDED)

    def activate(self, slug: str) -> Store:
        """Put a suspended store back online."""
        return self._set_online(slug, StoreStatus.ACTIVE)

    def _set_online(self, slug: str, status: StoreStatus) -> Store:
        """Master only, flushed; routing forgets the store once the caller has committed."""
        store = self._live(slug)
        store.status = status
        store.is_active = status == StoreStatus.ACTIVE
        self.session.flush()
        self.forget_store_slugs_after_commit(store)
        return store

    def _live(self, slug: str) -> Store:
        store = self.get(slug)
        if store.status == StoreStatus.PROVISIONING:
            raise Conflict(f"store {slug!r} is still being created")
        return store

    def delete(self, slug: str) -> Store:
        """Soft-delete in master (410 at once), then remove the tenant's data."""
        store = self._live(slug)  # a create still running would race the drop
        with saga_step(self.session):  # step 1: routing answers 410 from now on
            store.status = StoreStatus.SUSPENDED
            store.is_active = False
            store.deleted_at = datetime.now(UTC)
        self.forget_store_slugs(store)
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
        """Saga step: drop the store's managed DB (or empty the one the owner brought), then
        record that in master; once."""
        db_row = self.session.get(StoreDatabase, store_id)
        if db_row is None or db_row.dropped_at is not None:
            return
        url = decrypt(self.fernet, db_row.encrypted_url)
        if db_row.managed:
            provisioning.drop_database(url)
        else:
            with provisioning.engine_at(url) as engine:
                provisioning.purge_rows(engine)
        with saga_step(self.session):
            db_row.dropped_at = datetime.now(UTC)


def _write_tenant_store(engine: Engine, tenant_row: dict[str, Any]) -> None:
    """The tenant DB's own ``stores`` row, unless it is there already (an adopted DB)."""
    with Session(engine) as tenant, tenant.begin():
        existing = tenant.scalar(select(TenantStore.id))
        if existing is not None and existing != tenant_row["id"]:
            raise provisioning.ProvisioningError("that database already holds another store")
        if existing is None:
            tenant.add(TenantStore(**tenant_row))
