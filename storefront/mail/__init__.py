"""Outgoing mail: store-authored templates rendered in a sandbox, sent over SMTP by the worker."""
from __future__ import annotations

from flask import Flask

from storefront.mail.sending import send_email_job
from storefront.platform.jobs import register_handler


def init_app(app: Flask) -> None:
    """Register the generic ``email`` job (an already rendered message)."""
    registry = app.extensions.setdefault("job_handlers", {})
    register_handler(registry, "email", send_email_job)
