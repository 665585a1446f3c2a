"""``storefront tenants check``: find (and repair) where master and a tenant DB disagree.

Drift is what an interrupted saga of ``platform.stores`` leaves: a create stopped halfway, a
delete whose tenant data survived, a rename only master saw.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from storefront.models_base import TenantStore
from storefront.platform import provisioning
from storefront.platform.crypto import CredentialError, decrypt
from storefront.platform.models import Store, StoreDatabase, StoreStatus
from storefront.platform.provisioning import describe_failure
from storefront.platform.stores import StoreService
from storefront.unit_of_work import saga_step


@dataclass
class CheckFinding:
    slug: str
    problem: str
    repaired: str | None = None


def check_tenants(stores: StoreService, repair: bool = False,
                  grace: timedelta = timedelta(minutes=10)) -> list[CheckFinding]:
    """Find (and with ``repair`` fix) disagreements between master and the tenant DBs.

    A store in ``provisioning`` for less than ``grace`` is a create still running, not drift.
    """
    findings: list[CheckFinding] = []
    started_before = datetime.now(UTC) - grace
    for store in stores.session.scalars(select(Store).order_by(Store.slug)).all():
        if store.status == StoreStatus.PROVISIONING and store.created_at > started_before:
            continue
        finding = _check_one(stores, store, repair)
        if finding is not None:
            findings.append(finding)
    return findings


def _check_one(stores: StoreService, store: Store, repair: bool) -> CheckFinding | None:
    db_row = stores.session.get(StoreDatabase, store.id)
    if db_row is None:
        return CheckFinding(store.slug, "no tenant database on record")
    try:
        url = decrypt(stores.fernet, db_row.encrypted_url)
    except CredentialError as exc:
        return CheckFinding(store.slug, str(exc))
    if store.deleted_at is not None:
        return None if db_row.dropped_at is not None else _deleted(stores, store, repair)
    tenant_slug, problem = _read_tenant(store.id, url)
    if store.status == StoreStatus.PROVISIONING:
        return _provisioning(stores, store, repair, tenant_slug is not None, url, db_row.managed)
    if problem is not None:
        return CheckFinding(store.slug, problem)
    if tenant_slug != store.slug:
        return _slug_differs(stores, store, repair, tenant_slug)
    return None


def _deleted(stores: StoreService, store: Store, repair: bool) -> CheckFinding:
    finding = CheckFinding(store.slug, "deleted, but its tenant data is still there")
    if repair:
        try:
            stores.remove_tenant_data(store.id)
            finding.repaired = "tenant data removed"
        except Exception as exc:  # its master step, if it got that far, rolled back
            finding.repaired = f"not repaired: {describe_failure(exc)}"
    return finding


def _provisioning(stores: StoreService, store: Store, repair: bool, tenant_complete: bool,
                  url: str, managed: bool) -> CheckFinding:
    finding = CheckFinding(store.slug, "left in status provisioning by an interrupted create")
    if repair:
        if tenant_complete:
            stores.activate_provisioned(store)
            finding.repaired = "the tenant side was complete: store activated"
        else:
            _discard_provisioning(stores, store, url, managed)
            finding.repaired = "the tenant side was incomplete: the store was removed"
    return finding


def _slug_differs(stores: StoreService, store: Store, repair: bool,
                  tenant_slug: str | None) -> CheckFinding:
    finding = CheckFinding(store.slug, f"the tenant DB says slug {tenant_slug!r}")
    if repair:
        try:
            stores.write_tenant_slug(store.id, store.slug)
            finding.repaired = f"tenant slug set to {store.slug!r}"
        except Exception as exc:
            finding.repaired = f"not repaired: {describe_failure(exc)}"
    return finding


def _read_tenant(store_id: uuid.UUID, url: str) -> tuple[str | None, str | None]:
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


def _discard_provisioning(stores: StoreService, store: Store, url: str, managed: bool) -> None:
    if managed:
        provisioning.drop_database(url)
    with saga_step(stores.session):
        stores.delete_master_rows(store.id)
