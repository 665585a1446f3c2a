"""``catalog import``: categories, attributes, products, reviews and CMS content from one document.

The whole document is checked first (``parse``: document to typed specs, against what the store
holds), then written (``apply``), in the caller's one transaction, so a bad file changes nothing
(the caller rolls back), and the error names the record at fault
(``products[12] (sku OUT-0012): price must be …``). Records are matched on their natural keys
(slug, SKU, attribute code, CMS slug/key), so importing the same file twice changes nothing; a
field a record leaves out keeps its stored value. Every section is optional::

    {"categories": [{"slug": "shirts", "parent": "men", "position": 1, "active": true,
                     "translations": {"en": {"name": "Shirts", "description": "<p>…</p>",
                                             "seo_title": "…", "seo_description": "…"}}}],
     "attributes": [{"code": "colour", "labels": {"en": "Colour", "de": "Farbe"},
                     "filterable": true, "values": [{"value": "red", "labels": {"en": "Red"}}]}],
     "products": [{"sku": "TEE-1", "slug": "red-tee", "price": "19.90", "sale_price": null,
                   "stock": 5, "status": "active", "featured": false, "category": "shirts",
                   "translations": {"en": {"name": "Red tee", "description": "<p>…</p>"}},
                   "images": [{"url": "/static/…", "alt": "…", "width": 600, "height": 600}],
                   "attributes": {"colour": ["red"]}}],
     "reviews": [{"product": "TEE-1", "author": "Ann", "rating": 5, "title": "…", "body": "…",
                  "status": "approved"}],
     "cms_pages": [{"slug": "about", "published": true,
                    "translations": {"en": {"title": "About us", "body": "<p>…</p>"}}}],
     "cms_blocks": [{"key": "header_notice", "content": {"en": "<p>…</p>"}}]}

Locales must be among the store's; a new product or category needs a name in the default
locale. ``python -m storefront.demo.catalogs demo-outfitters`` prints a full example.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storefront.catalog.importer.apply import ImportSummary, StoredCatalog, apply_catalog
from storefront.catalog.importer.parse import parse_document
from storefront.catalog.importer.records import ImportRejected
from storefront.models_base import TenantStore
from storefront.platform.provisioning import describe_failure

__all__ = ["ImportRejected", "ImportSummary", "import_catalog"]


def import_catalog(session: Session, shop: TenantStore, document: Any) -> ImportSummary:
    """Check ``document`` whole, then upsert it through ``session`` (the caller commits)."""
    locales = list(shop.locales or [shop.default_locale])
    stored = StoredCatalog.load(session)
    spec = parse_document(document, stored.existing(locales, shop.default_locale))
    try:
        return apply_catalog(session, spec, stored, locales)
    except IntegrityError as exc:
        raise ImportRejected("the database refused the catalog: "
                             + describe_failure(exc)) from None
