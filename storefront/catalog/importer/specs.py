"""What a checked import document asks for: the typed specs ``parse`` hands to ``apply``.

A record matches a stored row by its natural key; a field it leaves out is ``KEEP`` (the stored
value stays) on an existing row and the column's default on a new one.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from storefront.catalog.models import ProductStatus, ReviewStatus


class Keep(enum.Enum):
    """A field the record leaves out: the stored value stays."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP

Translations = dict[str, dict[str, str | None]]  # locale -> field -> text (None: empty)


@dataclass(frozen=True)
class Existing:
    """What the store holds already, as far as checking a document needs to know."""

    locales: list[str]
    default_locale: str
    category_parents: dict[str, str | None]  # slug -> its parent's slug
    product_slugs: dict[str, str]  # sku -> slug
    attribute_values: dict[str, set[str]]  # code -> its values


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    parent: str | None
    translations: Translations
    position: int | Keep
    active: bool | Keep


@dataclass(frozen=True)
class AttributeValueSpec:
    value: str
    labels: dict[str, str]
    position: int


@dataclass(frozen=True)
class AttributeSpec:
    code: str
    labels: dict[str, str]
    filterable: bool
    position: int
    values: list[AttributeValueSpec]


@dataclass(frozen=True)
class ImageSpec:
    url: str
    alt: str | None
    width: int | None
    height: int | None
    position: int


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    slug: str
    translations: Translations
    price: Decimal | Keep
    sale_price: Decimal | None | Keep
    stock: int | Keep
    status: ProductStatus | Keep
    featured: bool | Keep
    category: str | None | Keep  # the category's slug
    images: list[ImageSpec] | Keep  # replaces all of the product's images
    attribute_values: list[tuple[str, str]] | Keep  # (code, value); replaces all


@dataclass(frozen=True)
class ReviewSpec:
    sku: str
    author: str
    rating: int
    title: str | None
    body: str
    status: ReviewStatus


@dataclass(frozen=True)
class CmsPageSpec:
    slug: str
    published: bool
    translations: Translations


@dataclass(frozen=True)
class CmsBlockSpec:
    key: str
    content: dict[str, str]  # locale -> HTML


@dataclass(frozen=True)
class CatalogSpec:
    """The whole document, checked; sections in the order they are applied."""

    categories: list[CategorySpec] = field(default_factory=list)
    attributes: list[AttributeSpec] = field(default_factory=list)
    products: list[ProductSpec] = field(default_factory=list)
    reviews: list[ReviewSpec] = field(default_factory=list)
    cms_pages: list[CmsPageSpec] = field(default_factory=list)
    cms_blocks: list[CmsBlockSpec] = field(default_factory=list)
