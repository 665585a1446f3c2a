"""``storefront worker [--once]``: run the master job queue (emails, provisioning)."""
from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from storefront.extensions import db
from storefront.platform.jobs import RETRY_BASE_SECONDS, WorkerReport, run_pending, worker_name

log = logging.getLogger(__name__)


def run_worker_pass(limit: int | None = None,
                    stopping: Callable[[], bool] = lambda: False) -> WorkerReport:
    """Run every due job once, in the current app context; the unit of ``--once`` and tests."""
    registry = current_app.extensions.setdefault("job_handlers", {})
    base = int(current_app.config.get("JOB_RETRY_BASE_SECONDS", RETRY_BASE_SECONDS))
    try:
        return run_pending(db.session(), registry, worker=worker_name(), base=base, limit=limit,
                           stopping=stopping)
    finally:
        db.session.remove()


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the jobs that are due now, then exit.")
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds to wait when the queue is empty.")
@with_appcontext
def worker(once: bool, interval: float) -> None:
    """Run the master job queue: claim due jobs, run them, retry failures with backoff."""
    # SIGTERM / Ctrl-C finish the job in hand (its result recorded) instead of abandoning it
    # half-sent to be retried after the stale-claim timeout.
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        click.echo(f"signal {signum}: stopping after the current job", err=True)
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, request_stop)
    if not current_app.config.get("SMTP_URL"):
        click.echo("SMTP_URL is not set: e-mails are written to the log instead of sent", err=True)
    try:
        while not stop.is_set():
            report = run_worker_pass(stopping=stop.is_set)
            if report.processed:
                click.echo(f"jobs: {report.done} done, {report.retried} to retry, "
                           f"{report.dead} dead")
            if once:
                return
            if not report.processed:
                stop.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("worker stopped")


def init_app(app: Flask) -> None:
    app.cli.add_command(worker)
