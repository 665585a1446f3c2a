from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.mail.smtp_server import SmtpSink, smtp_server


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpSink]:
    """A real SMTP server the app's worker sends to."""
    with smtp_server() as sink:
        app.config["SMTP_URL"] = sink.url
        yield sink
