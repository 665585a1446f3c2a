"""One unit of work: only storefront/unit_of_work.py commits; a request commits before its
after_request hooks and only when it succeeded; callbacks run after the commit, never after a
rollback; a savepoint undoes only its own writes and callbacks; a saga step is committed on its
own."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select

from storefront.extensions import db
from storefront.platform import jobs
from storefront.platform.models import Job
from storefront.unit_of_work import (
    after_commit,
    after_commit_of,
    saga_step,
    savepoint,
    unit_of_work,
)

PACKAGE = Path(__file__).resolve().parent.parent / "storefront"
# Where a transaction may end: the unit of work itself, and the edges that throw away what a
# failed request left (the tenant session's teardown, the 500 page, the readiness probe).
ROLLBACK_AT_THE_EDGE = {"unit_of_work.py", "tenancy/session.py", "errors.py", "health.py"}


def _calls(name: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        count = sum(1 for node in ast.walk(tree) if isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute) and node.func.attr == name
                    and not node.args)
        if count:
            found[path.relative_to(PACKAGE).as_posix()] = count
    return found


def test_only_the_unit_of_work_commits() -> None:
    assert set(_calls("commit")) == {"unit_of_work.py"}
    assert set(_calls("rollback")) <= ROLLBACK_AT_THE_EDGE


def _kinds(app: Flask) -> list[str]:
    """The job kinds in master, read through a connection of its own."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as connection:
            return sorted(connection.scalars(select(Job.kind)))
    finally:
        engine.dispose()


def test_callbacks_run_after_the_commit_and_a_savepoint_undoes_only_its_own(app: Flask) -> None:
    ran: list[str] = []
    with app.app_context():
        session = db.session()
        with unit_of_work():
            jobs.enqueue(session, "outer", {})
            after_commit_of(session, lambda: ran.append("outer"))
            after_commit(lambda: ran.append(f"unit, with {_kinds(app)} committed"))
            with pytest.raises(LookupError), savepoint(session):
                jobs.enqueue(session, "undone", {})
                after_commit_of(session, lambda: ran.append("undone"))
                raise LookupError("this part fails")
            with savepoint(session):
                jobs.enqueue(session, "inner", {})
                after_commit_of(session, lambda: ran.append("inner"))
            assert ran == [] and _kinds(app) == []  # nothing is visible before the end
    assert ran == ["outer", "inner", "unit, with ['inner', 'outer'] committed"]
    assert _kinds(app) == ["inner", "outer"]


def test_a_failed_unit_keeps_nothing_and_runs_no_callback(app: Flask) -> None:
    ran: list[str] = []
    with app.app_context(), pytest.raises(RuntimeError):
        with unit_of_work():
            jobs.enqueue(db.session(), "lost", {})
            after_commit(lambda: ran.append("unit"))
            after_commit_of(db.session(), lambda: ran.append("session"))
            raise RuntimeError("the command failed")
    assert ran == [] and _kinds(app) == []


def test_a_saga_step_is_committed_on_its_own(app: Flask) -> None:
    with app.app_context(), pytest.raises(RuntimeError):
        with unit_of_work():
            with saga_step(db.session()):
                jobs.enqueue(db.session(), "step one", {})
            jobs.enqueue(db.session(), "step two", {})
            raise RuntimeError("the saga fails after its first step")
    assert _kinds(app) == ["step one"]


def test_a_request_commits_before_its_after_request_hooks_and_only_on_success(
        app: Flask, client: FlaskClient) -> None:
    seen: list[tuple[str, list[str]]] = []

    @app.get("/test-write/<kind>/<int:status>")
    def write(kind: str, status: int) -> tuple[str, int]:
        jobs.enqueue(db.session(), kind, {})
        after_commit(lambda: seen.append(("after commit", _kinds(app))))
        return "", status

    @app.after_request
    def hook(response: Response) -> Response:  # registered last, so Flask runs it first
        seen.append(("after_request", _kinds(app)))
        return response

    assert client.get("/test-write/kept/201").status_code == 201
    assert seen == [("after commit", ["kept"]), ("after_request", ["kept"])]
    seen.clear()
    assert client.get("/test-write/refused/409").status_code == 409
    assert seen == [("after_request", ["kept"])]  # rolled back, and no callback ran
