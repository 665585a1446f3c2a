"""The master job queue: enqueue, claim, complete, retry with backoff, dead after max attempts.

Every transition of a job (claimed, done, back to pending, dead) is committed on its own, as a
saga step: other workers must see it at once, and a worker that dies between two steps leaves a
claim that goes stale and is taken over. The handler runs in a unit of work of its own.

A claim is one statement that moves a due job from ``pending`` to ``running`` and stamps it with a
claim token that is unique to this claim. On PostgreSQL the job is picked with
``FOR UPDATE SKIP LOCKED``, so concurrent workers never wait on, nor take, the same row; on SQLite
the single ``UPDATE … WHERE status = 'pending'`` runs under the database's write lock, which is
just as exclusive. Every later transition is conditional on that token, so a worker whose claim
was taken over (after ``STALE_AFTER``) cannot overwrite the new owner's result.
"""
from __future__ import annotations

import logging
import os
import socket
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storefront.models_base import utcnow
from storefront.platform.models import Job
from storefront.unit_of_work import saga_step, unit_of_work

log = logging.getLogger(__name__)

PENDING = "pending"
RUNNING = "running"
DONE = "done"
DEAD = "dead"

# A running job whose worker has not finished it after this long is presumed crashed and is
# claimed again. Far longer than any handler may take (SMTP has a 30-second timeout).
STALE_AFTER = timedelta(minutes=15)
RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 3600


class PermanentJobError(Exception):
    """A failure that retrying cannot fix: the job goes straight to ``dead``."""


class RetryLater(Exception):
    """A handler's expected, temporary failure (logged without a traceback, then retried)."""


JobHandler = Callable[[Mapping[str, Any]], str | None]


def register_handler(registry: dict[str, JobHandler], kind: str, handler: JobHandler) -> None:
    """Register ``handler`` for jobs of ``kind`` in ``registry`` (``app.extensions``)."""
    if kind in registry and registry[kind] is not handler:
        raise ValueError(f"a handler for job kind {kind!r} is already registered")
    registry[kind] = handler


def enqueue(session: Session, kind: str, payload: Mapping[str, Any], *,
            dedupe_key: str | None = None, max_attempts: int = 5,
            run_at: datetime | None = None) -> uuid.UUID:
    """Add a pending job and flush; with ``dedupe_key``, a second enqueue of it adds nothing.

    The job id is derived from the dedupe key, so the primary key itself settles the race of two
    requests enqueueing the same work.
    """
    now = utcnow()
    job_id = uuid.uuid5(uuid.NAMESPACE_URL, f"job:{kind}:{dedupe_key}") if dedupe_key \
        else uuid.uuid4()
    values = {
        "id": job_id, "kind": kind, "payload": dict(payload), "status": PENDING, "attempts": 0,
        "max_attempts": max_attempts, "run_at": run_at or now, "created_at": now,
        "updated_at": now,
    }
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(Job).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(Job).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - only the two supported backends
        session.add(Job(**values))
    session.flush()
    return job_id


@dataclass(frozen=True)
class ClaimedJob:
    """A job this worker now owns, until it completes or fails it with ``token``."""

    id: uuid.UUID
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    token: str


