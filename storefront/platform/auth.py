"""Agency-user authentication against master ``users``, with a login rate limit."""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from storefront.extensions import cache
from storefront.platform.models import User, UserRole

# Checked when the e-mail is unknown, so both paths cost one password hash.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class LoginThrottled(Exception):
    """Too many failed logins for this account or address; try again later."""


@dataclass(frozen=True)
class LoginLimit:
    attempts: int = 5
    window_seconds: int = 900


def _throttle_keys(email: str, remote_addr: str | None) -> list[str]:
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    return [f"login-fail:platform:email:{digest}", f"login-fail:platform:ip:{remote_addr or '-'}"]


def authenticate(session: Session, email: str, password: str, remote_addr: str | None,
                 limit: LoginLimit = LoginLimit()) -> User | None:
    """The user for these credentials, None if wrong; LoginThrottled past the failure limit."""
    email = email.strip().lower()
    keys = _throttle_keys(email, remote_addr)
    # The address limit is looser: several people can share one.
    caps = [limit.attempts, limit.attempts * 4]
    if any((cache.get(k) or 0) >= cap for k, cap in zip(keys, caps, strict=True)):
        raise LoginThrottled()
    user = session.scalar(select(User).where(User.email == email))
    if user is not None and check_password_hash(user.password_hash, password):
        cache.delete(keys[0])
        return user
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
    for key in keys:
        if not cache.add(key, 1, timeout=limit.window_seconds):
            cache.cache.inc(key)
    return None


def can_manage(user_id: uuid.UUID, role: UserRole, owner_id: uuid.UUID) -> bool:
    """An owner manages their own stores; an admin manages every store."""
    return role == UserRole.ADMIN or user_id == owner_id
