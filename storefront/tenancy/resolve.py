"""Store resolution: slug → the master row's essentials, through the shared cache."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
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


# Versions, not deletions: whatever is built while a change commits is stored under the old
# version and never read again, where a deleted key could be written back stale.
STORES_VERSION_KEY = "stores-version"


def _key(slug: str) -> str:
    return f"store-slug:{slug}"


def forget_slugs(slugs: Iterable[str]) -> None:
    """Drop the cached resolution of these slugs (after any change to their store)."""
    cache.delete_many(*[_key(s) for s in slugs])
    _bump(STORES_VERSION_KEY)  # the set of live stores (or their slugs) may have changed


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


def resolve_store(slug: str, *, ttl: int = 300,
                  signed_in: Callable[[], uuid.UUID | None] | None = None) -> ResolvedStore:
    """The store a request is for, or the exception that answers it.

    ``signed_in`` gives the logged-in agency user, whose own suspended store still resolves; it
    is asked only for a store that is not serving, so a live store's page checks no login.
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
    if not store.serving and (signed_in is None or signed_in() != store.owner_id):
        raise StoreSuspended(slug)
    return store


def _version_key(store_id: uuid.UUID) -> str:
    return f"store-version:{store_id}"


def _settings_version_key(store_id: uuid.UUID) -> str:
    return f"store-settings-version:{store_id}"


def _version(key: str) -> int:
    version = cache.get(key)
    if version is None:
        # Unknown (first use, or evicted): start a fresh, unguessable generation.
        version = uuid.uuid4().int & 0xFFFFFFFF
        cache.add(key, version, timeout=0)
        version = cache.get(key) or version
    return int(version)


def _bump(key: str) -> None:
    cache.set(key, (_version(key) + 1) & 0xFFFFFFFF, timeout=0)


def store_version(store_id: uuid.UUID) -> int:
    """The store's content version; every cached page of the store is keyed on it."""
    return _version(_version_key(store_id))


def settings_versions(store_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Each store's settings version (one cache round trip for all that are known)."""
    ids = list(store_ids)
    found = cache.get_many(*[_settings_version_key(i) for i in ids]) if ids else []
    return {store_id: int(version) if version is not None
            else _version(_settings_version_key(store_id))
            for store_id, version in zip(ids, found, strict=True)}


def stores_version() -> int:
    """Moves with any store's life (create, rename, suspend…) or settings: what is built from
    every live store at once (robots.txt) is keyed on it."""
    return _version(STORES_VERSION_KEY)


def bump_store_version(store_id: uuid.UUID, *, settings_changed: bool = True) -> None:
    """Invalidate every cached page of the store at once (catalog import, theme publish…).

    ``settings_changed=False`` is for writes that cannot touch the store's settings (a
    shopper's order): what is built from settings alone, like its robots.txt rules, stays.
    """
    _bump(_version_key(store_id))
    if settings_changed:
        _bump(_settings_version_key(store_id))
        _bump(STORES_VERSION_KEY)
