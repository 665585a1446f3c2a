"""Crawl the demo stores from /sitemap.xml as a search engine would; print what it found.

Builds `storefront demo` into a throw-away instance folder (SQLite), then follows sitemaps and
links (obeying robots.txt) through the WSGI app and prints the page count, the status
histogram, the broken links (there should be none) and pages per second.

    python benchmarks/crawl_demo.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402

from storefront import create_app  # noqa: E402
from tests.crawler import crawl  # noqa: E402


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="sf-crawl-"))
    app = create_app({"INSTANCE_PATH": str(tmp), "ENCRYPTION_KEY": Fernet.generate_key().decode(),
                      "SECRET_KEY": "crawl", "MASTER_DB_URL": f"sqlite:///{tmp / 'master.db'}",
                      "TENANT_DB_URL_TEMPLATE": f"sqlite:///{tmp / 'tenants' / '{store_id}.db'}"})
    result = app.test_cli_runner().invoke(args=["demo"])
    if result.exit_code != 0:
        raise SystemExit(f"demo failed: {result.output} {result.exception!r}")
    client = app.test_client(use_cookies=False)

    def fetch(path: str) -> tuple[int, dict[str, str], bytes]:
        response = client.get(path)
        return response.status_code, dict(response.headers), response.data

    started = time.perf_counter()
    report = crawl(fetch)
    elapsed = time.perf_counter() - started
    print(f"crawled {len(report.pages)} URLs in {elapsed:.1f}s "
          f"({len(report.pages) / elapsed:.0f} pages/s)")
    print("status histogram: " + ", ".join(f"{code}: {count}"
                                           for code, count in sorted(report.statuses.items())))
    print(f"redirects: {len(report.redirects)}; broken links: {len(report.broken)}")
    for path, status, source in report.broken[:20]:
        print(f"  {status} {path} (linked from {source})")
    app.extensions["tenant_connections"].dispose_all()


if __name__ == "__main__":
    main()
