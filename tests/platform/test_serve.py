"""The README's commands, run as a user runs them: the console script in a real process."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cryptography.fernet import Fernet

from tests.conftest import Databases


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_then_serve_answers_the_demo_stores(databases: Databases, tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("storefront")
    env = {**os.environ, "STOREFRONT_INSTANCE_PATH": str(tmp_path / "instance"),
           "MASTER_DB_URL": databases.master_url,
           "TENANT_DB_URL_TEMPLATE": databases.tenant_template,
           "ENCRYPTION_KEY": Fernet.generate_key().decode(), "SECRET_KEY": "serve-test"}
    demo = subprocess.run([str(script), "demo"], env=env, capture_output=True, text=True,
                          timeout=300)
    assert demo.returncode == 0, demo.stderr
    assert "demo owner: owner@demo.example" in demo.stdout
    port = free_port()
    server = subprocess.Popen([str(script), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                assert server.poll() is None, "storefront serve exited"
                assert time.monotonic() < deadline, "storefront serve did not answer"
                time.sleep(0.2)
        for path, text in (("/demo-outfitters/", "Demo Outfitters"),
                           ("/demo-outfitters/de/", "Demo Outfitters"),
                           ("/demo-books/", "Demo Books")):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as page:
                assert page.status == 200 and text in page.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)
