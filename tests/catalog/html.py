"""Reading the bits of a rendered page that tests look at."""
from __future__ import annotations

import html
import re


def product_names(body: str) -> list[str]:
    """Names on the product cards, in page order."""
    return [html.unescape(n) for n in re.findall(r'class="product-name">([^<]*)<', body)]


def breadcrumb(body: str) -> list[str]:
    """The breadcrumb trail's labels."""
    match = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', body, re.S)
    assert match, "no breadcrumb"
    return [html.unescape(t.strip()) for t in re.findall(r">([^<>]+)</(?:a|span)>", match.group(1))]


def facet_counts(body: str, code: str) -> dict[str, int]:
    """``{value: count}`` of one facet's checkboxes."""
    found = re.findall(
        rf'name="{code}" value="([^"]*)"[^>]*>\s*<label[^>]*>[^<]*<span class="facet-count">'
        r"\((\d+)\)", body)
    return {value: int(count) for value, count in found}


def checked(body: str, code: str) -> set[str]:
    return set(re.findall(rf'name="{code}" value="([^"]*)" checked', body))


def links(body: str, css_class: str) -> list[str]:
    match = re.search(rf'<nav class="{css_class}"[^>]*>(.*?)</nav>', body, re.S)
    assert match, f"no nav.{css_class}"
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', match.group(1))]
