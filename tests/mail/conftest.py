from __future__ import annotations

from collections.abc import Iterator

import pytest

from storefront.mail.rendering import RenderPool
from tests.mail.smtp_server import SmtpSink, smtp_server


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with smtp_server() as sink:
        yield sink


@pytest.fixture
def pool() -> Iterator[RenderPool]:
    """One render child with a short deadline, stopped after the test."""
    render_pool = RenderPool(size=1, seconds=0.5)
    yield render_pool
    render_pool.close()


@pytest.fixture
def patient_pool() -> Iterator[RenderPool]:
    """One render child whose deadline is far enough away that only its limits can stop it."""
    render_pool = RenderPool(size=1, seconds=30)
    yield render_pool
    render_pool.close()
