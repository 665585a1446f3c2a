"""Store-authored e-mail templates render in the sandbox, in a limited child process; escapes,
endless loops and huge allocations fail safely, without costing the test process memory."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from storefront.config import PROJECT_ROOT
from storefront.mail.rendering import (
    MEMORY_MB,
    EmailSource,
    EmailTemplateError,
    RenderPool,
    RenderUnavailable,
    render_email,
)
from storefront.mail.sending import build_message, send_message
from tests.mail import processes
from tests.mail.smtp_server import SmtpSink, body_html, body_text

CONTEXT = {
    "shop": {"name": "Shop <b>", "email": "shop@example.com"},
    "order": {"number": "261125-ABCDEF", "total": "$10.00",
              "lines": [{"name": "Mug <script>alert(1)</script>", "quantity": 2}]},
}


SILENT_LOOP = ("{% for a in range(99999) %}{% for b in range(99999) %}"
               "{% endfor %}{% endfor %}")


def source(body: str, subject: str = "Order {{ order.number }}") -> EmailSource:
    return EmailSource(subject=subject, html_body=body, text_body=body)


def render_children(pool: RenderPool) -> set[int]:
    """The pool's live children, started by one render if it has none yet."""
    if not pool.pids():
        render_email(source(""), CONTEXT, pool=pool)
    return pool.pids()


def test_renders_subject_html_and_text() -> None:
    rendered = render_email(source(
        "{% for line in order.lines %}{{ line.quantity }} x {{ line.name }}{% endfor %}"
    ), CONTEXT)
    assert rendered.subject == "Order 261125-ABCDEF"
    assert rendered.html == "2 x Mug &lt;script&gt;alert(1)&lt;/script&gt;"  # escaped in HTML
    assert rendered.text == "2 x Mug <script>alert(1)</script>"


@pytest.mark.parametrize("hostile", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ order.__class__.__init__.__globals__ }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ order.update({'total': '$0.00'}) }}",
    "{{ order.lines.append(1) }}",
    "{{ range(100000000)|list }}",
    "{{ 'x' * 10000000 }}",
    "{{ order.lines.pop() }}",
    "{% extends 'base.html' %}",
    "{% include '/etc/passwd' %}",
    "{{ unclosed",
    "{{ 'a' * (10 ** 9) }}",
    "{{ (10 ** 9) * 'a' }}",
    "{{ ['a'] * 1000000000 }}",
    "{{ 2 ** 100000000 }}",
])
def test_escape_attempts_fail_safely(hostile: str) -> None:
    with pytest.raises(EmailTemplateError):
        render_email(source(hostile), CONTEXT)


def test_huge_repetition_is_refused_before_it_is_built() -> None:
    started = time.monotonic()
    with pytest.raises(EmailTemplateError):
        render_email(source("{{ 'a' * (10 ** 9) }}"), CONTEXT)
    assert time.monotonic() - started < 1  # not 19 s and 4 GB first


def test_small_arithmetic_still_works() -> None:
    rendered = render_email(source("{{ 2 ** 3 }} {{ 'ab' * 2 }} {{ 3 * 4 }}"), CONTEXT)
    assert rendered.text == "8 abab 12"


def test_a_template_that_loops_forever_is_stopped() -> None:
    # Its output passes the cap after 200,000 turns, long before the deadline.
    started = time.monotonic()
    with pytest.raises(EmailTemplateError, match="renders to more than"):
        render_email(source("{% for a in range(99999) %}{% for b in range(99999) %}"
                            "{{ a }}{% endfor %}{% endfor %}"), CONTEXT)
    assert time.monotonic() - started < 2


def test_a_silent_endless_loop_is_killed_at_the_deadline(pool: RenderPool) -> None:
    [child] = render_children(pool)
    started = time.monotonic()
    with pytest.raises(EmailTemplateError, match="longer than 0.5 s"):
        render_email(source(SILENT_LOOP), CONTEXT, pool=pool)
    assert 0.5 <= time.monotonic() - started < 2
    assert not processes.exists(child)  # killed and reaped, not left behind
    # The next render gets a fresh child and works.
    assert render_email(source("{{ order.total }}"), CONTEXT, pool=pool).text == "$10.00"
    [replacement] = render_children(pool)
    assert replacement != child


# Each is one C-level operation that would build 100 MB to 10 GB; a guard refuses it first.
HUGE_IN_ONE_STEP = [
    "{% set a = 'x' * 100000 %}{{ a|replace('x', a) }}",
    "{% set a = 'x' * 100000 %}{{ a.replace('x', a) }}",
    "{% set a = 'x' * 100000 %}{{ ([a] * 100000)|join }}",
    "{% set a = 'x' * 100000 %}{{ [a] * 100000 }}",
    "{{ (range(100000)|list) * 100000 }}",
    "{% set a = 'x' * 100000 %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
    "{% set c = [b, b, b, b, b, b, b, b, b, b] %}{{ [c, c, c, c, c, c, c, c, c, c]|join }}",
    "{% set a = 'x' * 100000 %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
    "{% set c = [b, b, b, b, b, b, b, b, b, b] %}{{ [c, c, c, c, c, c, c, c, c, c] }}",
    "{{ '%0100000000d' % 1 }}",
    "{{ '%0100000000d'|format(1) }}",
    "{{ 'x'|center(100000000) }}",
    "{{ 'x'.ljust(100000000) }}",
    "{{ '{:>100000000}'.format(1) }}",
    "{% set a = 'x' * 100000 %}{{ a|wordwrap(1, wrapstring=a) }}",
    "{% set a = 'x' * 100000 %}{{ a.translate({120: a}) }}",
]

