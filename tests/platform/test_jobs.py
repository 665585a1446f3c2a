"""The master job queue and ``storefront worker``: claims, retries, dead jobs, two workers."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from storefront.extensions import db
from storefront.models_base import utcnow
from storefront.platform import jobs
from storefront.platform.models import Job
from storefront.platform.worker_cli import run_worker_pass
from tests.conftest import TEST_KEY, Databases
from tests.mail.smtp_server import SmtpSink, smtp_server


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpSink]:
    with smtp_server() as sink:
        app.config["SMTP_URL"] = sink.url
        yield sink


def _email(to: str, subject: str) -> dict[str, str]:
    return {"to": to, "subject": subject, "text": f"body of {subject}"}


def _all_jobs(app: Flask) -> list[Job]:
    with app.app_context():
        found = list(db.session.scalars(select(Job).order_by(Job.created_at)))
        db.session.expunge_all()
        return found


def test_enqueue_claim_complete_and_dedupe(app: Flask) -> None:
    with app.app_context():
        first = jobs.enqueue(db.session, "email", _email("a@example.com", "one"),
                             dedupe_key="k1")
        again = jobs.enqueue(db.session, "email", _email("a@example.com", "other"),
                             dedupe_key="k1")
        db.session.commit()
        assert first == again
        claimed = jobs.claim(db.session, "w1")
        assert claimed is not None and claimed.id == first and claimed.attempts == 1
        assert claimed.payload["subject"] == "one"
        assert jobs.claim(db.session, "w2") is None  # running: nobody else gets it
        stranger = jobs.ClaimedJob(claimed.id, claimed.kind, {}, 1, 5, "w2:not-the-token")
        assert jobs.complete(db.session, stranger) is False
        assert jobs.complete(db.session, claimed) is True
        [job] = db.session.scalars(select(Job)).all()
        assert (job.status, job.locked_by, job.attempts) == ("done", None, 1)


def test_a_crashed_workers_claim_is_taken_over_after_a_while(app: Flask) -> None:
    with app.app_context():
        jobs.enqueue(db.session, "email", _email("a@example.com", "one"))
        db.session.commit()
        crashed = jobs.claim(db.session, "w1")
        assert crashed is not None
        assert jobs.claim(db.session, "w2", now=utcnow() + timedelta(minutes=1)) is None
        later = utcnow() + jobs.STALE_AFTER + timedelta(minutes=1)
        taken = jobs.claim(db.session, "w2", now=later)
        assert taken is not None and taken.id == crashed.id and taken.attempts == 2
        assert jobs.complete(db.session, crashed) is False  # the old claim is void


def test_two_workers_send_each_email_exactly_once(app: Flask, smtp: SmtpSink) -> None:
    count = 16
    with app.app_context():
        for i in range(count):
            jobs.enqueue(db.session, "email", _email(f"c{i}@example.com", f"mail {i}"))
        db.session.commit()
    reports = []
    start = threading.Barrier(2)

    def work() -> None:
        with app.app_context():
            start.wait()
            reports.append(run_worker_pass())

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(smtp.subjects()) == sorted(f"mail {i}" for i in range(count))
    assert sum(r.done for r in reports) == count
    handled = [{job_id for job_id, _ in r.outcomes} for r in reports]
    assert not handled[0] & handled[1]
    assert {(j.status, j.attempts) for j in _all_jobs(app)} == {("done", 1)}


def test_failing_smtp_is_retried_with_backoff_then_dead(app: Flask, smtp: SmtpSink) -> None:
    smtp.reject = "451 4.3.0 Mailbox temporarily unavailable"
    with app.app_context():
        jobs.enqueue(db.session, "email", _email("a@example.com", "x"), max_attempts=3)
        db.session.commit()
        registry = app.extensions["job_handlers"]
        now = utcnow()
        report = jobs.run_pending(db.session, registry, now=now)
        assert (report.retried, report.dead) == (1, 0)
        [job] = db.session.scalars(select(Job)).all()
        assert job.status == "pending" and job.attempts == 1 and "451" in (job.last_error or "")
        delay = timedelta(seconds=jobs.RETRY_BASE_SECONDS)
        # Not due again until the backoff has passed.
        assert jobs.run_pending(db.session, registry, now=now + delay / 2).processed == 0
        assert jobs.run_pending(db.session, registry, now=now + delay).retried == 1
        db.session.expire_all()
        job = db.session.scalars(select(Job)).one()
        assert job.attempts == 2  # the second backoff doubles
        assert jobs.run_pending(db.session, registry, now=now + 2 * delay).processed == 0
        assert jobs.run_pending(db.session, registry, now=now + 3 * delay).dead == 1
        db.session.expire_all()
        job = db.session.scalars(select(Job)).one()
        assert (job.status, job.attempts) == ("dead", 3)
        assert jobs.run_pending(db.session, registry, now=now + timedelta(days=1)).processed == 0
    assert smtp.messages == []


def test_unknown_job_kind_is_dead_at_once(app: Flask) -> None:
    with app.app_context():
        jobs.enqueue(db.session, "no-such-kind", {})
        db.session.commit()
        report = run_worker_pass()
    assert report.dead == 1
    [job] = _all_jobs(app)
    assert job.status == "dead" and "no handler" in (job.last_error or "")


def test_worker_command_once(app: Flask, runner: FlaskCliRunner, smtp: SmtpSink) -> None:
    with app.app_context():
        jobs.enqueue(db.session, "email", _email("a@example.com", "via the CLI"))
        db.session.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 done" in result.output
    assert smtp.subjects() == ["via the CLI"]
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0


def test_retry_delay_grows_and_is_capped() -> None:
    assert [jobs.retry_delay(n, 30).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert jobs.retry_delay(50, 30) == timedelta(seconds=jobs.RETRY_CAP_SECONDS)


def test_worker_stops_cleanly_on_sigterm(app: Flask, databases: Databases, tmp_path: Path) -> None:
    env = {**os.environ, "MASTER_DB_URL": databases.master_url,
           "TENANT_DB_URL_TEMPLATE": databases.tenant_template, "ENCRYPTION_KEY": TEST_KEY,
           "SECRET_KEY": "test-secret-key", "STOREFRONT_INSTANCE_PATH": str(tmp_path / "worker")}
    command = [sys.executable, "-c", "from storefront.cli import main; main()", "worker",
               "--interval", "0.2"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        assert process.stderr is not None
        assert "SMTP_URL is not set" in process.stderr.readline()  # it is up and polling
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "worker stopped" in out
