"""Head tags every store page carries: canonical, hreflang, Open Graph, Twitter, JSON-LD.

Pages keep writing only their ``title`` and ``meta`` blocks (description, robots); the layout
hands both to ``head_tags``, so the canonical URL and its alternates are decided in one place.
Templates call these: they read the store's row the page's before-render step read, never the DB.
"""
from __future__ import annotations

import html
import json
import re
from typing import Any

from flask import Flask, g, request, url_for
from markupsafe import Markup, escape

from storefront.catalog.services import CategoryNode, ProductPage
from storefront.i18n import ui_locale
from storefront.tenancy.session import loaded_shop

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)"')
# Query parameters that make a different page of content; everything else (sort, filters,
# tracking) is dropped from the canonical URL.
CONTENT_PARAMS = {"store.search.results": ("q", "page"), "store.catalog.category": ("page",)}


def _url(endpoint: str, locale: str | None, **args: Any) -> str:
    return url_for(endpoint, **args, locale=locale, _external=True)


def canonical_url(locale: str | None = None) -> str:
    """This page's one URL in ``locale`` (default: the page's own), content parameters only."""
    shop = loaded_shop()
    assert shop is not None and request.endpoint is not None
    locale = locale or ui_locale()
    keep = CONTENT_PARAMS.get(request.endpoint, ())
    # An overlong value (a 10 KB search) is not part of any page's identity.
    args = {k: v for k, v in request.args.items() if k in keep and v and len(v) <= 200}
    if args.get("page") == "1":
        del args["page"]
    return _url(request.endpoint, None if locale == shop.default_locale else locale,
                **(request.view_args or {}), **args)


def head_tags(title: str, meta: str, status: int = 200, image: str = "") -> Markup:
    """Canonical, hreflang alternates (with x-default), Open Graph and Twitter card tags."""
    shop = loaded_shop()
    if shop is None or g.get("store") is None or status != 200 or request.endpoint is None:
        return Markup("")
    indexable = "noindex" not in meta
    canonical = canonical_url()
    found = DESCRIPTION.search(meta)
    description = html.unescape(found.group(1)) if found else ""
    tags = [f'<link rel="canonical" href="{escape(canonical)}">']
    locales = list(shop.locales or [shop.default_locale])
    if indexable and len(locales) > 1:
        for code in locales:
            tags.append(f'<link rel="alternate" hreflang="{escape(code.replace("_", "-"))}" '
                        f'href="{escape(canonical_url(code))}">')
        tags.append(f'<link rel="alternate" hreflang="x-default" '
                    f'href="{escape(canonical_url(shop.default_locale))}">')
    og_type = "product" if request.endpoint == "store.catalog.product" else "website"
    og = {"og:type": og_type, "og:title": html.unescape(title.strip()), "og:url": canonical,
          "og:site_name": shop.name, "og:locale": ui_locale().replace("-", "_")}
    if description:
        og["og:description"] = description
    if image:
        og["og:image"] = _absolute(html.unescape(image))  # the block's output is HTML-escaped
    tags += [f'<meta property="{k}" content="{escape(v)}">' for k, v in og.items()]
    card = "summary_large_image" if image else "summary"
    tags.append(f'<meta name="twitter:card" content="{card}">')
    tags.append(f'<meta name="twitter:title" content="{escape(og["og:title"])}">')
    if description:
        tags.append(f'<meta name="twitter:description" content="{escape(description)}">')
    return Markup("\n".join(tags))


def json_ld(data: dict[str, Any] | list[dict[str, Any]]) -> Markup:
    """A JSON-LD script; ``<``, ``>`` and ``&`` are escaped so nothing can close the tag."""
    text = json.dumps(data, ensure_ascii=False, default=str, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def _absolute(path: str) -> str:
    return path if path.startswith("http") else request.host_url.rstrip("/") + path


def breadcrumb_ld(trail: list[CategoryNode], current: str | None = None) -> dict[str, Any]:
    """schema.org BreadcrumbList from the home page down to the current page."""
    items = [("Home", url_for("store.catalog.home", _external=True))]
    items += [(node.name, url_for("store.catalog.category", category=node.slug, _external=True))
              for node in trail]
    if current is not None:
        items.append((current, canonical_url()))
    return {
        "@context": "https://schema.org", "@type": "BreadcrumbList",
        "itemListElement": [{"@type": "ListItem", "position": i, "name": name, "item": url}
                            for i, (name, url) in enumerate(items, start=1)],
    }


def product_ld(page: ProductPage) -> list[dict[str, Any]]:
    """schema.org Product with its Offer (and AggregateRating when there are reviews)."""
    shop = loaded_shop()
    assert shop is not None
    product = page.product
    price = product.unit_price
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Product", "name": product.name,
        "sku": product.sku, "url": canonical_url(),
        "offers": {
            "@type": "Offer", "price": f"{price:.2f}", "priceCurrency": shop.currency,
            "availability": "https://schema.org/" + ("InStock" if product.stock > 0
                                                     else "OutOfStock"),
            "url": canonical_url(),
        },
    }
    if page.images:
        data["image"] = [_absolute(image.url) for image in page.images]
    if page.description:
        data["description"] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.description)
                                     ).strip()[:5000]
    if page.rating_count and page.rating_average is not None:
        data["aggregateRating"] = {"@type": "AggregateRating",
                                   "ratingValue": f"{page.rating_average:.1f}",
                                   "reviewCount": page.rating_count,
                                   "bestRating": 5, "worstRating": 1}
    return [data, breadcrumb_ld(page.breadcrumb, product.name)]


def store_ld() -> list[dict[str, Any]]:
    """schema.org Organization and WebSite with a SearchAction, for the home page."""
    shop = loaded_shop()
    assert shop is not None
    home = url_for("store.catalog.home", _external=True)
    search = url_for("store.search.results", _external=True)
    organization: dict[str, Any] = {"@context": "https://schema.org", "@type": "Organization",
                                    "name": shop.name, "url": home}
    if shop.email:
        organization["email"] = shop.email
    return [organization, {
        "@context": "https://schema.org", "@type": "WebSite", "name": shop.name, "url": home,
        "potentialAction": {"@type": "SearchAction",
                            "target": {"@type": "EntryPoint",
                                       "urlTemplate": f"{search}?q={{search_term_string}}"},
                            "query-input": "required name=search_term_string"},
    }]


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(head_tags=head_tags, json_ld=json_ld, product_ld=product_ld,
                                 breadcrumb_ld=breadcrumb_ld, store_ld=store_ld)
