"""Rendering store-authored e-mail templates, each in a child process that cannot hurt the worker.

A store owner edits subject, HTML and text bodies; they are untrusted code. They are rendered in
Jinja's immutable sandbox (``storefront.mail.sandbox``) with a context of plain values built for
the purpose (no ORM objects, no app, no config), so a template sees only the order it renders.

The sandbox bounds what a template may touch, not what it costs: a loop can run for ever and a
single C-level operation can build gigabytes. So the sandbox runs in a child process with limits
on its address space (``RLIMIT_AS``) and CPU time (``RLIMIT_CPU``), and this process kills it when
a wall-clock deadline passes. Children are started with ``subprocess`` (fork and exec in C, safe
in a process with threads) from a small pool and reused; one that failed, timed out or hit a limit
is replaced. ``render_email`` turns every way a template can fail into ``EmailTemplateError``.
"""
from __future__ import annotations

import atexit
import json
import math
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from storefront.mail import sandbox

# Wall clock for one e-mail (all three parts) before its child is killed.
RENDER_SECONDS = 2.0
# Address space a child may use beyond what it needs at start (Python and Jinja, ~30 MB).
MEMORY_MB = 256
POOL_SIZE = 2
START_SECONDS = 10.0
# The largest reply a well-behaved child can send: three parts at the output cap, every
# character spelt as a JSON surrogate pair. Anything longer is a broken child.
MAX_REPLY_BYTES = 3 * sandbox.MAX_OUTPUT_CHARS * 12 + 4096


class EmailTemplateError(Exception):
    """A store's e-mail template failed to compile or render (or tried to escape the sandbox)."""


class RenderUnavailable(RuntimeError):
    """No render process could be started or reached: the platform's fault, not the template's."""


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


class _Timeout(Exception):
    """The child did not answer before the deadline."""


class _Ended(Exception):
    """The child's output ended (it died) or made no sense."""


class _Child:
    """One render process and the pipes to it (see ``sandbox`` for the protocol)."""

    def __init__(self, memory_bytes: int, cpu_seconds: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-I", sandbox.__file__, str(memory_bytes), str(cpu_seconds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
            # Its own session: a Ctrl-C in the terminal is for this process, which then
            # stops its children itself.
            start_new_session=True,
        )
        requests, replies = self.process.stdin, self.process.stdout
        assert requests is not None and replies is not None  # both were asked for as pipes
        self._requests: IO[bytes] = requests
        self._replies: IO[bytes] = replies

    def send(self, body: bytes) -> bool:
        """Write one request frame; False if the child is gone."""
        data = memoryview(len(body).to_bytes(sandbox.FRAME_HEADER_BYTES, "big") + body)
        try:
            while data:
                data = data[self._requests.write(data) or 0:]
        except (BrokenPipeError, ValueError):  # ValueError: the pipe was closed by stop()
            return False
        return True

    def receive(self, deadline: float) -> dict[str, Any]:
        """Read one reply frame before ``deadline`` (``time.monotonic``)."""
        size = int.from_bytes(self._read(sandbox.FRAME_HEADER_BYTES, deadline), "big")
        if size > MAX_REPLY_BYTES:
            raise _Ended(f"sent a reply of {size} bytes")
        try:
            reply = json.loads(self._read(size, deadline))
        except ValueError:
            raise _Ended("sent a malformed reply") from None
        if not isinstance(reply, dict):
            raise _Ended("sent a malformed reply")
        return reply

    def _read(self, size: int, deadline: float) -> bytes:
        fd = self._replies.fileno()
        poller = select.poll()  # not select.select: a busy server's descriptors pass 1024
        poller.register(fd, select.POLLIN)
        data = bytearray()
        while len(data) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not poller.poll(math.ceil(remaining * 1000)):
                raise _Timeout
            chunk = os.read(fd, size - len(data))
            if not chunk:
                raise _Ended(self._exit_reason())
            data += chunk
        return bytes(data)

    def _exit_reason(self) -> str:
        try:
            code = self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return "closed its output"
        if code == -signal.SIGXCPU:
            return "used more CPU time than a store template may"
        if code < 0:
            return f"was ended by {signal.Signals(-code).name}"
        return f"exited with status {code}"

    def stop(self) -> None:
        """Kill the process (if it still runs), reap it and close the pipes."""
        self.process.kill()
        self.process.wait()
        self._requests.close()
        self._replies.close()


