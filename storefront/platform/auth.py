"""Agency-user authentication against master ``users``: login, session generations, passwords."""
from __future__ import annotations

import uuid

from flask import session as http_session
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from storefront.logins.generations import cache_key, current_generation, publish_after_commit
from storefront.logins.throttle import login_throttle
from storefront.platform.errors import InvalidInput
from storefront.platform.models import User, UserRole

SCOPE = "platform"
MIN_PASSWORD_LENGTH = 8
# Checked when the e-mail is unknown, so both paths cost one password hash.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
# What the session holds of a login: the user and the generation it was issued under.
USER_KEY, GENERATION_KEY = "platform_user_id", "platform_generation"


class WrongPassword(Exception):
    """The current password given to confirm a change is not the user's."""


def authenticate(session: Session, email: str, password: str, source: str) -> User | None:
    """The user for these credentials, None if wrong; ``LoginThrottled`` while ``source`` waits."""
    email = email.strip().lower()
    throttle = login_throttle(SCOPE)
    throttle.check(email, source)
    user = session.scalar(select(User).where(User.email == email))
    if user is not None and check_password_hash(user.password_hash, password):
        throttle.record_success(email, source)
        return user
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
    throttle.record_failure(email, source)
    return None


def can_manage(user_id: uuid.UUID, role: UserRole, owner_id: uuid.UUID) -> bool:
    """An owner manages their own stores; an admin manages every store."""
    return role == UserRole.ADMIN or user_id == owner_id


def end_sessions(session: Session, user_id: uuid.UUID) -> int:
    """End every session of the user issued so far (logout, sign out everywhere); flushes.

    Returns the new generation. The increment happens in the database, so two of them at once
    both count; every process hears of it once the caller's unit of work commits.
    """
    session.execute(update(User).where(User.id == user_id)
                    .values(session_generation=User.session_generation + 1)
                    .execution_options(synchronize_session=False))
    generation = session.scalar(select(User.session_generation).where(User.id == user_id))
    if generation is None:  # the UPDATE found no row: nothing was written
        raise InvalidInput(f"no user with id {user_id}")
    publish_after_commit(session, cache_key(SCOPE, user_id), generation)
    return generation


def change_password(session: Session, user: User, current_password: str, new_password: str,
                    source: str) -> int:
    """Set a new password once the current one is confirmed; ends every earlier session.

    The current password is checked under the login throttle: a stolen session must not be a way
    to guess it. Returns the new generation, for the session that made the change to keep.
    """
    throttle = login_throttle(SCOPE)
    throttle.check(user.email, source)
    if not check_password_hash(user.password_hash, current_password):
        throttle.record_failure(user.email, source)
        raise WrongPassword("Your current password is not correct.")
    return set_password(session, user.id, new_password)


def set_password(session: Session, user_id: uuid.UUID, new_password: str) -> int:
    """Replace the password and end every earlier session. Returns the generation."""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    session.execute(update(User).where(User.id == user_id)
                    .values(password_hash=generate_password_hash(new_password))
                    .execution_options(synchronize_session=False))
    return end_sessions(session, user_id)


# -- the request side: what the session says about the signed-in agency user ------------------


def start_session(user: User) -> None:
    """Sign ``user`` in: a new session, nothing of the anonymous one carried over (fixation)."""
    http_session.clear()
    http_session[USER_KEY] = str(user.id)
    http_session[GENERATION_KEY] = user.session_generation
    http_session.permanent = True


def session_user_id() -> uuid.UUID | None:
    """The user id the session claims, before any check that its login is still current."""
    raw = http_session.get(USER_KEY)
    if not isinstance(raw, str):
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def session_is_current(user: User) -> bool:
    """Whether the session's login has not been ended since (``user`` is the claimed user)."""
    generation: object = http_session.get(GENERATION_KEY, 0)
    return generation == user.session_generation


def signed_in_user_id(session: Session) -> uuid.UUID | None:
    """The signed-in agency user's id, checked against the current generation.

    For requests that need only the id (a store page its owner views): the generation comes from
    the shared cache, so master is read only when the cache has forgotten it.
    """
    user_id = session_user_id()
    if user_id is None:
        return None
    current = current_generation(
        cache_key(SCOPE, user_id),
        lambda: session.scalar(select(User.session_generation).where(User.id == user_id)),
    )
    if current is None or http_session.get(GENERATION_KEY, 0) != current:
        return None
    return user_id
