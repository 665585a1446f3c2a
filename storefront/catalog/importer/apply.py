"""Write checked specs into the tenant DB: upsert on natural keys, rewrite only what changed.

Everything goes through the caller's session and transaction; nothing here commits.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storefront.catalog.importer.specs import (
    AttributeSpec,
    CatalogSpec,
    CategorySpec,
    CmsBlockSpec,
    CmsPageSpec,
    Existing,
    Keep,
    ProductSpec,
    ReviewSpec,
    Translations,
)
from storefront.catalog.models import (
    Attribute,
    AttributeValue,
    Category,
    CategoryTranslation,
    Product,
    ProductAttributeValue,
    ProductImage,
    ProductTranslation,
    Review,
)
from storefront.catalog.redirects import record_move
from storefront.cms.models import CmsBlock, CmsPage
from storefront.models_base import TenantBase

CHUNK = 500
IMAGE_FIELDS = ("url", "alt", "width", "height", "position")

T = TypeVar("T")
K = TypeVar("K")
RowT = TypeVar("RowT", bound=TenantBase)
TranslationT = TypeVar("TranslationT", CategoryTranslation, ProductTranslation)


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


@dataclass
class StoredCatalog:
    """The store's catalog rows an import matches against, by natural key."""

    categories: dict[str, Category]
    attributes: dict[str, Attribute]
    values: dict[tuple[int, str], AttributeValue]  # (attribute id, value)
    products: dict[str, Product]

    @classmethod
    def load(cls, session: Session) -> StoredCatalog:
        """Every category, attribute (with values) and product; one query each."""
        return cls(
            categories={c.slug: c for c in session.scalars(select(Category))},
            attributes={a.code: a for a in session.scalars(select(Attribute))},
            values={(v.attribute_id, v.value): v for v in session.scalars(select(AttributeValue))},
            products={p.sku: p for p in session.scalars(select(Product))},
        )

    def existing(self, locales: list[str], default_locale: str) -> Existing:
        """What ``parse`` checks a document against."""
        slugs = {c.id: c.slug for c in self.categories.values()}
        codes = {a.id: code for code, a in self.attributes.items()}
        values: dict[str, set[str]] = {code: set() for code in self.attributes}
        for attribute_id, value in self.values:
            values[codes[attribute_id]].add(value)
        return Existing(
            locales, default_locale,
            category_parents={c.slug: slugs.get(c.parent_id) if c.parent_id else None
                              for c in self.categories.values()},
            product_slugs={sku: p.slug for sku, p in self.products.items()},
            attribute_values=values,
        )


def apply_catalog(session: Session, spec: CatalogSpec, stored: StoredCatalog,
                  locales: list[str]) -> ImportSummary:
    """Upsert every section of ``spec`` (the caller commits, or rolls back on an error)."""
    summary = ImportSummary()
    _categories(session, spec.categories, stored.categories, summary)
    values = _attributes(session, spec.attributes, stored, summary)
    _products(session, spec.products, stored, values, summary)
    _reviews(session, spec.reviews, {sku: p.id for sku, p in stored.products.items()}, summary)
    _cms_pages(session, spec.cms_pages, locales, summary)
    _cms_blocks(session, spec.cms_blocks, locales, summary)
    session.flush()
    return summary


