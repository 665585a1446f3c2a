"""The README's commands, run as a user runs them: the console script in a real process."""
from __future__ import annotations

import os
import queue
import re
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO

from cryptography.fernet import Fernet

from tests.conftest import Databases


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerLog:
    """A server's stderr, read by a thread so the pipe never fills and blocks the server."""

    def __init__(self, stream: IO[str]) -> None:
        self._lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line)
        self._lines.put("")  # the server exited

    def wait_for(self, text: str, seconds: float) -> bool:
        """Whether a line with ``text`` comes before the server exits or ``seconds`` pass."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                return False
            if not line:
                return False
            if text in line:
                return True
        return False

    def finish(self) -> None:
        """Wait for the reader (the server has exited, so its stderr is at its end)."""
        self._reader.join(timeout=10)


def test_demo_then_serve_answers_the_demo_stores(databases: Databases, tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("storefront")
    env = {**os.environ, "STOREFRONT_INSTANCE_PATH": str(tmp_path / "instance"),
           "MASTER_DB_URL": databases.master_url,
           "TENANT_DB_URL_TEMPLATE": databases.tenant_template,
           "ENCRYPTION_KEY": Fernet.generate_key().decode(), "SECRET_KEY": "serve-test"}
    port = free_port()  # not 8000: the printed URLs must follow the port actually served
    demo = subprocess.run([str(script), "demo", "--port", str(port)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    assert "demo owner: owner@demo.example" in demo.stdout
    printed = re.findall(r"http://\S+", demo.stdout)
    assert printed == [f"http://127.0.0.1:{port}/platform/login",
                       f"http://127.0.0.1:{port}/demo-outfitters/",
                       f"http://127.0.0.1:{port}/demo-books/"], demo.stdout
    server = subprocess.Popen([str(script), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert server.stderr is not None
    log = ServerLog(server.stderr)
    try:
        # Werkzeug logs "Running on" once the socket listens: wait for that, not for a timer.
        assert log.wait_for("Running on", 30), "storefront serve exited or did not start"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as health:
            assert health.status == 200
        assert server.stdout is not None
        ready, _, _ = select.select([server.stdout], [], [], 10)
        assert ready and server.stdout.readline().strip() == (
            f"storefront: serving http://127.0.0.1:{port}/ (press Ctrl+C to stop)")
        # Every URL the demo printed is served, as printed.
        for url, text in zip(printed, ("Sign in", "Demo Outfitters", "Demo Books"), strict=True):
            with urllib.request.urlopen(url, timeout=30) as page:
                assert page.status == 200 and text in page.read().decode(), url
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/demo-outfitters/de/",
                                    timeout=30) as page:
            assert page.status == 200 and "Demo Outfitters" in page.read().decode()
        # What a new user opens first: the landing page, linking the demo stores, and its icon.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
            landing = page.read().decode()
            assert page.status == 200 and 'href="/platform/login"' in landing
            assert 'href="/demo-outfitters/"' in landing and 'href="/demo-books/"' in landing
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/favicon.ico", timeout=30) as icon:
            assert icon.status == 200 and icon.headers["Content-Type"] == "image/x-icon"
            assert icon.url == f"http://127.0.0.1:{port}/favicon.ico"  # no redirect on the way
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.finish()
        server.stderr.close()
        if server.stdout is not None:
            server.stdout.close()


def test_make_demo_prints_and_serves_the_port_it_is_given() -> None:
    root = Path(__file__).resolve().parents[2]
    dry_run = subprocess.run(["make", "-n", "demo", "PORT=8765"], cwd=root,
                             capture_output=True, text=True, timeout=60)
    assert dry_run.returncode == 0, dry_run.stderr
    commands = [line for line in dry_run.stdout.splitlines() if "bin/storefront" in line]
    assert commands == [".venv/bin/storefront demo --port 8765",
                        ".venv/bin/storefront serve --port 8765"], dry_run.stdout