# Past every guard: only the child's address-space limit stops these.
HUGE_STEP_BY_STEP = [
    "{% set l = range(100000)|list %}" + "{% set l = l + l %}" * 14 + "{{ l|length }}",
    "{% set a = 'x' * 100000 %}" + "{% set a = a ~ a %}" * 16 + "{{ a|length }}",
]


@pytest.mark.parametrize("hostile", HUGE_IN_ONE_STEP)
def test_a_huge_single_operation_is_refused_before_it_runs(hostile: str) -> None:
    peak = processes.PeakMemory()
    started = time.monotonic()
    with pytest.raises(EmailTemplateError, match="would build more than 200000 characters"):
        render_email(source(hostile), CONTEXT)
    assert time.monotonic() - started < 1
    assert peak.growth_mb() < 32


@pytest.mark.parametrize("hostile", HUGE_STEP_BY_STEP)
def test_a_template_that_allocates_without_bound_hits_the_child_memory_limit(
        patient_pool: RenderPool, hostile: str) -> None:
    peak = processes.PeakMemory()
    started = time.monotonic()
    with pytest.raises(EmailTemplateError, match="more memory than a store template may use"):
        render_email(source(hostile), CONTEXT, pool=patient_pool)
    assert time.monotonic() - started < 5  # about 0.3 s; the old code built gigabytes first
    assert peak.growth_mb() < 32  # the test process never held what the child tried to build
    assert render_email(source("{{ order.total }}"), CONTEXT, pool=patient_pool).text == "$10.00"


def test_children_run_under_memory_and_cpu_limits(pool: RenderPool) -> None:
    [child] = render_children(pool)  # after a render: the CPU limit is set per request
    child_limits = processes.limits(child)
    assert int(child_limits["Max address space"]) < (MEMORY_MB + 200) * 2**20
    assert int(child_limits["Max cpu time"]) <= 5  # seconds of CPU, counted from its start
    assert child_limits["Max core file size"] == "0"


def test_a_child_killed_while_idle_is_replaced(pool: RenderPool) -> None:
    [child] = render_children(pool)
    os.kill(child, signal.SIGKILL)
    os.waitid(os.P_PID, child, os.WEXITED | os.WNOWAIT)  # dead; reaping is the pool's job
    assert render_email(source("{{ order.total }}"), CONTEXT, pool=pool).text == "$10.00"
    assert not processes.exists(child)


def test_threads_share_a_pool_without_mixing_replies() -> None:
    shared = RenderPool(size=2)
    try:
        def render(n: int) -> str:
            return render_email(source("{{ n }}", subject="{{ n }}"), {"n": n}, pool=shared).text

        with ThreadPoolExecutor(max_workers=6) as threads:
            assert list(threads.map(render, range(40))) == [str(n) for n in range(40)]
        assert len(shared.pids()) <= 2
        assert shared.pids() <= processes.children_of(os.getpid())
    finally:
        shared.close()


def test_closing_a_pool_ends_its_children(pool: RenderPool) -> None:
    children = render_children(pool)
    pool.close()
    assert children and not any(processes.exists(pid) for pid in children)
    with pytest.raises(RenderUnavailable):
        render_email(source("x"), CONTEXT, pool=pool)


def test_children_end_with_the_interpreter() -> None:
    script = ("import os\n"
              "from storefront.mail.rendering import EmailSource, render_email\n"
              "from tests.mail.processes import children_of\n"
              "render_email(EmailSource('s', 'h', 't'), {})\n"
              "print(*children_of(os.getpid()))\n")
    finished = subprocess.run([sys.executable, "-W", "error", "-c", script], cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=30, check=True)
    children = [int(pid) for pid in finished.stdout.split()]
    assert len(children) == 1 and finished.stderr == ""  # no ResourceWarning either
    assert not processes.exists(children[0])


def test_undefined_names_render_empty_and_reveal_nothing() -> None:
    rendered = render_email(source("[{{ config }}{{ request }}{{ g }}{{ session }}]"), CONTEXT)
    assert rendered.text == "[]"


def test_send_message_to_a_real_smtp_server(smtp: SmtpSink) -> None:
    rendered = render_email(source("<p>{{ order.total }}</p>"), CONTEXT)
    send_message(smtp.url, build_message(rendered, to="ada@example.com",
                                         sender="Shop <no-reply@example.com>"))
    [message] = smtp.messages
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == "Order 261125-ABCDEF"
    assert "$10.00" in body_html(message) and "$10.00" in body_text(message)


def test_without_smtp_url_the_mail_goes_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    rendered = render_email(source("Total {{ order.total }}"), CONTEXT)
    with caplog.at_level("INFO", logger="storefront.mail.sending"):
        send_message(None, build_message(rendered, to="ada@example.com", sender="s@example.com"))
    assert "ada@example.com" in caplog.text and "Total $10.00" in caplog.text
