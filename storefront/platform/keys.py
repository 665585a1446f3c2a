"""``storefront keys rotate``: re-encrypt every tenant credential with the first key."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from cryptography.fernet import MultiFernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.platform.crypto import rotate
from storefront.platform.models import Store, StoreDatabase, StoreSlugHistory
from storefront.unit_of_work import after_commit_of


def rotate_keys(session: Session, fernet: MultiFernet,
                forget_slugs: Callable[[Iterable[str]], None]) -> int:
    """Re-encrypt every tenant credential with the first key (flushed); returns how many rows.

    Each row's version goes up, so engines keyed on it are replaced; routing forgets every
    store's slugs, current and former, once the caller has committed.
    """
    rows = session.scalars(select(StoreDatabase)).all()
    for row in rows:
        row.encrypted_url = rotate(fernet, row.encrypted_url)
        row.version += 1
    session.flush()
    slugs = {*session.scalars(select(Store.slug)),
             *session.scalars(select(StoreSlugHistory.old_slug))}
    after_commit_of(session, lambda: forget_slugs(slugs))
    return len(rows)