class RenderPool:
    """A few reused render processes; one that failed, timed out or hit a limit is replaced.

    Thread-safe; at most ``size`` renders run at once (more wait for a free child). A pool
    belongs to the process that made it: a forked copy never touches the parent's children.
    """

    def __init__(self, size: int = POOL_SIZE, seconds: float = RENDER_SECONDS,
                 memory_mb: int = MEMORY_MB, cpu_seconds: int | None = None) -> None:
        self.seconds = seconds
        self._memory_bytes = memory_mb * 2**20
        # The parent's deadline is what normally ends a slow render; the CPU limit is the
        # backstop for a child whose parent stopped watching.
        self._cpu_seconds = cpu_seconds or math.ceil(seconds) + 1
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._idle: list[_Child] = []
        self._busy: set[_Child] = set()
        self._closed = False
        self._pid = os.getpid()

    def render(self, parts: Sequence[sandbox.Part], context: Mapping[str, Any]) -> list[str]:
        """Render ``(name, source, autoescape)`` parts with ``context`` in a child, or raise."""
        request = pickle.dumps((list(parts), dict(context)), protocol=pickle.HIGHEST_PROTOCOL)
        with self._slots:
            reply = self._ask(request)
        texts = reply.get("ok")
        if texts is None:
            raise EmailTemplateError(str(reply.get("error", "the template failed")))
        if not (isinstance(texts, list) and len(texts) == len(parts)
                and all(isinstance(text, str) for text in texts)):
            raise EmailTemplateError("the rendering process sent a malformed reply")
        return texts

    def pids(self) -> set[int]:
        """The process ids of this pool's children, idle and busy."""
        with self._lock:
            return {child.process.pid for child in (*self._idle, *self._busy)}

    def close(self) -> None:
        """Stop every child of this pool (idle or busy); a later render raises."""
        if os.getpid() != self._pid:
            return
        with self._lock:
            self._closed = True
            idle, busy = list(self._idle), list(self._busy)
            self._idle.clear()
        for child in idle:
            child.stop()
        for child in busy:
            # Its render ends with the process; the rendering thread reaps it and closes the
            # pipes (closing them here could hand their descriptors to another open() midway).
            child.process.kill()

    def _ask(self, request: bytes) -> dict[str, Any]:
        child = self._checkout()
        if not child.send(request):  # it ended while idle (killed from outside): one fresh try
            self._checkin(child, healthy=False)
            child = self._checkout()
            if not child.send(request):
                self._checkin(child, healthy=False)
                raise RenderUnavailable("a new render process does not accept requests")
        try:
            # Counted from here, so that starting a child never eats into a template's time.
            reply = child.receive(time.monotonic() + self.seconds)
        except _Timeout:
            self._checkin(child, healthy=False)
            raise EmailTemplateError(f"rendering took longer than {self.seconds:g} s") from None
        except _Ended as exc:
            self._checkin(child, healthy=False)
            raise EmailTemplateError(f"the rendering process {exc}") from None
        except BaseException:  # e.g. KeyboardInterrupt: the child's state is unknown
            self._checkin(child, healthy=False)
            raise
        self._checkin(child, healthy=not reply.get("retire"))
        return reply

    def _checkout(self) -> _Child:
        with self._lock:
            if self._closed or os.getpid() != self._pid:
                raise RenderUnavailable("the render pool is closed")
            child = self._idle.pop() if self._idle else None
        if child is None:
            child = self._start()
        with self._lock:
            self._busy.add(child)
        return child

    def _checkin(self, child: _Child, healthy: bool) -> None:
        with self._lock:
            self._busy.discard(child)
            keep = healthy and not self._closed
            if keep:
                self._idle.append(child)
        if not keep:
            child.stop()

    def _start(self) -> _Child:
        try:
            child = _Child(self._memory_bytes, self._cpu_seconds)
        except OSError as exc:
            raise RenderUnavailable(f"cannot start a render process: {exc}") from exc
        try:
            ready = child.receive(time.monotonic() + START_SECONDS)
        except (_Timeout, _Ended) as exc:
            child.stop()
            raise RenderUnavailable(f"the render process did not start: {exc!r}") from None
        if ready != {"ready": True}:
            child.stop()
            raise RenderUnavailable(f"the render process did not start: {ready!r}")
        return child


_default_pool: RenderPool | None = None
_default_pool_lock = threading.Lock()


def default_pool() -> RenderPool:
    """This process's pool, started on first use and closed at interpreter exit."""
    global _default_pool
    with _default_pool_lock:
        if _default_pool is None:
            _default_pool = RenderPool()
            atexit.register(_default_pool.close)
        return _default_pool


def _forget_default_pool_after_fork() -> None:
    # A forked process must not share the parent's pipes: it starts its own pool when it needs
    # one (the inherited pool's close() does nothing outside the process that made it).
    global _default_pool, _default_pool_lock
    _default_pool, _default_pool_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_default_pool_after_fork)


def render_email(source: EmailSource, context: Mapping[str, Any],
                 pool: RenderPool | None = None) -> RenderedEmail:
    """Render subject, HTML and text of a store template with ``context``, or raise."""
    subject, html, text = (pool or default_pool()).render([
        ("subject", source.subject, False),
        ("html_body", source.html_body, True),
        ("text_body", source.text_body, False),
    ], context)
    return RenderedEmail(subject=" ".join(subject.split())[:300], html=html, text=text)
