"""The request-scoped tenant session: opened lazily for ``g.store``, always closed at teardown."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from storefront import i18n
from storefront.extensions import db
from storefront.models_base import TenantStore
from storefront.platform.crypto import CredentialError, fernet_from_config
from storefront.platform.provisioning import describe_failure
from storefront.platform.tenant_dbs import load_tenant_url
from storefront.tenancy.connections import ConnectionManager
from storefront.tenancy.errors import TenantUnavailable
from storefront.unit_of_work import NoUnitOfWork, current_unit, enlist

log = logging.getLogger(__name__)


def connections() -> ConnectionManager:
    manager: ConnectionManager = current_app.extensions["tenant_connections"]
    return manager


def tenant_session() -> Session:
    """The session on the current store's tenant DB, opened on first use in this request."""
    session: Session | None = g.get("tenant_session")
    if session is not None:
        return session
    store = g.store
    if g.get("tenant_unavailable"):
        # Tried once in this request already: its 503 page (store name, theme) must not wait
        # for a dead DB's connect timeout again.
        raise TenantUnavailable(store.slug)
    try:
        engine = connections().engine_for(store.id, store.db_version)
        session = Session(engine, expire_on_commit=False, autoflush=False)
        session.connection()  # fail here, as a 503, not halfway through a template
    except (SQLAlchemyError, CredentialError, OSError) as exc:
        # Never the URL or the key: only which store and the driver's first line.
        log.error("tenant DB of store %s unavailable: %s", store.id, describe_failure(exc))
        g.tenant_unavailable = True
        raise TenantUnavailable(store.slug) from None
    g.tenant_session = session
    enlist(session)  # committed by the request's unit of work, after master
    return session


def close_tenant_session(_exc: BaseException | None = None) -> None:
    """Roll back whatever was not committed and give the connection back, whatever happened."""
    g.pop("shop", None)  # read through this session: detached once it is closed
    session: Session | None = g.pop("tenant_session", None)
    if session is not None:
        try:
            session.rollback()
        finally:
            session.close()


def _load_tenant_url(store_id: uuid.UUID) -> str:
    return load_tenant_url(db.session(), current_app.extensions["storefront_fernet"], store_id)


def init_app(app: Flask) -> None:
    app.extensions["storefront_fernet"] = fernet_from_config(app.config["ENCRYPTION_KEY"])
    app.extensions["tenant_connections"] = ConnectionManager(
        _load_tenant_url,
        limit=app.config["TENANT_ENGINE_LIMIT"],
        pgbouncer=app.config["TENANT_PGBOUNCER"],
    )
    app.teardown_appcontext(close_tenant_session)
    i18n.set_store_loader(app, current_shop)
    app.jinja_env.globals["loaded_shop"] = loaded_shop


def current_shop() -> TenantStore:
    """The current store's own row from its tenant DB (name, currency, locales, theme…)."""
    shop: TenantStore | None = g.get("shop")
    if shop is None:
        shop = tenant_session().get(TenantStore, g.store.id)
        if shop is None:
            log.error("tenant DB of store %s has no stores row", g.store.id)
            raise TenantUnavailable(g.store.slug)
        g.shop = shop
        i18n.use_store_locales(shop.default_locale, shop.locales)
    return shop


def loaded_shop() -> TenantStore | None:
    """The current store's row if this request has read it already; never reads it (templates
    call this: the page's before-render step has read the row if there is one)."""
    shop: TenantStore | None = g.get("shop")
    return shop


def optional_shop() -> TenantStore | None:
    """The current store's row if there is a resolved, reachable store; for error pages."""
    if g.get("store") is None:
        return None
    try:
        return current_shop()
    except TenantUnavailable:
        return None


def _open_for(store_id: uuid.UUID, db_version: int) -> Session:
    try:
        engine = connections().engine_for(store_id, db_version)
    except (SQLAlchemyError, CredentialError) as exc:
        raise TenantUnavailable(str(store_id)) from exc
    return Session(engine, expire_on_commit=False, autoflush=False)


def open_tenant_session(store_id: uuid.UUID, db_version: int) -> Session:
    """A store's tenant session outside store routing (the platform side), to write through.

    It is committed, after master, by the unit of work of the request or command, and closed
    when that ends.
    """
    unit = current_unit()
    if unit is None:
        raise NoUnitOfWork("a tenant session to write through needs a unit of work")
    session = _open_for(store_id, db_version)
    unit.after_end(session.close)
    try:
        session.connection()  # an unreachable DB is a 503 here, not a 500 at the first query
    except SQLAlchemyError as exc:
        raise TenantUnavailable(str(store_id)) from exc
    unit.enlist(session)
    return session


@contextmanager
def reading_tenant(store_id: uuid.UUID, db_version: int) -> Iterator[Session]:
    """A store's tenant session for reads only, closed (its connection given back) at once."""
    session = _open_for(store_id, db_version)
    try:
        yield session
    except OperationalError as exc:
        raise TenantUnavailable(str(store_id)) from exc
    finally:
        session.close()
