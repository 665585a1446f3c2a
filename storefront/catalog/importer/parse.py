"""Check a whole import document against what the store holds and turn it into typed specs.

Nothing here writes: every error a document can have is found before ``apply`` runs, in the order
of the document, so the first record at fault is the one named.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from storefront.catalog.importer.records import ImportRejected, Record, records, unique
from storefront.catalog.importer.specs import (
    KEEP,
    AttributeSpec,
    AttributeValueSpec,
    CatalogSpec,
    CategorySpec,
    CmsBlockSpec,
    CmsPageSpec,
    Existing,
    ImageSpec,
    ProductSpec,
    ReviewSpec,
    Translations,
)
from storefront.catalog.models import ProductStatus, ReviewStatus

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ATTRIBUTE_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")
BLOCK_KEY = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
# Query parameters the listing pages already use; an attribute may not shadow them.
RESERVED_CODES = frozenset({"page", "sort", "q", "locale", "store_slug", "preview_theme"})
SECTIONS = ("categories", "attributes", "products", "reviews", "cms_pages", "cms_blocks")
CATEGORY_TEXTS = {"name": 200, "description": 20000, "seo_title": 200, "seo_description": 500}
PRODUCT_TEXTS = {"name": 200, "description": 50000, "seo_title": 200, "seo_description": 500}
PAGE_TEXTS = {"title": 200, "body": 200000, "seo_title": 200, "seo_description": 500}


def parse_document(document: Any, store: Existing) -> CatalogSpec:
    """The document as typed specs, or ImportRejected naming the first record at fault."""
    if not isinstance(document, dict):
        raise ImportRejected("the document must be a JSON object")
    unknown = sorted(set(document) - set(SECTIONS))
    if unknown:
        raise ImportRejected(f"unknown section(s) {', '.join(unknown)}; expected "
                             + ", ".join(SECTIONS))
    categories = _categories(document, store)
    attributes = _attributes(document, store)
    products = _Products(store, categories, attributes).parse(document)
    skus = {*store.product_slugs, *(p.sku for p in products)}
    return CatalogSpec(categories, attributes, products, _reviews(document, skus),
                       _cms_pages(document, store), _cms_blocks(document, store))


# -- categories --------------------------------------------------------------------------------


def _categories(document: Mapping[str, Any], store: Existing) -> list[CategorySpec]:
    parents = dict(store.category_parents)
    seen: dict[str, str] = {}
    read: list[tuple[Record, str, str | None, Translations]] = []
    for record in records(document, "categories", "slug"):
        record.only("slug", "parent", "position", "active", "translations")
        slug = record.text("slug", 200, SLUG)
        unique("slug", seen, slug, record)
        parent = record.optional_text("parent", 200)
        translations = record.translations("translations", store.locales, CATEGORY_TEXTS,
                                           "name")
        if slug not in store.category_parents and store.default_locale not in translations:
            raise record.fail(f"a new category needs translations.{store.default_locale}.name")
        read.append((record, slug, parent, translations))
        parents[slug] = parent
    for record, slug, parent, _ in read:
        _check_parent(record, slug, parent, parents)
    return [_category(record, slug, parent, translations, slug not in store.category_parents)
            for record, slug, parent, translations in read]


def _check_parent(record: Record, slug: str, parent: str | None,
                  parents: dict[str, str | None]) -> None:
    if parent is not None and parent not in parents:
        raise record.fail(f"parent {parent!r} is neither in the file nor in the store")
    chain, current = {slug}, parent
    while current is not None:
        if current in chain:
            raise record.fail(f"parent {parent!r} would make a cycle")
        chain.add(current)
        current = parents.get(current)


def _category(record: Record, slug: str, parent: str | None, translations: Translations,
              new: bool) -> CategorySpec:
    low, high = -1_000_000, 1_000_000
    position = record.integer("position", 0, low, high) if new \
        else record.integer_or_keep("position", low, high)
    active = record.flag("active", True) if new else record.flag_or_keep("active")
    return CategorySpec(slug, parent, translations, position, active)


# -- attributes --------------------------------------------------------------------------------


def _attributes(document: Mapping[str, Any], store: Existing) -> list[AttributeSpec]:
    seen: dict[str, str] = {}
    specs = []
    for index, record in enumerate(records(document, "attributes", "code")):
        record.only("code", "labels", "filterable", "position", "values")
        code = record.text("code", 50, ATTRIBUTE_CODE)
        if code in RESERVED_CODES:
            raise record.fail(f"code {code!r} is reserved for a page parameter")
        unique("code", seen, code, record)
        labels = record.labels("labels", store.locales)
        values = _attribute_values(record, store.locales)
        specs.append(AttributeSpec(code, labels, record.flag("filterable", True),
                                   record.integer("position", index, 0, 1_000_000), values))
    return specs


def _attribute_values(record: Record, locales: list[str]) -> list[AttributeValueSpec]:
    values: list[AttributeValueSpec] = []
    for position, item in enumerate(record.items("values")):
        inner = Record(f"{record.where} values[{position}]", item)
        inner.only("value", "labels")
        value = inner.text("value", 100)
        if any(v.value == value for v in values):
            raise inner.fail(f"value {value!r} is listed twice")
        values.append(AttributeValueSpec(value, inner.labels("labels", locales), position))
    return values


# -- products ----------------------------------------------------------------------------------


class _Products:
    """Products, checked in order: a slug one record gives up is free for the records after it."""

    def __init__(self, store: Existing, categories: list[CategorySpec],
                 attributes: list[AttributeSpec]) -> None:
        self.store = store
        self.categories = {*store.category_parents, *(c.slug for c in categories)}
        self.values = {code: set(values) for code, values in store.attribute_values.items()}
        for attribute in attributes:
            self.values.setdefault(attribute.code, set()).update(v.value for v in attribute.values)
        self.slug_owner = {slug: sku for sku, slug in store.product_slugs.items()}
        self.seen_sku: dict[str, str] = {}
        self.seen_slug: dict[str, str] = {}

    def parse(self, document: Mapping[str, Any]) -> list[ProductSpec]:
        return [self._product(record) for record in records(document, "products", "sku")]

    def _product(self, record: Record) -> ProductSpec:
        record.only("sku", "slug", "price", "sale_price", "stock", "status", "featured",
                    "category", "translations", "images", "attributes")
        sku, slug = self._keys(record)
        new = sku not in self.store.product_slugs
        translations = record.translations("translations", self.store.locales, PRODUCT_TEXTS,
                                           "name")
        if new and self.store.default_locale not in translations:
            raise record.fail(f"a new product needs translations.{self.store.default_locale}.name")
        category = self._category(record)
        status = record.member("status", ProductStatus)
        images = _images(record) if record.has("images") else KEEP
        values = self._attribute_values(record) if record.has("attributes") else KEEP
        self._take_slug(sku, slug)
        if new:
            return ProductSpec(
                sku, slug, translations, record.money("price"), record.optional_money("sale_price"),
                record.integer("stock", 0), status or ProductStatus.ACTIVE,
                record.flag("featured", False), category, images, values)
        price = record.optional_money("price")
        return ProductSpec(
            sku, slug, translations, KEEP if price is None else price,
            record.optional_money("sale_price") if record.has("sale_price") else KEEP,
            record.integer_or_keep("stock"), status or KEEP, record.flag_or_keep("featured"),
            category if record.has("category") else KEEP, images, values)

    def _keys(self, record: Record) -> tuple[str, str]:
        sku = record.text("sku", 64)
        slug = record.text("slug", 200, SLUG)
        unique("sku", self.seen_sku, sku, record)
        unique("slug", self.seen_slug, slug, record)
        if self.slug_owner.get(slug, sku) != sku:
            raise record.fail(f"slug {slug!r} already belongs to product {self.slug_owner[slug]}")
        return sku, slug

    def _take_slug(self, sku: str, slug: str) -> None:
        old = self.store.product_slugs.get(sku)
        if old and old != slug:
            self.slug_owner.pop(old, None)
        self.slug_owner[slug] = sku

    def _category(self, record: Record) -> str | None:
        category = record.optional_text("category", 200)
        if category is not None and category not in self.categories:
            raise record.fail(f"category {category!r} is neither in the file nor in the store")
        return category

    def _attribute_values(self, record: Record) -> list[tuple[str, str]]:
        chosen: list[tuple[str, str]] = []
        for code, values in record.mapping("attributes").items():
            if code not in self.values:
                raise record.fail(f"attribute {code!r} is neither in the file nor in the store")
            if isinstance(values, str):
                values = [values]
            if not isinstance(values, list):
                raise record.fail(f"attributes.{code} must be a value or a list of values")
            for value in values:
                if not isinstance(value, str) or value not in self.values[code]:
                    raise record.fail(f"attributes.{code}: {value!r} is not a value of {code}")
                if (code, value) not in chosen:
                    chosen.append((code, value))
        return chosen


def _images(record: Record) -> list[ImageSpec]:
    images = []
    for position, item in enumerate(record.items("images")):
        inner = Record(f"{record.where} images[{position}]", item)
        inner.only("url", "alt", "width", "height")
        images.append(ImageSpec(
            url=inner.image_url("url"),
            alt=inner.optional_text("alt", 300),
            width=inner.integer("width", 0, 0, 20000) or None,
            height=inner.integer("height", 0, 0, 20000) or None,
            position=position,
        ))
    return images


# -- reviews and CMS ---------------------------------------------------------------------------


def _reviews(document: Mapping[str, Any], skus: set[str]) -> list[ReviewSpec]:
    specs = []
    for record in records(document, "reviews", "product"):
        record.only("product", "author", "rating", "title", "body", "status")
        sku = record.text("product", 64)
        if sku not in skus:
            raise record.fail(f"product {sku!r} is neither in the file nor in the store")
        status = record.member("status", ReviewStatus) or ReviewStatus.APPROVED
        specs.append(ReviewSpec(
            sku, author=record.text("author", 100), rating=record.integer("rating", 0, 1, 5),
            title=record.optional_text("title", 200),
            body=record.optional_text("body", 5000) or "", status=status))
    return specs


def _cms_pages(document: Mapping[str, Any], store: Existing) -> list[CmsPageSpec]:
    seen: dict[str, str] = {}
    specs = []
    for record in records(document, "cms_pages", "slug"):
        record.only("slug", "published", "translations")
        slug = record.text("slug", 200, SLUG)
        unique("slug", seen, slug, record)
        translations = record.translations("translations", store.locales, PAGE_TEXTS, "title")
        if not translations:
            raise record.fail("translations must hold at least one locale")
        specs.append(CmsPageSpec(slug, record.flag("published", True), translations))
    return specs


def _cms_blocks(document: Mapping[str, Any], store: Existing) -> list[CmsBlockSpec]:
    seen: dict[str, str] = {}
    specs = []
    for record in records(document, "cms_blocks", "key"):
        record.only("key", "content")
        key = record.text("key", 100, BLOCK_KEY)
        unique("key", seen, key, record)
        content = record.mapping("content", required=True)
        for locale, html in content.items():
            if locale not in store.locales:
                raise record.fail(f"content: locale {locale!r} is not one of the store's locales")
            if not isinstance(html, str) or len(html) > 100000 or "\x00" in html:
                raise record.fail(f"content.{locale} must be a string of at most 100000 characters")
        specs.append(CmsBlockSpec(key, dict(content)))
    return specs
