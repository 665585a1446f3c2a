"""Benchmark: the demo's pages under gunicorn, measured by wrk beside a plain Flask route.

Builds the demo in a throw-away instance folder (SQLite, file cache), starts gunicorn on it and
gunicorn on a one-route Flask app, and runs wrk against each URL in turn, in the same run, so the
figures compare like with like on this machine. Needs Debian's ``wrk``. Prints; asserts nothing.

    python benchmarks/wrk_pages.py [--workers 2] [--connections 32] [--seconds 10]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAGES = [
    ("landing", "/"),
    ("store home", "/demo-outfitters/"),
    ("category", "/demo-outfitters/c/men"),
    ("product", "/demo-outfitters/p/birch-jacket-green"),
    ("search", "/demo-outfitters/search?q=jacket"),
    ("home, German", "/demo-outfitters/de/"),
]
HELLO = "from flask import Flask\napp = Flask(__name__)\napp.route('/')(lambda: 'hello')\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _gunicorn(app: str, port: int, workers: int, cwd: Path,
              env: dict[str, str]) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", app], cwd=cwd, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz" if "wsgi" in app
                                   else f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"gunicorn {app} did not answer on port {port}")


def _wrk(url: str, connections: int, seconds: int) -> str:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"50%\s+(\S+)", out)
    p99 = re.search(r"99%\s+(\S+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (f"{float(rps.group(1)) if rps else 0:9.0f} req/s  p50 {p50.group(1) if p50 else '?':>8}"
            f"  p99 {p99.group(1) if p99 else '?':>8}"
            + (f"  non-2xx: {errors.group(1)}" if errors else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="sf-wrk-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MASTER_DB", "TENANT_DB",
                                                                    "CACHE_REDIS"))}
    env["STOREFRONT_INSTANCE_PATH"] = str(tmp / "instance")
    subprocess.run([str(BIN / "storefront"), "demo"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    (tmp / "hello.py").write_text(HELLO)
    port, hello_port = _free_port(), _free_port()
    servers = [_gunicorn("wsgi:app", port, args.workers, ROOT, env),
               _gunicorn("hello:app", hello_port, args.workers, tmp, env)]
    try:
        print(f"gunicorn {args.workers} sync workers, wrk -t2 -c{args.connections} "
              f"-d{args.seconds}s, demo on SQLite with the file cache")
        targets = [("plain Flask route", f"http://127.0.0.1:{hello_port}/")]
        targets += [(name, f"http://127.0.0.1:{port}{path}") for name, path in PAGES]
        for name, url in targets:
            print(f"{name:24}{_wrk(url, args.connections, args.seconds)}")
    finally:
        for server in servers:
            server.terminate()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
