"""The render child: store e-mail templates rendered in Jinja's immutable sandbox, with size guards.

A store owner's template is untrusted code. Jinja's ``ImmutableSandboxedEnvironment`` bounds what
it may touch (no underscored attributes, no mutation of the context, ranges capped); the guards
here refuse the single operations that would build a huge string or list in one C call
(``'x' * 10**9``, ``a|replace('x', a)``, ``'%0100000000d' % 1``, ``|center(10**8)``) before
they run, and output is counted while it is generated. What no guard can bound (a loop that runs
for ever, an allocation the guards do not foresee) is bounded by the process: this module runs as
a child of ``storefront.mail.rendering.RenderPool`` under ``RLIMIT_AS`` and ``RLIMIT_CPU``, and
the parent kills it at a wall-clock deadline.

The child is started by path (``python -I sandbox.py MEMORY_BYTES CPU_SECONDS``), so this module
imports only the standard library and Jinja: the child starts fast and small. Protocol over
stdin/stdout, one frame per message (a 4-byte big-endian length, then the body): the parent sends
a pickled ``(parts, context)``; the child answers JSON, ``{"ready": true}`` once at start, then
``{"ok": [text, ...]}`` or ``{"error": message, "retire": bool}`` per request. JSON, not pickle,
flows back so that even a child whose sandbox were broken could not run code in the parent.
"""
from __future__ import annotations

import functools
import json
import math
import pickle
import re
import resource
import signal
import string
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from typing import Any, BinaryIO

from jinja2 import (
    Environment,
    Template,
    TemplateError,
    Undefined,
    pass_environment,
    pass_eval_context,
)
from jinja2.exceptions import SecurityError
from jinja2.filters import do_center, do_format, do_indent, do_replace, do_wordwrap, sync_do_join
from jinja2.nodes import EvalContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

# A template that renders to more than this is refused rather than mailed; no single operation
# may build more text than this either, since nothing larger could ever be sent.
MAX_OUTPUT_CHARS = 200_000
MAX_EXPONENT = 64
FRAME_HEADER_BYTES = 4

# (part name, template source, autoescape) for each part of one e-mail.
Part = tuple[str, str, bool]


class TooLarge(TemplateError):
    """An operation in a store template would build more text than an e-mail may hold."""


def text_size(value: Any, limit: int = MAX_OUTPUT_CHARS) -> int:
    """An estimate of ``len(str(value))`` that stops counting once it passes ``limit``.

    Cheap by construction: every element visited adds at least one, so no more than ``limit``
    elements are visited. An iterator is not consumed (its text is its short repr).
    """
    if isinstance(value, str):
        return len(value)
    if isinstance(value, bool | float | complex) or value is None:
        return 32
    if isinstance(value, int):
        return value.bit_length() // 3 + 2
    if isinstance(value, Undefined | Iterator):
        return 64
    if isinstance(value, Mapping):
        items: Iterable[Any] = (x for pair in value.items() for x in pair)
    elif isinstance(value, Iterable):
        items = value
    else:
        return len(str(value))
    total = 2
    for item in items:
        total += 2 + text_size(item, limit - total)
        if total > limit:
            break
    return total


def _refuse_over(size: int, what: str) -> None:
    if size > MAX_OUTPUT_CHARS:
        raise TooLarge(f"{what} would build more than {MAX_OUTPUT_CHARS} characters")


def _as_text(value: Any) -> str:
    # A filter's first step is ``str(value)``: refuse a container whose text would be huge.
    if not isinstance(value, str):
        _refuse_over(text_size(value), "turning a value into text")
    return str(value)


def _as_int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) else 0


_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


def _printf_size(template: str, args: Any) -> int:
    """An estimate of ``len(template % args)``: each width and precision, plus the values."""
    values = list(args.values()) if isinstance(args, Mapping) else (
        list(args) if isinstance(args, tuple) else [args])
    size = len(template) + text_size(values)
    for width, precision in _PRINTF_SPEC.findall(template):
        for number in (width, precision):
            if number == "*":  # the width is one of the values: count the largest
                size += max((_as_int(v) for v in values), default=0)
            elif number:
                size += int(number)
    return size