def claim(session: Session, worker: str, now: datetime | None = None) -> ClaimedJob | None:
    """Take the next due job (or a stale running one) in one committed statement, or None."""
    now = now or utcnow()
    token = f"{worker}:{uuid.uuid4().hex[:12]}"[:100]
    due = or_(
        and_(Job.status == PENDING, Job.run_at <= now),
        and_(Job.status == RUNNING, Job.locked_at < now - STALE_AFTER),
    )
    next_id = (
        select(Job.id).where(due).order_by(Job.run_at, Job.created_at).limit(1)
        # Rendered on PostgreSQL only; SQLite takes the database write lock for the UPDATE.
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    with saga_step(session):
        row = session.execute(
            update(Job)
            .where(Job.id == next_id, due)  # re-checked: the row must still be due when updated
            .values(status=RUNNING, locked_at=now, locked_by=token, attempts=Job.attempts + 1,
                    updated_at=now)
            .returning(Job.id, Job.kind, Job.payload, Job.attempts, Job.max_attempts)
            .execution_options(synchronize_session=False)
        ).first()
    if row is None:
        return None
    return ClaimedJob(row.id, row.kind, dict(row.payload or {}), row.attempts, row.max_attempts,
                      token)


def complete(session: Session, job: ClaimedJob, note: str | None = None,
             now: datetime | None = None) -> bool:
    """Mark a claimed job done (``note`` is kept in ``last_error``); False if no longer ours."""
    return _finish(session, job, {"status": DONE, "last_error": note}, now)


def retry_delay(attempts: int, base: int = RETRY_BASE_SECONDS,
                cap: int = RETRY_CAP_SECONDS) -> timedelta:
    """Exponential backoff: base, 2·base, 4·base … after the 1st, 2nd, 3rd … failed attempt."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def fail(session: Session, job: ClaimedJob, error: str, *, permanent: bool = False,
         base: int = RETRY_BASE_SECONDS, now: datetime | None = None) -> str:
    """Record a failed attempt: back to pending after a backoff, or dead; returns the new status."""
    now = now or utcnow()
    if permanent or job.attempts >= job.max_attempts:
        _finish(session, job, {"status": DEAD, "last_error": error[:4000]}, now)
        return DEAD
    _finish(session, job, {"status": PENDING, "last_error": error[:4000],
                           "run_at": now + retry_delay(job.attempts, base)}, now)
    return PENDING


def _finish(session: Session, job: ClaimedJob, values: dict[str, Any],
            now: datetime | None) -> bool:
    now = now or utcnow()
    with saga_step(session):
        result = session.execute(
            update(Job)
            .where(Job.id == job.id, Job.status == RUNNING, Job.locked_by == job.token)
            .values(locked_at=None, locked_by=None, updated_at=now, **values)
            .execution_options(synchronize_session=False)
        )
    owned = bool(result.rowcount)  # type: ignore[attr-defined]
    if not owned:
        log.warning("job %s was taken over by another worker; result not recorded", job.id)
    return owned


@dataclass
class WorkerReport:
    """What one pass of the worker did."""

    done: int = 0
    retried: int = 0
    dead: int = 0
    outcomes: list[tuple[uuid.UUID, str]] = field(default_factory=list)

    @property
    def processed(self) -> int:
        return self.done + self.retried + self.dead


def worker_name() -> str:
    """``host:pid`` of this process, the prefix of its claim tokens."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_job(session: Session, registry: Mapping[str, JobHandler], job: ClaimedJob, *,
            base: int = RETRY_BASE_SECONDS, now: datetime | None = None) -> str:
    """Run one claimed job's handler and record the outcome; returns the job's new status."""
    handler = registry.get(job.kind)
    if handler is None:
        return fail(session, job, f"no handler for job kind {job.kind!r}", permanent=True, now=now)
    try:
        with unit_of_work(session):  # what the handler writes, undone if it fails
            note = handler(job.payload)
    except PermanentJobError as exc:
        log.error("job %s (%s) failed for good: %s", job.id, job.kind, exc)
        return fail(session, job, f"{type(exc).__name__}: {exc}", permanent=True, now=now)
    except RetryLater as exc:
        log.warning("job %s (%s) attempt %d: %s", job.id, job.kind, job.attempts, exc)
        return fail(session, job, str(exc), base=base, now=now)
    except Exception as exc:  # any other failure is retried; the traceback is kept on the job
        log.exception("job %s (%s) attempt %d failed", job.id, job.kind, job.attempts)
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return fail(session, job, detail, base=base, now=now)
    complete(session, job, note, now=now)
    return DONE


def run_pending(session: Session, registry: Mapping[str, JobHandler], *, worker: str | None = None,
                base: int = RETRY_BASE_SECONDS, now: datetime | None = None,
                limit: int | None = None,
                stopping: Callable[[], bool] = lambda: False) -> WorkerReport:
    """Claim and run due jobs until none is left, ``limit`` were run or ``stopping()`` says so."""
    report = WorkerReport()
    worker = worker or worker_name()
    while (limit is None or report.processed < limit) and not stopping():
        job = claim(session, worker, now)
        if job is None:
            break
        status = run_job(session, registry, job, base=base, now=now)
        report.outcomes.append((job.id, status))
        if status == DONE:
            report.done += 1
        elif status == DEAD:
            report.dead += 1
        else:
            report.retried += 1
    return report
