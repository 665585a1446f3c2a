"""Old product/category URLs of a store and where they live now (one hop, whatever the chain)."""
from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storefront.catalog.models import Redirect


def record_move(session: Session, old_path: str, new_path: str) -> None:
    """``old_path`` (e.g. ``p/old-slug``) now lives at ``new_path``; chains are flattened."""
    if old_path == new_path:
        return
    # Whatever pointed at the old path now points straight at the new one…
    session.execute(update(Redirect).where(Redirect.new_path == old_path)
                    .values(new_path=new_path))
    # …and a path that is live again is no longer redirected.
    session.execute(delete(Redirect).where(Redirect.old_path == new_path))
    existing = session.scalar(select(Redirect).where(Redirect.old_path == old_path))
    if existing is None:
        session.add(Redirect(old_path=old_path, new_path=new_path))
    else:
        existing.new_path = new_path
    session.flush()


def find_redirect(session: Session, path: str) -> str | None:
    """Where a store-relative path moved to, if it did."""
    return session.scalar(select(Redirect.new_path).where(Redirect.old_path == path))
