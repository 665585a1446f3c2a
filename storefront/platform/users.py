"""Agency users: the store owners and admins who sign in to the platform."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from storefront.platform.errors import Conflict, InvalidInput, NotFound
from storefront.platform.models import User, UserRole
from storefront.unit_of_work import savepoint

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def create_user(session: Session, email: str, password: str, role: str = "owner") -> User:
    """Register an agency user (store owner or admin); flushed."""
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
    try:
        with savepoint(session):  # a create racing this one took the e-mail first
            session.add(user)
            session.flush()
    except IntegrityError:
        raise Conflict(f"a user with e-mail {email} already exists") from None
    return user


def user_by_email(session: Session, email: str) -> User:
    """The user with this e-mail address (any case), or NotFound."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user with e-mail {email}")
    return user
