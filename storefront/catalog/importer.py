"""``catalog import``: categories, attributes, products, reviews and CMS content from one document.

Everything is checked and written in the caller's one transaction, so a bad file changes nothing
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

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storefront.catalog.models import (
    Attribute,
    AttributeValue,
    Category,
    CategoryTranslation,
    Product,
    ProductAttributeValue,
    ProductImage,
    ProductStatus,
    ProductTranslation,
    Review,
    ReviewStatus,
)
from storefront.catalog.redirects import record_move
from storefront.cms.models import CmsBlock, CmsPage
from storefront.inputs import is_image_url
from storefront.models_base import TenantStore
from storefront.platform.provisioning import describe_failure

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ATTRIBUTE_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")
# Query parameters the listing pages already use; an attribute may not shadow them.
RESERVED_CODES = frozenset({"page", "sort", "q", "locale", "store_slug", "preview_theme"})
STATUSES = tuple(ProductStatus)
REVIEW_STATUSES = tuple(ReviewStatus)
MAX_PRICE = Decimal("9999999999.99")
SECTIONS = ("categories", "attributes", "products", "reviews", "cms_pages", "cms_blocks")
CHUNK = 500

T = TypeVar("T")


class ImportRejected(Exception):
    """The document cannot be imported; the message names the record and what is wrong."""


@dataclass
class ImportSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[kind] = target.get(kind, 0) + 1

    def __str__(self) -> str:
        parts = []
        for kind in ("categories", "attributes", "products", "reviews", "cms_pages", "cms_blocks"):
            created, updated = self.created.get(kind, 0), self.updated.get(kind, 0)
            if created or updated:
                parts.append(f"{kind.replace('_', ' ')}: {created} new, {updated} updated")
        return "; ".join(parts) or "nothing to import"


# -- checking the document ---------------------------------------------------------------------


class _Record:
    """One record of the document and where it is, for error messages."""

    def __init__(self, where: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise ImportRejected(f"{where}: must be an object")
        self.where = where
        self.data: dict[str, Any] = data

    def fail(self, problem: str) -> ImportRejected:
        return ImportRejected(f"{self.where}: {problem}")

    def only(self, *allowed: str) -> None:
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            raise self.fail(f"unknown field(s) {', '.join(unknown)}")

    def text(self, key: str, max_length: int, *, required: bool = True,
             pattern: re.Pattern[str] | None = None) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise self.fail(f"{key} is required")
            return None
        if not isinstance(value, str):
            raise self.fail(f"{key} must be a string")
        if "\x00" in value:
            raise self.fail(f"{key} must not contain NUL characters")
        if len(value) > max_length:
            raise self.fail(f"{key} must have at most {max_length} characters")
        if pattern is not None and not pattern.match(value):
            raise self.fail(f"{key} {value!r} is not valid")
        return value

    def image_url(self, key: str) -> str:
        value = self.text(key, 500) or ""
        if not is_image_url(value):
            raise self.fail(f"{key} {value!r} is not an https:// URL or a path on this site")
        return value

    def integer(self, key: str, default: int, low: int = 0, high: int = 1_000_000_000) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(f"{key} must be a whole number from {low} to {high}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{key} must be true or false")
        return value

    def money(self, key: str, *, required: bool = True) -> Decimal | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(f"{key} is required")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(f"{key} must be a decimal amount such as \"19.90\"")
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(f"{key} must be a decimal amount such as \"19.90\"") from None
        if not amount.is_finite() or amount < 0 or amount > MAX_PRICE:
            raise self.fail(f"{key} must be between 0 and {MAX_PRICE}")
        if amount != amount.quantize(Decimal("0.01")):
            raise self.fail(f"{key} must have at most two decimal places")
        return amount.quantize(Decimal("0.01"))

    def mapping(self, key: str, *, required: bool = False) -> dict[str, Any]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(f"{key} is required")
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"{key} must be an object")
        return value

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"{key} must be a list")
        return value


def _records(document: Mapping[str, Any], section: str,
             label: str) -> Iterator[tuple[int, _Record, str]]:
    items = document.get(section, [])
    if not isinstance(items, list):
        raise ImportRejected(f"{section}: must be a list")
    for index, item in enumerate(items):
        where = f"{section}[{index}]"
        if isinstance(item, dict) and isinstance(item.get(label), str):
            where += f" ({label} {item[label]})"
        yield index, _Record(where, item), where


def _translations(record: _Record, key: str, locales: list[str], fields: dict[str, int],
                  required_field: str) -> dict[str, dict[str, str | None]]:
    result: dict[str, dict[str, str | None]] = {}
    for locale, values in record.mapping(key).items():
        if locale not in locales:
            raise record.fail(f"{key}: locale {locale!r} is not one of the store's locales "
                              f"({', '.join(locales)})")
        inner = _Record(f"{record.where} {key}.{locale}", values)
        inner.only(*fields)
        result[locale] = {name: inner.text(name, length, required=name == required_field)
                          for name, length in fields.items()}
    return result


def _unique(kind: str, seen: dict[str, str], key: str, where: str) -> None:
    if key in seen:
        raise ImportRejected(f"{where}: {kind} {key!r} is also used by {seen[key]}")
    seen[key] = where


def _chunks(values: list[T]) -> Iterable[list[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


# -- the import --------------------------------------------------------------------------------


def import_catalog(session: Session, shop: TenantStore, document: Any) -> ImportSummary:
    """Check ``document`` whole, then upsert it through ``session`` (the caller commits)."""
    if not isinstance(document, dict):
        raise ImportRejected("the document must be a JSON object")
    unknown = sorted(set(document) - set(SECTIONS))
    if unknown:
        raise ImportRejected(f"unknown section(s) {', '.join(unknown)}; expected "
                             + ", ".join(SECTIONS))
    locales = list(shop.locales or [shop.default_locale])
    summary = ImportSummary()
    try:
        categories = _import_categories(session, document, locales, shop.default_locale, summary)
        attributes = _import_attributes(session, document, locales, summary)
        products = _import_products(session, document, locales, shop.default_locale, categories,
                                    attributes, summary)
        _import_reviews(session, document, products, summary)
        _import_cms(session, document, locales, shop.default_locale, summary)
        session.flush()
    except IntegrityError as exc:
        raise ImportRejected("the database refused the catalog: "
                             + describe_failure(exc)) from None
    return summary


def _import_categories(session: Session, document: Mapping[str, Any], locales: list[str],
                       default_locale: str, summary: ImportSummary) -> dict[str, int]:
    fields = {"name": 200, "description": 20000, "seo_title": 200, "seo_description": 500}
    existing = {c.slug: c for c in session.scalars(select(Category))}
    parents: dict[str, str | None] = {c.slug: None for c in existing.values()}
    by_id = {c.id: c.slug for c in existing.values()}
    for category in existing.values():
        parents[category.slug] = by_id.get(category.parent_id) if category.parent_id else None

    seen: dict[str, str] = {}
    specs = []
    for _, record, where in _records(document, "categories", "slug"):
        record.only("slug", "parent", "position", "active", "translations")
        slug = record.text("slug", 200, pattern=SLUG)
        assert slug is not None
        _unique("slug", seen, slug, where)
        parent = record.text("parent", 200, required=False)
        translations = _translations(record, "translations", locales, fields, "name")
        if slug not in existing and default_locale not in translations:
            raise record.fail(f"a new category needs translations.{default_locale}.name")
        specs.append((record, slug, parent, translations))
        parents[slug] = parent
    for record, slug, parent, _ in specs:
        if parent is not None and parent not in parents:
            raise record.fail(f"parent {parent!r} is neither in the file nor in the store")
        chain, current = {slug}, parent
        while current is not None:
            if current in chain:
                raise record.fail(f"parent {parent!r} would make a cycle")
            chain.add(current)
            current = parents.get(current)

    for record, slug, _, _ in specs:
        found = existing.get(slug)
        summary.count("categories", found is None)
        if found is None:
            found = existing[slug] = Category(slug=slug)
            session.add(found)
        found.position = record.integer("position", found.position or 0, -1_000_000, 1_000_000)
        found.is_active = record.flag("active", True if found.is_active is None
                                      else found.is_active)
    session.flush()
    for _, slug, parent, _ in specs:
        existing[slug].parent_id = existing[parent].id if parent else None

    ids = [existing[slug].id for _, slug, _, _ in specs]
    rows: dict[tuple[int, str], CategoryTranslation] = {}
    for chunk in _chunks(ids):
        for row in session.scalars(
            select(CategoryTranslation).where(CategoryTranslation.category_id.in_(chunk))
        ):
            rows[(row.category_id, row.locale)] = row
    for _, slug, _, translations in specs:
        for locale, values in translations.items():
            key = (existing[slug].id, locale)
            translation = rows.get(key)
            if translation is None:
                translation = rows[key] = CategoryTranslation(category_id=key[0], locale=locale)
                session.add(translation)
            for name, value in values.items():
                setattr(translation, name, value)
    return {slug: c.id for slug, c in existing.items()}


@dataclass
class _AttributeIndex:
    ids: dict[str, int]
    values: dict[tuple[str, str], int]


def _import_attributes(session: Session, document: Mapping[str, Any], locales: list[str],
                       summary: ImportSummary) -> _AttributeIndex:
    attributes = {a.code: a for a in session.scalars(select(Attribute))}
    values = {(v.attribute_id, v.value): v for v in session.scalars(select(AttributeValue))}
    seen: dict[str, str] = {}
    pending: list[tuple[Attribute, list[tuple[str, dict[str, str], int]]]] = []
    for index, record, where in _records(document, "attributes", "code"):
        record.only("code", "labels", "filterable", "position", "values")
        code = record.text("code", 50, pattern=ATTRIBUTE_CODE)
        assert code is not None
        if code in RESERVED_CODES:
            raise record.fail(f"code {code!r} is reserved for a page parameter")
        _unique("code", seen, code, where)
        labels = _labels(record, "labels", locales)
        value_specs, value_seen = [], set()
        for position, item in enumerate(record.items("values")):
            inner = _Record(f"{where} values[{position}]", item)
            inner.only("value", "labels")
            value = inner.text("value", 100)
            assert value is not None
            if value in value_seen:
                raise inner.fail(f"value {value!r} is listed twice")
            value_seen.add(value)
            value_specs.append((value, _labels(inner, "labels", locales), position))
        attribute = attributes.get(code)
        summary.count("attributes", attribute is None)
        if attribute is None:
            attribute = attributes[code] = Attribute(code=code)
            session.add(attribute)
        attribute.labels = {**(attribute.labels or {}), **labels}
        attribute.is_filterable = record.flag("filterable", True)
        attribute.position = record.integer("position", index, 0, 1_000_000)
        pending.append((attribute, value_specs))
    session.flush()
    for attribute, value_specs in pending:
        for value, labels, position in value_specs:
            row = values.get((attribute.id, value))
            if row is None:
                row = values[(attribute.id, value)] = AttributeValue(
                    attribute_id=attribute.id, value=value)
                session.add(row)
            row.labels = {**(row.labels or {}), **labels}
            row.position = position
    session.flush()
    codes = {a.id: code for code, a in attributes.items()}
    return _AttributeIndex(
        ids={code: a.id for code, a in attributes.items()},
        values={(codes[attribute_id], value): row.id
                for (attribute_id, value), row in values.items()},
    )


def _labels(record: _Record, key: str, locales: list[str]) -> dict[str, str]:
    labels = record.mapping(key)
    for locale, label in labels.items():
        if locale not in locales:
            raise record.fail(f"{key}: locale {locale!r} is not one of the store's locales")
        if not isinstance(label, str) or not label or len(label) > 100:
            raise record.fail(f"{key}.{locale} must be a string of 1-100 characters")
    return dict(labels)


@dataclass
class _ProductSpec:
    record: _Record
    sku: str
    slug: str
    translations: dict[str, dict[str, str | None]]
    images: list[dict[str, Any]] | None
    attribute_values: list[int] | None


def _import_products(session: Session, document: Mapping[str, Any], locales: list[str],
                     default_locale: str, categories: dict[str, int],
                     attributes: _AttributeIndex, summary: ImportSummary) -> dict[str, int]:
    fields = {"name": 200, "description": 50000, "seo_title": 200, "seo_description": 500}
    existing = {p.sku: p for p in session.scalars(select(Product))}
    slug_owner = {p.slug: p.sku for p in existing.values()}
    seen_sku: dict[str, str] = {}
    seen_slug: dict[str, str] = {}
    specs: list[_ProductSpec] = []
    for _, record, where in _records(document, "products", "sku"):
        record.only("sku", "slug", "price", "sale_price", "stock", "status", "featured",
                    "category", "translations", "images", "attributes")
        sku = record.text("sku", 64)
        slug = record.text("slug", 200, pattern=SLUG)
        assert sku is not None and slug is not None
        _unique("sku", seen_sku, sku, where)
        _unique("slug", seen_slug, slug, where)
        if slug_owner.get(slug, sku) != sku:
            raise record.fail(f"slug {slug!r} already belongs to product {slug_owner[slug]}")
        translations = _translations(record, "translations", locales, fields, "name")
        if sku not in existing and default_locale not in translations:
            raise record.fail(f"a new product needs translations.{default_locale}.name")
        category = record.text("category", 200, required=False)
        if category is not None and category not in categories:
            raise record.fail(f"category {category!r} is neither in the file nor in the store")
        status = record.text("status", 20, required=False)
        if status is not None and status not in STATUSES:
            raise record.fail(f"status must be one of {', '.join(STATUSES)}")
        images = None
        if "images" in record.data:
            images = []
            for position, item in enumerate(record.items("images")):
                inner = _Record(f"{where} images[{position}]", item)
                inner.only("url", "alt", "width", "height")
                images.append({
                    "url": inner.image_url("url"),
                    "alt": inner.text("alt", 300, required=False),
                    "width": inner.integer("width", 0, 0, 20000) or None,
                    "height": inner.integer("height", 0, 0, 20000) or None,
                    "position": position,
                })
        value_ids = None
        if "attributes" in record.data:
            value_ids = []
            for code, chosen in record.mapping("attributes").items():
                if code not in attributes.ids:
                    raise record.fail(f"attribute {code!r} is neither in the file nor in the store")
                if isinstance(chosen, str):
                    chosen = [chosen]
                if not isinstance(chosen, list):
                    raise record.fail(f"attributes.{code} must be a value or a list of values")
                for value in chosen:
                    value_id = attributes.values.get((code, value)) if isinstance(value, str) \
                        else None
                    if value_id is None:
                        raise record.fail(f"attributes.{code}: {value!r} is not a value of {code}")
                    if value_id not in value_ids:
                        value_ids.append(value_id)

        product = existing.get(sku)
        summary.count("products", product is None)
        if product is None:
            product = existing[sku] = Product(sku=sku)
            session.add(product)
        if product.slug and product.slug != slug:
            slug_owner.pop(product.slug, None)
            record_move(session, f"p/{product.slug}", f"p/{slug}")  # old links answer 301
        product.slug = slug
        slug_owner[slug] = sku
        # A field the record leaves out keeps its stored value (or the default of a new row).
        price = record.money("price", required=product.price is None)
        product.price = price if price is not None else product.price
        if "sale_price" in record.data or product.id is None:
            product.sale_price = record.money("sale_price", required=False)
        product.stock = record.integer("stock", product.stock or 0)
        product.status = ProductStatus(status or product.status or ProductStatus.ACTIVE)
        product.is_featured = record.flag("featured", bool(product.is_featured))
        if "category" in record.data or product.id is None:
            product.category_id = categories[category] if category else None
        specs.append(_ProductSpec(record, sku, slug, translations, images, value_ids))
    session.flush()

    ids = [existing[s.sku].id for s in specs]
    rows: dict[tuple[int, str], ProductTranslation] = {}
    for chunk in _chunks(ids):
        for row in session.scalars(
            select(ProductTranslation).where(ProductTranslation.product_id.in_(chunk))
        ):
            rows[(row.product_id, row.locale)] = row
    for spec in specs:
        product_id = existing[spec.sku].id
        for locale, values in spec.translations.items():
            translation = rows.get((product_id, locale))
            if translation is None:
                translation = rows[(product_id, locale)] = ProductTranslation(
                    product_id=product_id, locale=locale)
                session.add(translation)
            for name, value in values.items():
                setattr(translation, name, value)

    # Images and attribute values are replaced as a whole, and only where they changed, so
    # importing the same file again rewrites nothing.
    image_key = ("url", "alt", "width", "height", "position")
    current_images: dict[int, list[tuple[Any, ...]]] = {}
    current_values: dict[int, set[int]] = {}
    for chunk in _chunks(ids):
        for image in session.scalars(select(ProductImage).where(ProductImage.product_id.in_(chunk))
                                     .order_by(ProductImage.position, ProductImage.id)):
            current_images.setdefault(image.product_id, []).append(
                tuple(getattr(image, k) for k in image_key))
        for product_id, value_id in session.execute(
            select(ProductAttributeValue.product_id, ProductAttributeValue.attribute_value_id)
            .where(ProductAttributeValue.product_id.in_(chunk))
        ):
            current_values.setdefault(product_id, set()).add(value_id)
    replace_images, replace_values = [], []
    for spec in specs:
        product_id = existing[spec.sku].id
        wanted = [tuple(i[k] for k in image_key) for i in spec.images or []]
        if spec.images is not None and current_images.get(product_id, []) != wanted:
            replace_images.append(spec)
        if spec.attribute_values is not None and \
                current_values.get(product_id, set()) != set(spec.attribute_values):
            replace_values.append(spec)
    for chunk in _chunks([existing[s.sku].id for s in replace_images]):
        session.execute(delete(ProductImage).where(ProductImage.product_id.in_(chunk)))
    for chunk in _chunks([existing[s.sku].id for s in replace_values]):
        session.execute(delete(ProductAttributeValue)
                        .where(ProductAttributeValue.product_id.in_(chunk)))
    for spec in replace_images:
        for fields in spec.images or []:
            session.add(ProductImage(product_id=existing[spec.sku].id, **fields))
    for spec in replace_values:
        for value_id in spec.attribute_values or []:
            session.add(ProductAttributeValue(product_id=existing[spec.sku].id,
                                              attribute_value_id=value_id))
    return {sku: p.id for sku, p in existing.items()}


def _import_reviews(session: Session, document: Mapping[str, Any], products: dict[str, int],
                    summary: ImportSummary) -> None:
    specs = []
    for _, record, _ in _records(document, "reviews", "product"):
        record.only("product", "author", "rating", "title", "body", "status")
        sku = record.text("product", 64)
        if sku not in products:
            raise record.fail(f"product {sku!r} is neither in the file nor in the store")
        status = record.text("status", 20, required=False) or ReviewStatus.APPROVED
        if status not in REVIEW_STATUSES:
            raise record.fail(f"status must be one of {', '.join(REVIEW_STATUSES)}")
        specs.append(Review(
            product_id=products[sku], author_name=record.text("author", 100),
            rating=record.integer("rating", 0, 1, 5), title=record.text("title", 200,
                                                                        required=False),
            body=record.text("body", 5000, required=False) or "", status=ReviewStatus(status)))
    if not specs:
        return
    # Reviews have no natural key; one by the same author with the same title is the same one.
    known = {tuple(row) for row in session.execute(
        select(Review.product_id, Review.author_name, Review.title)
        .where(Review.product_id.in_({r.product_id for r in specs}))
    )}
    for review in specs:
        key = (review.product_id, review.author_name, review.title)
        summary.count("reviews", key not in known)
        if key not in known:
            known.add(key)
            session.add(review)


def _import_cms(session: Session, document: Mapping[str, Any], locales: list[str],
                default_locale: str, summary: ImportSummary) -> None:
    pages = {(p.slug, p.locale): p for p in session.scalars(select(CmsPage))}
    seen: dict[str, str] = {}
    fields = {"title": 200, "body": 200000, "seo_title": 200, "seo_description": 500}
    for _, record, where in _records(document, "cms_pages", "slug"):
        record.only("slug", "published", "translations")
        slug = record.text("slug", 200, pattern=SLUG)
        assert slug is not None
        _unique("slug", seen, slug, where)
        translations = _translations(record, "translations", locales, fields, "title")
        if not translations:
            raise record.fail("translations must hold at least one locale")
        published = record.flag("published", True)
        summary.count("cms_pages", not any((slug, loc) in pages for loc in locales))
        for locale, values in translations.items():
            page = pages.get((slug, locale))
            if page is None:
                page = pages[(slug, locale)] = CmsPage(slug=slug, locale=locale)
                session.add(page)
            page.title = values["title"] or ""
            page.body = values["body"] or ""
            page.seo_title = values["seo_title"]
            page.seo_description = values["seo_description"]
            page.is_published = published

    blocks = {(b.key, b.locale): b for b in session.scalars(select(CmsBlock))}
    seen = {}
    for _, record, where in _records(document, "cms_blocks", "key"):
        record.only("key", "content")
        key = record.text("key", 100, pattern=re.compile(r"^[a-z][a-z0-9_]{0,99}$"))
        assert key is not None
        _unique("key", seen, key, where)
        content = record.mapping("content", required=True)
        summary.count("cms_blocks", not any((key, loc) in blocks for loc in locales))
        for locale, html in content.items():
            if locale not in locales:
                raise record.fail(f"content: locale {locale!r} is not one of the store's locales")
            if not isinstance(html, str) or len(html) > 100000 or "\x00" in html:
                raise record.fail(f"content.{locale} must be a string of at most 100000 characters")
            block = blocks.get((key, locale))
            if block is None:
                block = blocks[(key, locale)] = CmsBlock(key=key, locale=locale)
                session.add(block)
            block.content = html