def _format_size(template: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> int:
    """An estimate of ``template.format(*args, **kwargs)``: widths in the specs plus values."""
    size = len(template) + text_size(list(args)) + text_size(kwargs)
    for _literal, _field, spec, _conversion in string.Formatter().parse(template):
        if spec:
            size += sum(int(n) for n in re.findall(r"\d+", spec))
            if "{" in spec:  # a nested width comes from the values
                size += max((_as_int(v) for v in (*args, *kwargs.values())), default=0)
    return size


def _replace_size(text: str, old: str, new: str, count: int | None) -> int:
    occurrences = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        occurrences = min(occurrences, count)
    return len(text) + occurrences * max(len(new) - len(old), 0)


def _indent_size(text: str, width: Any) -> int:
    step = len(width) if isinstance(width, str) else _as_int(width)
    return len(text) + (text.count("\n") + 1) * step


def _wordwrap_size(text: str, width: int, wrapstring: str | None) -> int:
    breaks = len(text) // max(_as_int(width), 1) + text.count("\n") + 1
    return len(text) + breaks * len(wrapstring or "\n")


def _join_size(separator: str, items: Any) -> int:
    count = len(items) if isinstance(items, Sized) else 0
    return text_size(items) + len(separator) * count


def _translate_size(text: str, table: Any) -> int:
    targets = table.values() if isinstance(table, Mapping) else table
    widest = max((text_size(t) for t in targets), default=1) if isinstance(table, Iterable) else 1
    return len(text) * max(widest, 1)


# What a str method given these arguments would build: the methods whose result can be much
# longer than the string and its arguments.
_STR_METHOD_SIZE: dict[str, Callable[..., int]] = {
    "center": lambda s, width, *_: max(len(s), _as_int(width)),
    "ljust": lambda s, width, *_: max(len(s), _as_int(width)),
    "rjust": lambda s, width, *_: max(len(s), _as_int(width)),
    "zfill": lambda s, width: max(len(s), _as_int(width)),
    "expandtabs": lambda s, tabsize=8: len(s) + s.count("\t") * _as_int(tabsize),
    "replace": lambda s, old, new, count=-1: _replace_size(s, _as_text(old), _as_text(new), count),
    "join": _join_size,
    "translate": _translate_size,
}


def _finalize(value: Any) -> Any:
    # ``{{ value }}`` turns a container into text in one C call: ``[a] * 9`` where ``a`` is long
    # is cheap to hold and huge to print. (A string's length is checked as output is counted.)
    if not isinstance(value, str):
        _refuse_over(text_size(value), "printing a value")
    return value


@pass_eval_context
def _replace(eval_ctx: EvalContext, s: str, old: str, new: str, count: int | None = None) -> str:
    _refuse_over(_replace_size(_as_text(s), _as_text(old), _as_text(new), count), "replace")
    return do_replace(eval_ctx, s, old, new, count)


def _center(value: str, width: int = 80) -> str:
    _refuse_over(max(len(_as_text(value)), _as_int(width)), "center")
    return do_center(value, width)


def _format(value: str, *args: Any, **kwargs: Any) -> str:
    _refuse_over(_printf_size(_as_text(value), kwargs or args), "format")
    return do_format(value, *args, **kwargs)


@pass_eval_context
def _join(eval_ctx: EvalContext, value: Iterable[Any], d: str = "",
          attribute: str | int | None = None) -> str:
    items = list(value)  # may be a generator: look at it once, then join what was seen
    _refuse_over(_join_size(d, items), "join")
    return sync_do_join(eval_ctx, items, d, attribute)


def _indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    _refuse_over(_indent_size(_as_text(s), width), "indent")
    return do_indent(s, width, first, blank)


@pass_environment
def _wordwrap(environment: Environment, s: str, width: int = 79, break_long_words: bool = True,
              wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:
    _refuse_over(_wordwrap_size(_as_text(s), width, wrapstring), "wordwrap")
    return do_wordwrap(environment, s, width, break_long_words, wrapstring, break_on_hyphens)


class StoreTemplateSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, failing at once on unsafe access or an oversized build.

    A missing value still renders empty (a store's typo should not stop its mail), but any
    reach for an internal attribute is an error the job reports.
    """

    # ``"a" * 10**9``, ``9 ** 9 ** 9`` or ``'%0100000000d' % 1`` is one C-level operation no
    # timer can interrupt: check the size of the result before it is computed.
    intercepted_binops = frozenset({"*", "**", "%"})

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        raise SecurityError(f"access to attribute {attribute!r} of a "
                            f"{type(obj).__name__!r} object is unsafe")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int) and abs(right) > MAX_EXPONENT:
                raise SecurityError("exponent too large in a store template")
            return left ** right
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(count, int):
                    _refuse_over(text_size(seq) * max(count, 0), "repetition")
            return left * right
        if operator == "%" and isinstance(left, str):
            _refuse_over(_printf_size(left, right), "%-formatting")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        bound_to = getattr(__obj, "__self__", None)
        estimate = _STR_METHOD_SIZE.get(getattr(__obj, "__name__", ""))
        if isinstance(bound_to, str) and estimate is not None:
            # A generator (``x|map(...)``) is looked at once: the method gets what was seen.
            args = tuple(list(a) if isinstance(a, Iterator) else a for a in args)
            try:
                size = estimate(bound_to, *args, **kwargs)
            except TypeError:  # wrong arguments: let the method itself say so
                size = 0
            _refuse_over(size, f"str.{__obj.__name__}")
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        template = str(value.__self__)
        is_format_map = value.__name__ == "format_map"

        def format_within_limits(*args: Any, **kwargs: Any) -> str:
            if is_format_map and len(args) == 1 and isinstance(args[0], Mapping):
                _refuse_over(_format_size(template, (), args[0]), "str.format_map")
            else:
                _refuse_over(_format_size(template, args, kwargs), "str.format")
            return wrapped(*args, **kwargs)

        return format_within_limits


def _environment(autoescape: bool) -> StoreTemplateSandbox:
    env = StoreTemplateSandbox(autoescape=autoescape, undefined=Undefined, finalize=_finalize,
                               trim_blocks=True, lstrip_blocks=True)
    # Nothing but Jinja's own harmless filters and tests; no globals beyond the safe defaults.
    for name in ("cycler", "joiner", "namespace"):
        env.globals.pop(name, None)
    env.filters.update(replace=_replace, center=_center, format=_format, join=_join,
                       indent=_indent, wordwrap=_wordwrap)
    return env


_ENVIRONMENTS = {True: _environment(autoescape=True), False: _environment(autoescape=False)}


@functools.lru_cache(maxsize=64)
def _compile(autoescape: bool, source: str) -> Template:
    # A store's template is the same for every order: compile it once per child, not per mail.
    return _ENVIRONMENTS[autoescape].from_string(source)


class TemplateFailure(Exception):
    """A part failed to compile or render; the message names the part and the reason."""

    def __init__(self, message: str, retire: bool = False) -> None:
        super().__init__(message)
        self.retire = retire  # the child's state is doubtful (out of memory): replace it


def render_part(part: Part, context: Mapping[str, Any]) -> str:
    """Render one part, stopping as soon as its output passes ``MAX_OUTPUT_CHARS``."""
    name, source, autoescape = part
    chunks: list[str] = []
    size = 0
    out_of_memory = False
    try:
        for chunk in _compile(autoescape, source).generate(**context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateFailure(f"{name}: renders to more than {MAX_OUTPUT_CHARS} characters")
            chunks.append(chunk)
    except TemplateFailure:
        raise
    except MemoryError:
        out_of_memory = True  # raised below, once this frame's references are gone
    except Exception as exc:  # TemplateError (sandbox, syntax), ZeroDivisionError, RecursionError…
        raise TemplateFailure(f"{name}: {type(exc).__name__}: {str(exc)[:500]}") from None
    if out_of_memory:
        raise TemplateFailure(f"{name}: needs more memory than a store template may use",
                              retire=True)
    return "".join(chunks)


def answer(request: bytes) -> tuple[dict[str, Any], bool]:
    """The reply to one pickled ``(parts, context)`` request, and whether to retire after it."""
    parts, context = pickle.loads(request)
    try:
        return {"ok": [render_part(part, context) for part in parts]}, False
    except TemplateFailure as exc:
        return {"error": str(exc), "retire": exc.retire}, exc.retire


def read_frame(stream: BinaryIO) -> bytes | None:
    """One length-prefixed frame from ``stream``, or None at its end."""
    header = stream.read(FRAME_HEADER_BYTES)
    if len(header) < FRAME_HEADER_BYTES:
        return None
    size = int.from_bytes(header, "big")
    body = stream.read(size)
    return body if len(body) == size else None


def write_frame(stream: BinaryIO, body: bytes) -> None:
    """Write ``body`` as one length-prefixed frame and flush it."""
    stream.write(len(body).to_bytes(FRAME_HEADER_BYTES, "big") + body)
    stream.flush()


def _address_space_bytes() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def limit_memory(extra_bytes: int) -> None:
    """Cap this process's address space at what it uses now plus ``extra_bytes`` (for good)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # SIGXCPU would dump core otherwise
    baseline = _address_space_bytes()
    if baseline is not None:  # Linux; elsewhere the parent's wall-clock deadline still holds
        resource.setrlimit(resource.RLIMIT_AS, (baseline + extra_bytes, baseline + extra_bytes))


def limit_cpu(seconds: int) -> None:
    """Let the next request use ``seconds`` of CPU; past that the kernel ends this process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime) + seconds
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    # The limit counts the process's whole life, so it moves forward with every request; the
    # hard limit stays where it was so the next request can move it again.
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def serve(memory_bytes: int, cpu_seconds: int) -> None:
    """Answer requests on stdin until it closes (the parent went away) or a limit was hit."""
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must never corrupt the protocol
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)  # even if the parent ignored it
    limit_memory(memory_bytes)
    write_frame(replies, b'{"ready": true}')
    while (request := read_frame(requests)) is not None:
        limit_cpu(cpu_seconds)
        reply, retire = answer(request)
        write_frame(replies, json.dumps(reply).encode())
        if retire:
            return


if __name__ == "__main__":
    serve(memory_bytes=int(sys.argv[1]), cpu_seconds=int(sys.argv[2]))
