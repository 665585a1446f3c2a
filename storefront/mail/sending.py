"""Sending mail over ``SMTP_URL`` (``smtp://host:port``, ``smtps://user:pass@host:port``)."""
from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app

from storefront.mail.rendering import RenderedEmail

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 30
DEFAULT_SENDER = "Storefront <no-reply@storefront.invalid>"


class MailConfigError(Exception):
    """``SMTP_URL`` cannot be understood."""


def build_message(rendered: RenderedEmail, *, to: str, sender: str,
                  reply_to: str | None = None) -> EmailMessage:
    """A multipart/alternative message (text first, HTML second)."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Message-ID"] = make_msgid(domain="storefront.invalid")
    message.set_content(rendered.text or " ")
    if rendered.html:
        message.add_alternative(rendered.html, subtype="html")
    return message


def send_message(smtp_url: str | None, message: EmailMessage) -> None:
    """Deliver ``message`` to the SMTP server at ``smtp_url``; without one, log it instead."""
    if not smtp_url:
        # The contract: without SMTP_URL the mail is written to the log instead of sent.
        log.info("SMTP_URL is not set; the mail to %s is logged instead of sent:\n%s",
                 message["To"], message.as_string())
        return
    parts = urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailConfigError(f"SMTP_URL must be smtp://host:port or smtps://…, not {parts.scheme}")
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    smtp: smtplib.SMTP
    if parts.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(parts.hostname, port, timeout=SMTP_TIMEOUT_SECONDS,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(parts.hostname, port, timeout=SMTP_TIMEOUT_SECONDS)
    with smtp:
        if parts.scheme == "smtp" and "starttls=1" in parts.query:
            smtp.starttls(context=ssl.create_default_context())
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)


def send_email_job(payload: Mapping[str, Any]) -> str | None:
    """Job ``email``: send an already rendered message (to, subject, text, html, sender)."""
    rendered = RenderedEmail(subject=str(payload["subject"]), html=str(payload.get("html") or ""),
                             text=str(payload.get("text") or ""))
    sender = str(payload.get("sender") or current_app.config.get("MAIL_SENDER", DEFAULT_SENDER))
    send_message(current_app.config.get("SMTP_URL"),
                 build_message(rendered, to=str(payload["to"]), sender=sender))
    return None
