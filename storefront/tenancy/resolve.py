"""Store resolution: slug → the master row's essentials, through the shared cache."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from storefront.extensions import cache, db
from storefront.platform.models import Store, StoreDatabase, StoreSlugHistory, StoreStatus
from storefront.tenancy.errors import StoreGone, StoreMoved, StoreNotFound, StoreSuspended


@dataclass(frozen=True)
class ResolvedStore:
    """What a request needs to know about its store from master."""

    id: uuid.UUID
    slug: str
    owner_id: uuid.UUID
    status: str
    is_active: bool
    deleted: bool
    db_version: int

    @property
    def serving(self) -> bool:
        return self.status == StoreStatus.ACTIVE.value and self.is_active and not self.deleted


# robots.txt is assembled from every live store; any change to a store drops it.
ROBOTS_KEY = "robots-txt"


def _key(slug: str) -> str:
    return f"store-slug:{slug}"


def forget_slugs(slugs: Iterable[str]) -> None:
    """Drop the cached resolution of these slugs (after any change to their store)."""
    cache.delete_many(*[_key(s) for s in slugs], ROBOTS_KEY)


def _lookup(slug: str) -> dict[str, Any]:
    """Read master once: the store with this slug, or the store that used to have it."""
    row = db.session.execute(
        select(Store, StoreDatabase.version)
        .outerjoin(StoreDatabase, StoreDatabase.store_id == Store.id)
        .where(Store.slug == slug)
    ).first()
    if row is None:
        current = db.session.scalar(
            select(Store.slug).join(StoreSlugHistory, StoreSlugHistory.store_id == Store.id)
            .where(StoreSlugHistory.old_slug == slug)
        )
        if current is None:
            return {"kind": "missing"}
        return {"kind": "moved", "slug": current}
    store, version = row
    return {
        "kind": "store",
        "id": str(store.id),
        "slug": store.slug,
        "owner_id": str(store.user_id),
        "status": store.status.value,
        "is_active": store.is_active,
        "deleted": store.deleted_at is not None,
        "db_version": version or 0,
    }


def lookup_store(slug: str, ttl: int = 300) -> dict[str, Any]:
    """The cached master view of a slug (master is read only on a miss)."""
    key = _key(slug)
    entry: dict[str, Any] | None = cache.get(key)
    if entry is None:
        entry = _lookup(slug)
        # Only slugs that exist (or did) are kept: random paths must not fill the cache.
        if entry["kind"] != "missing":
            cache.set(key, entry, timeout=ttl)
    return entry


def resolve_store(slug: str, *, ttl: int = 300, owner_id: uuid.UUID | None = None) -> ResolvedStore:
    """The store a request is for, or the exception that answers it.

    ``owner_id`` is the logged-in agency user: its own suspended store still resolves.
    """
    entry = lookup_store(slug, ttl)
    if entry["kind"] == "missing":
        raise StoreNotFound(slug)
    if entry["kind"] == "moved":
        raise StoreMoved(entry["slug"])
    store = ResolvedStore(
        id=uuid.UUID(entry["id"]), slug=entry["slug"], owner_id=uuid.UUID(entry["owner_id"]),
        status=entry["status"], is_active=entry["is_active"], deleted=entry["deleted"],
        db_version=entry["db_version"],
    )
    if store.deleted:
        raise StoreGone(slug)
    if store.status == StoreStatus.PROVISIONING.value:
        raise StoreNotFound(slug)
    if not store.serving and (owner_id is None or owner_id != store.owner_id):
        raise StoreSuspended(slug)
    return store


def _version_key(store_id: uuid.UUID) -> str:
    return f"store-version:{store_id}"


def store_version(store_id: uuid.UUID) -> int:
    """The store's content version; every cached page of the store is keyed on it."""
    version = cache.get(_version_key(store_id))
    if version is None:
        # Unknown (first use, or evicted): start a fresh, unguessable generation.
        version = uuid.uuid4().int & 0xFFFFFFFF
        cache.add(_version_key(store_id), version, timeout=0)
        version = cache.get(_version_key(store_id)) or version
    return int(version)


def bump_store_version(store_id: uuid.UUID) -> None:
    """Invalidate every cached page of the store at once (catalog import, theme publish…)."""
    cache.set(_version_key(store_id), (store_version(store_id) + 1) & 0xFFFFFFFF, timeout=0)
    cache.delete(ROBOTS_KEY)
