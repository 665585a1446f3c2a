"""Encryption of tenant credentials at rest (MultiFernet: the first key encrypts, all decrypt)."""
from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class CredentialError(Exception):
    """A stored credential cannot be decrypted with the configured keys."""


def fernet_from_config(keys: str) -> MultiFernet:
    """Build the MultiFernet from the comma-separated ``ENCRYPTION_KEY``."""
    try:
        return MultiFernet([Fernet(k.strip()) for k in keys.split(",") if k.strip()])
    except (ValueError, TypeError) as exc:
        raise CredentialError(
            "ENCRYPTION_KEY is not a comma-separated list of Fernet keys"
        ) from exc


def encrypt(fernet: MultiFernet, plaintext: str) -> bytes:
    return fernet.encrypt(plaintext.encode())


def decrypt(fernet: MultiFernet, token: bytes) -> str:
    try:
        return fernet.decrypt(token).decode()
    except InvalidToken:
        raise CredentialError(
            "a tenant credential cannot be decrypted: ENCRYPTION_KEY does not hold the key "
            "it was encrypted with"
        ) from None


def rotate(fernet: MultiFernet, token: bytes) -> bytes:
    """Re-encrypt ``token`` with the first key."""
    try:
        return fernet.rotate(token)
    except InvalidToken:
        raise CredentialError(
            "a tenant credential cannot be decrypted for rotation: keep the old key in "
            "ENCRYPTION_KEY (after the new one) until rotation is done"
        ) from None
