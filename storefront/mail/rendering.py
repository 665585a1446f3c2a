"""Rendering store-authored e-mail templates in Jinja's immutable sandbox.

A store owner edits subject, HTML and text bodies; they are untrusted code. They are rendered in
``ImmutableSandboxedEnvironment`` (no access to underscored attributes, no mutation of the
context, ranges capped), with a context of plain values built for the purpose (no ORM objects,
no app, no config), so a template sees only the order it is rendering.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType
from typing import Any, TypeVar

from jinja2 import TemplateError, Undefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

# A template that renders to more than this is refused rather than mailed.
MAX_OUTPUT_CHARS = 200_000
# The sandbox bounds what a template may touch, not how long it loops; this bounds the time.
RENDER_SECONDS = 2.0

T = TypeVar("T")


class EmailTemplateError(Exception):
    """A store's e-mail template failed to compile or render (or tried to escape the sandbox)."""


@dataclass(frozen=True)
class EmailSource:
    """The three parts of an e-mail template, as the store wrote them."""

    subject: str
    html_body: str
    text_body: str


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


MAX_REPEAT = 100_000  # characters or items a template may build by repetition
MAX_EXPONENT = 64


class StoreTemplateSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, failing at once on unsafe access instead of rendering nothing.

    A missing value still renders empty (a store's typo should not stop its mail), but any
    reach for an internal attribute is an error the job reports.
    """

    # ``"a" * 10**9`` or ``9 ** 9 ** 9`` is one C-level operation no timer can interrupt:
    # check the size of the result before it is computed.
    intercepted_binops = frozenset({"*", "**"})

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        raise SecurityError(f"access to attribute {attribute!r} of a "
                            f"{type(obj).__name__!r} object is unsafe")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int) and abs(right) > MAX_EXPONENT:
                raise SecurityError("exponent too large in a store template")
            return left ** right
        if operator == "*":
            sizes = [len(x) for x in (left, right) if isinstance(x, str | list | tuple)]
            counts = [x for x in (left, right) if isinstance(x, int)]
            if sizes and counts and sizes[0] * max(counts[0], 0) > MAX_REPEAT:
                raise SecurityError("repetition too large in a store template")
            return left * right
        return super().call_binop(context, operator, left, right)


def _environment(autoescape: bool) -> ImmutableSandboxedEnvironment:
    env = StoreTemplateSandbox(autoescape=autoescape, undefined=Undefined,
                                        trim_blocks=True, lstrip_blocks=True)
    # Nothing but Jinja's own harmless filters and tests; no globals beyond the safe defaults.
    env.globals.pop("cycler", None)
    env.globals.pop("joiner", None)
    env.globals.pop("namespace", None)
    return env


_HTML = _environment(autoescape=True)
_TEXT = _environment(autoescape=False)


class RenderTimeout(Exception):
    """A template ran past its time budget."""


def within_time(work: Callable[[], T], seconds: float = RENDER_SECONDS) -> T:
    """Run ``work`` in this thread, stopping it with ``RenderTimeout`` after ``seconds``.

    A trace function (this thread only) checks the clock on every line the template's compiled
    code runs, so ``{% for a in range(99999) %}{% for b in range(99999) %}`` cannot pin the
    worker. Any tracer already installed (a debugger, coverage) is restored afterwards.
    """
    deadline = time.monotonic() + seconds

    def tracer(_frame: FrameType, _event: str, _arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise RenderTimeout(f"rendering took longer than {seconds:g} s")
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        return work()
    finally:
        sys.settrace(previous)


def _render(env: ImmutableSandboxedEnvironment, part: str, source: str,
            context: Mapping[str, Any]) -> str:
    try:
        output = within_time(lambda: env.from_string(source).render(**context))
    except TemplateError as exc:  # SecurityError, syntax and undefined errors are all here
        raise EmailTemplateError(f"{part}: {type(exc).__name__}: {exc}") from None
    except Exception as exc:  # e.g. a division by zero in the template
        raise EmailTemplateError(f"{part}: {type(exc).__name__}: {exc}") from None
    if len(output) > MAX_OUTPUT_CHARS:
        raise EmailTemplateError(f"{part}: renders to more than {MAX_OUTPUT_CHARS} characters")
    return output


def render_email(source: EmailSource, context: Mapping[str, Any]) -> RenderedEmail:
    """Render subject, HTML and text of a store template with ``context``, or raise."""
    subject = " ".join(_render(_TEXT, "subject", source.subject, context).split())
    return RenderedEmail(
        subject=subject[:300],
        html=_render(_HTML, "html_body", source.html_body, context),
        text=_render(_TEXT, "text_body", source.text_body, context),
    )
