"""A small polite crawler: starts at /sitemap.xml, follows sitemaps and links, obeys robots.txt."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# fetch(path) -> (status, headers-like mapping, body bytes)
Fetch = Callable[[str], tuple[int, dict[str, str], bytes]]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "link"):
            values = dict(attrs)
            rel = values.get("rel") or ""
            if tag == "link" and rel not in ("canonical", "alternate"):
                return
            if values.get("href"):
                self.hrefs.append(values["href"] or "")


@dataclass
class CrawlReport:
    statuses: Counter[int] = field(default_factory=Counter)
    pages: dict[str, int] = field(default_factory=dict)
    broken: list[tuple[str, int, str]] = field(default_factory=list)  # (url, status, found on)
    redirects: dict[str, str] = field(default_factory=dict)


def disallow_rules(robots_txt: str) -> list[re.Pattern[str]]:
    """The ``User-agent: *`` Disallow rules, with Google's ``*`` and ``$`` wildcards."""
    rules, applies = [], False
    for line in robots_txt.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            applies = value == "*"
        elif key == "disallow" and applies and value:
            pattern = re.escape(value).replace(r"\*", ".*")
            if pattern.endswith(r"\$"):
                pattern = pattern[:-2] + "$"
            rules.append(re.compile(pattern))
    return rules


def crawl(fetch: Fetch, base: str = "http://localhost", limit: int = 100000) -> CrawlReport:
    """Crawl everything reachable from the platform sitemap that robots.txt allows."""
    report = CrawlReport()
    status, _, body = fetch("/robots.txt")
    rules = disallow_rules(body.decode() if status == 200 else "")
    queue: list[tuple[str, str]] = [("/sitemap.xml", "start")]
    seen = {"/sitemap.xml"}

    def enqueue(url: str, source: str) -> None:
        parsed = urlparse(urljoin(base + source, url))
        if parsed.netloc and parsed.netloc != urlparse(base).netloc:
            return
        path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        if path in seen or any(rule.match(path) for rule in rules):
            return
        seen.add(path)
        queue.append((path, source))

    while queue and len(report.pages) < limit:
        path, source = queue.pop(0)
        status, headers, body = fetch(path)
        report.statuses[status] += 1
        report.pages[path] = status
        if status in (301, 308):
            report.redirects[path] = headers.get("Location", "")
            enqueue(headers.get("Location", ""), path)
            continue
        if status != 200:
            report.broken.append((path, status, source))
            continue
        content_type = headers.get("Content-Type", "")
        if "xml" in content_type:
            root = ET.fromstring(body)
            for loc in root.iter(f"{SITEMAP_NS}loc"):
                enqueue((loc.text or "").strip(), path)
        elif "html" in content_type:
            parser = _Links()
            parser.feed(body.decode())
            for href in parser.hrefs:
                if not re.match(r"^(mailto:|tel:|#)", href):
                    enqueue(href, path)
    return report
