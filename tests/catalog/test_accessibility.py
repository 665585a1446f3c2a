"""An accessibility audit of the rendered pages, without a browser: landmarks, names, contrast."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from flask.testing import FlaskClient

from storefront.platform.models import Store

PAGES = ["/acme/", "/acme/c/clothing", "/acme/c/shirts?colour=blue", "/acme/p/red-tee",
         "/acme/pages/about", "/acme/search?q=tee", "/acme/de/c/shirts", "/acme/de/p/green-tee",
         "/acme/c/nope"]


class Audit(HTMLParser):
    """Collects what the checks below look at, in one pass over the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.label_for: set[str] = set()
        self.open_labels = 0
        self.controls_in_labels = 0
        self.headings: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "label":
            self.open_labels += 1
            if attributes.get("for"):
                self.label_for.add(str(attributes["for"]))
        if tag in ("input", "select", "textarea") and self.open_labels:
            self.controls_in_labels += 1
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1


def audit(body: str) -> list[str]:
    page = Audit()
    page.feed(body)
    problems = []
    names = [t for t, _ in page.tags]
    for landmark in ("header", "main", "footer"):
        if names.count(landmark) != 1:
            problems.append(f"{names.count(landmark)} <{landmark}>")
    html = next(a for t, a in page.tags if t == "html")
    if not html.get("lang"):
        problems.append("<html> without lang")
    if page.headings.count(1) != 1:
        problems.append(f"{page.headings.count(1)} <h1>")
    if page.headings and page.headings[0] != 1:
        problems.append(f"the first heading is h{page.headings[0]}, not h1")
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading level jumps from h{before} to h{after}")
    navs = [a for t, a in page.tags if t == "nav"]
    labels = [a.get("aria-label") or a.get("aria-labelledby") for a in navs]
    if len(navs) > 1 and (None in labels or len(set(labels)) != len(labels)):
        problems.append(f"navigation landmarks without distinct labels: {labels}")
    ids = [a["id"] for _, a in page.tags if a.get("id")]
    if len(ids) != len(set(ids)):
        problems.append("duplicate ids")
    for tag, attributes in page.tags:
        if tag == "img" and attributes.get("alt") is None:
            problems.append(f"img without alt: {attributes.get('src')}")
        if tag == "img" and not (attributes.get("width") and attributes.get("height")) \
                and "brand" not in str(attributes.get("class")):
            problems.append(f"img without width/height: {attributes.get('src')}")
        if tag in ("select", "textarea") or (tag == "input" and attributes.get("type") not in (
                "hidden", "submit", "button")):
            named = attributes.get("id") in page.label_for or attributes.get("aria-label") \
                or attributes.get("aria-labelledby")
            if not named and not page.controls_in_labels:
                problems.append(f"unlabelled <{tag} name={attributes.get('name')}>")
        if tag == "a" and not attributes.get("href"):
            problems.append("a link without href")
        if attributes.get("tabindex") not in (None, "0", "-1"):
            problems.append("positive tabindex")
    return problems


def test_pages_pass_the_audit(client: FlaskClient, acme: Store) -> None:
    for url in PAGES:
        page = client.get(url)
        assert page.status_code in (200, 404)
        assert audit(page.get_data(as_text=True)) == [], url


def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = []
    for i in (0, 2, 4):
        c = int(value[i:i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_base_colours_meet_wcag_aa() -> None:
    css = (Path(__file__).resolve().parents[2] / "static/css/storefront.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", css.split("}", 1)[0]))
    pairs = [("fg", "bg"), ("muted", "bg"), ("muted", "surface"), ("accent", "bg"),
             ("accent-fg", "accent"), ("sale", "bg"), ("ok", "bg"), ("warn", "bg"),
             ("header-fg", "header-bg"), ("bg", "fg")]
    for fg, bg in pairs:
        assert contrast(colours[fg], colours[bg]) >= 4.5, (fg, bg)
