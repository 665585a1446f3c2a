from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.mail.smtp_server import SmtpSink, smtp_server


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with smtp_server() as sink:
        yield sink
