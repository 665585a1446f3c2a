"""Where each store's tenant database lives: its URL, encrypted in master."""
from __future__ import annotations

import uuid

from cryptography.fernet import MultiFernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.platform.crypto import CredentialError, decrypt
from storefront.platform.models import StoreDatabase


def load_tenant_url(session: Session, fernet: MultiFernet, store_id: uuid.UUID) -> str:
    """The decrypted URL of a store's tenant DB (CredentialError if none or unreadable)."""
    encrypted = session.scalar(
        select(StoreDatabase.encrypted_url).where(StoreDatabase.store_id == store_id)
    )
    if encrypted is None:
        raise CredentialError(f"store {store_id} has no tenant database on record")
    return decrypt(fernet, encrypted)