def _chunks(values: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _keep(value: T | Keep, stored: T) -> T:
    return stored if isinstance(value, Keep) else value


def _get_or_add(session: Session, rows: dict[K, RowT], key: K, model: type[RowT], /,
                **columns: Any) -> RowT:
    """The row at ``key``, else a new ``model(**columns)`` added to the session and to ``rows``."""
    row = rows.get(key)
    if row is None:
        row = rows[key] = model(**columns)
        session.add(row)
    return row


def _translations(session: Session, model: type[TranslationT], owner: str,
                  owned: list[tuple[int, Translations]]) -> None:
    """Create or update the (owner id, locale) rows; every field a spec lists is written."""
    owner_column = getattr(model, owner)
    rows: dict[tuple[int, str], TranslationT] = {}
    for chunk in _chunks([owner_id for owner_id, _ in owned]):
        for row in session.scalars(select(model).where(owner_column.in_(chunk))):
            rows[(getattr(row, owner), row.locale)] = row
    for owner_id, translations in owned:
        for locale, values in translations.items():
            translation = _get_or_add(session, rows, (owner_id, locale), model,
                                      **{owner: owner_id, "locale": locale})
            for name, value in values.items():
                setattr(translation, name, value)


# -- categories and attributes -----------------------------------------------------------------


def _categories(session: Session, specs: list[CategorySpec], rows: dict[str, Category],
                summary: ImportSummary) -> None:
    for spec in specs:
        summary.count("categories", spec.slug not in rows)
        category = _get_or_add(session, rows, spec.slug, Category, slug=spec.slug)
        category.position = _keep(spec.position, category.position)
        category.is_active = _keep(spec.active, category.is_active)
    session.flush()
    for spec in specs:
        rows[spec.slug].parent_id = rows[spec.parent].id if spec.parent else None
    _translations(session, CategoryTranslation, "category_id",
                  [(rows[s.slug].id, s.translations) for s in specs])


def _attributes(session: Session, specs: list[AttributeSpec], stored: StoredCatalog,
                summary: ImportSummary) -> dict[tuple[str, str], int]:
    """Upsert attributes and their values; every (code, value) the store has, to its row id."""
    for spec in specs:
        summary.count("attributes", spec.code not in stored.attributes)
        attribute = _get_or_add(session, stored.attributes, spec.code, Attribute, code=spec.code)
        attribute.labels = {**(attribute.labels or {}), **spec.labels}
        attribute.is_filterable = spec.filterable
        attribute.position = spec.position
    session.flush()
    for spec in specs:
        attribute_id = stored.attributes[spec.code].id
        for item in spec.values:
            row = _get_or_add(session, stored.values, (attribute_id, item.value), AttributeValue,
                              attribute_id=attribute_id, value=item.value)
            row.labels = {**(row.labels or {}), **item.labels}
            row.position = item.position
    session.flush()
    codes = {a.id: code for code, a in stored.attributes.items()}
    return {(codes[attribute_id], value): row.id
            for (attribute_id, value), row in stored.values.items()}


# -- products ----------------------------------------------------------------------------------


def _products(session: Session, specs: list[ProductSpec], stored: StoredCatalog,
              values: dict[tuple[str, str], int], summary: ImportSummary) -> None:
    rows = stored.products
    for spec in specs:
        summary.count("products", spec.sku not in rows)
        product = _get_or_add(session, rows, spec.sku, Product, sku=spec.sku)
        _product_fields(session, product, spec, stored.categories)
    session.flush()
    _translations(session, ProductTranslation, "product_id",
                  [(rows[s.sku].id, s.translations) for s in specs])
    # Images and attribute values are replaced as a whole, and only where they changed, so
    # importing the same file again rewrites nothing.
    _replace_images(session, {rows[s.sku].id: s for s in specs})
    _replace_attribute_values(session, {rows[s.sku].id: [values[pair] for pair in
                                                         s.attribute_values]
                                        for s in specs if not isinstance(s.attribute_values,
                                                                         Keep)})


def _product_fields(session: Session, product: Product, spec: ProductSpec,
                    categories: dict[str, Category]) -> None:
    if product.slug and product.slug != spec.slug:
        record_move(session, f"p/{product.slug}", f"p/{spec.slug}")  # old links answer 301
    product.slug = spec.slug
    product.price = _keep(spec.price, product.price)
    product.sale_price = _keep(spec.sale_price, product.sale_price)
    product.stock = _keep(spec.stock, product.stock)
    product.status = _keep(spec.status, product.status)
    product.is_featured = _keep(spec.featured, product.is_featured)
    if not isinstance(spec.category, Keep):
        product.category_id = categories[spec.category].id if spec.category else None


def _replace_images(session: Session, specs: dict[int, ProductSpec]) -> None:
    wanted = {product_id: [tuple(getattr(image, k) for k in IMAGE_FIELDS)
                           for image in spec.images]
              for product_id, spec in specs.items() if not isinstance(spec.images, Keep)}
    current: dict[int, list[tuple[Any, ...]]] = {}
    for chunk in _chunks(list(wanted)):
        for image in session.scalars(select(ProductImage).where(ProductImage.product_id.in_(chunk))
                                     .order_by(ProductImage.position, ProductImage.id)):
            current.setdefault(image.product_id, []).append(
                tuple(getattr(image, k) for k in IMAGE_FIELDS))
    changed = [product_id for product_id, images in wanted.items()
               if current.get(product_id, []) != images]
    for chunk in _chunks(changed):
        session.execute(delete(ProductImage).where(ProductImage.product_id.in_(chunk)))
    for product_id in changed:
        for fields in wanted[product_id]:
            session.add(ProductImage(product_id=product_id,
                                     **dict(zip(IMAGE_FIELDS, fields, strict=True))))


def _replace_attribute_values(session: Session, wanted: dict[int, list[int]]) -> None:
    current: dict[int, set[int]] = {}
    for chunk in _chunks(list(wanted)):
        for product_id, value_id in session.execute(
            select(ProductAttributeValue.product_id, ProductAttributeValue.attribute_value_id)
            .where(ProductAttributeValue.product_id.in_(chunk))
        ):
            current.setdefault(product_id, set()).add(value_id)
    changed = [product_id for product_id, value_ids in wanted.items()
               if current.get(product_id, set()) != set(value_ids)]
    for chunk in _chunks(changed):
        session.execute(delete(ProductAttributeValue)
                        .where(ProductAttributeValue.product_id.in_(chunk)))
    for product_id in changed:
        for value_id in wanted[product_id]:
            session.add(ProductAttributeValue(product_id=product_id, attribute_value_id=value_id))


# -- reviews and CMS ---------------------------------------------------------------------------


def _reviews(session: Session, specs: list[ReviewSpec], products: dict[str, int],
             summary: ImportSummary) -> None:
    if not specs:
        return
    # Reviews have no natural key; one by the same author with the same title is the same one.
    known = {tuple(row) for row in session.execute(
        select(Review.product_id, Review.author_name, Review.title)
        .where(Review.product_id.in_({products[s.sku] for s in specs}))
    )}
    for spec in specs:
        key = (products[spec.sku], spec.author, spec.title)
        summary.count("reviews", key not in known)
        if key not in known:
            known.add(key)
            session.add(Review(product_id=products[spec.sku], author_name=spec.author,
                               rating=spec.rating, title=spec.title, body=spec.body,
                               status=spec.status))


def _cms_pages(session: Session, specs: list[CmsPageSpec], locales: list[str],
               summary: ImportSummary) -> None:
    pages = {(p.slug, p.locale): p for p in session.scalars(select(CmsPage))}
    for spec in specs:
        summary.count("cms_pages", not any((spec.slug, loc) in pages for loc in locales))
        for locale, values in spec.translations.items():
            page = _get_or_add(session, pages, (spec.slug, locale), CmsPage, slug=spec.slug,
                               locale=locale)
            page.title = values["title"] or ""
            page.body = values["body"] or ""
            page.seo_title = values["seo_title"]
            page.seo_description = values["seo_description"]
            page.is_published = spec.published


def _cms_blocks(session: Session, specs: list[CmsBlockSpec], locales: list[str],
                summary: ImportSummary) -> None:
    blocks = {(b.key, b.locale): b for b in session.scalars(select(CmsBlock))}
    for spec in specs:
        summary.count("cms_blocks", not any((spec.key, loc) in blocks for loc in locales))
        for locale, html in spec.content.items():
            block = _get_or_add(session, blocks, (spec.key, locale), CmsBlock, key=spec.key,
                                locale=locale)
            block.content = html
