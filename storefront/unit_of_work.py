"""One unit of work per request, CLI command and job: the one place that commits.

A unit holds the sessions its work writes through (master, and the tenant sessions it opened) and
the callbacks to run once they are committed. At its end it commits master, then each tenant, then
runs the callbacks (bump a store's cache version, empty a cart, tell every process a session
ended); on failure it rolls everything back and drops the callbacks. Services only flush, and undo
a failed part of their own work with ``savepoint``; they never commit or roll back their caller's
session.

Master commits first on purpose. Nothing spans the two databases, so what master records about a
tenant write (the order e-mail job) is committed before that write: if the tenant commit then
fails, the job finds no order and gives up; an order that committed always has its job.

A request's unit commits before any ``after_request`` hook runs (a page is stored by the page
cache only once its writes committed), and only for a response below 400. A saga across master and
a tenant DB commits each step on its own, on purpose: ``saga_step``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, after_this_request, g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

from storefront.extensions import db

Callback = Callable[[], object]  # what it returns is ignored
# A service may be handed the scoped ``db.session`` or a plain session.
AnySession = Session | scoped_session[Any]


class NoUnitOfWork(RuntimeError):
    """``after_commit`` was called with no request, command or job running."""


@dataclass(eq=False)
class UnitOfWork:
    """The sessions and after-commit callbacks of one request, command or job."""

    master: Session
    tenants: list[Session] = field(default_factory=list)
    callbacks: list[Callback] = field(default_factory=list)
    closers: list[Callback] = field(default_factory=list)
    finished: bool = False

    def enlist(self, session: Session) -> None:
        """Commit ``session`` (a tenant's) with this unit, after master."""
        if not any(s is session for s in self.tenants):
            self.tenants.append(session)

    def after_commit(self, callback: Callback) -> None:
        """Run ``callback`` once this unit has committed (never if it rolls back)."""
        self.callbacks.append(callback)

    def after_end(self, closer: Callback) -> None:
        """Run ``closer`` when this unit ends, committed or not (close a session it opened)."""
        self.closers.append(closer)

    def commit(self) -> None:
        """Commit master, then every tenant session, then run the callbacks in order."""
        self.finished = True
        try:
            self.master.commit()
            for tenant in self.tenants:
                tenant.commit()
        except BaseException:
            self.rollback()  # a tenant after a committed master: what master said stands
            raise
        callbacks, self.callbacks = self.callbacks, []
        for callback in callbacks:
            callback()

    def rollback(self) -> None:
        """Undo whatever this unit has not committed and forget its callbacks."""
        self.finished = True
        self.callbacks = []
        for tenant in self.tenants:
            tenant.rollback()
        self.master.rollback()


def _stack() -> list[UnitOfWork]:
    units: list[UnitOfWork] | None = g.get("units_of_work")
    if units is None:
        units = g.units_of_work = []
    return units


def current_unit() -> UnitOfWork | None:
    """The innermost unit of work running in this context, if any."""
    if not has_app_context():
        return None
    units: list[UnitOfWork] = g.get("units_of_work") or []
    return units[-1] if units else None


def after_commit(callback: Callback) -> None:
    """Run ``callback`` once the current unit of work has committed."""
    unit = current_unit()
    if unit is None:
        raise NoUnitOfWork("after_commit needs a request, a command or a job around it")
    unit.after_commit(callback)


def after_commit_of(session: AnySession, callback: Callback) -> None:
    """Run ``callback`` once ``session``'s transaction commits (never if it rolls back).

    For services, which know their session but not the request, command or job around them.
    Registered inside a savepoint, it is dropped if that savepoint rolls back.
    """
    target: Session = session() if isinstance(session, scoped_session) else session
    pending: list[tuple[SessionTransaction | None, Callback]] | None = target.info.get(_PENDING)
    if pending is None:
        pending = target.info[_PENDING] = []
        event.listen(target, "after_commit", _run_pending)
        event.listen(target, "after_soft_rollback", _drop_pending)
    pending.append((target.get_nested_transaction() or target.get_transaction(), callback))


_PENDING = "callbacks_after_commit"


def _run_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return  # SQLAlchemy says "after commit" of a released savepoint too; nothing is durable
    pending, session.info[_PENDING] = session.info.get(_PENDING, []), []
    for _transaction, callback in pending:
        callback()


def _drop_pending(session: Session, ended: SessionTransaction) -> None:
    """What rolled back never happened: forget the callbacks registered inside it."""
    def inside(transaction: SessionTransaction | None) -> bool:
        if transaction is None:
            return ended.parent is None
        while transaction is not None:
            if transaction is ended:
                return True
            transaction = transaction.parent
        return False

    session.info[_PENDING] = [(t, c) for t, c in session.info.get(_PENDING, []) if not inside(t)]


def enlist(session: Session) -> None:
    """Commit ``session`` with the current unit of work (read-only use outside one is fine)."""
    unit = current_unit()
    if unit is not None:
        unit.enlist(session)


def _begin(master: Session | None) -> UnitOfWork:
    unit = UnitOfWork(master if master is not None else db.session())
    _stack().append(unit)
    return unit


def _end(unit: UnitOfWork) -> None:
    units = _stack()
    if unit in units:
        units.remove(unit)
    try:
        if not unit.finished:
            unit.rollback()
    finally:
        closers, unit.closers = unit.closers, []
        for closer in closers:
            closer()


@contextmanager
def unit_of_work(master: Session | None = None) -> Iterator[UnitOfWork]:
    """A command's or a job's unit: committed when the block ends, rolled back if it raises."""
    unit = _begin(master)
    try:
        yield unit
        unit.commit()
    finally:
        _end(unit)


@contextmanager
def saga_step(session: AnySession) -> Iterator[None]:
    """One step of a saga across master and a tenant DB (or of the job queue's protocol):
    committed on its own when the block ends, rolled back if it raises."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def savepoint(session: AnySession) -> Iterator[None]:
    """Part of a service's work that is undone alone if it raises; the caller's transaction and
    whatever it wrote before stay as they were."""
    _open_sqlite_transaction(session)
    with session.begin_nested():
        yield


def _open_sqlite_transaction(session: AnySession) -> None:
    """Make sure a SQLite transaction is really open before a SAVEPOINT.

    The sqlite3 driver begins its transaction only at the first INSERT, UPDATE or DELETE; a
    SAVEPOINT issued before that would start the transaction itself, and releasing it would
    commit. A savepoint is there to guard writes, so the write lock is taken now (other
    connections wait for it through ``busy_timeout``).
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.dbapi_connection
    if driver is not None and not getattr(driver, "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_request() -> None:
    unit = g.request_unit_of_work = _begin(None)

    @after_this_request
    def finish(response: Response) -> Response:
        # An error page is run through the after-request functions again: finish only once.
        if not unit.finished:
            if response.status_code < 400:
                unit.commit()
            else:
                unit.rollback()
        return response


def _end_request(_exc: BaseException | None = None) -> None:
    unit: UnitOfWork | None = g.pop("request_unit_of_work", None)
    if unit is not None:
        _end(unit)


def init_app(app: Flask) -> None:
    """Give every request a unit of work that ends before its ``after_request`` hooks."""
    app.before_request(_begin_request)
    app.teardown_request(_end_request)
