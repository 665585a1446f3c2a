"""Text in the shopper's locale, falling back to the store's default locale, in one query.

A translation table is joined twice: the wanted locale's row and the default locale's; each text
column reads the first that has it.
"""
from __future__ import annotations

from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, ColumnExpressionArgument, Select, and_, func
from sqlalchemy.orm import aliased

from storefront.catalog.models import (
    Category,
    CategoryTranslation,
    Product,
    ProductTranslation,
)

SelectT = TypeVar("SelectT", bound=Select)  # type: ignore[type-arg]
TranslationT = TypeVar("TranslationT", CategoryTranslation, ProductTranslation)


class Translated(Generic[TranslationT]):
    """A translation table joined as the ``locale`` row with the ``default_locale`` row behind."""

    def __init__(self, model: type[TranslationT], owner: str,
                 owner_id: ColumnExpressionArgument[int],
                 locale: str, default_locale: str, alias: str) -> None:
        self.wanted: type[TranslationT] = aliased(model, name=f"{alias}_wanted")
        self.fallback: type[TranslationT] = aliased(model, name=f"{alias}_default")
        self.owner = owner
        self.owner_id = owner_id
        self.locale = locale
        self.default_locale = default_locale

    def text(self, field: str, *otherwise: ColumnExpressionArgument[Any]) -> ColumnElement[Any]:
        """The field in the wanted locale, else the default locale's, else ``otherwise``."""
        return func.coalesce(getattr(self.wanted, field), getattr(self.fallback, field),
                             *otherwise)

    def join(self, stmt: SelectT) -> SelectT:
        """``stmt`` with both translation rows outer-joined (a missing row is NULLs)."""
        return stmt.outerjoin(
            self.wanted, and_(getattr(self.wanted, self.owner) == self.owner_id,
                              self.wanted.locale == self.locale)
        ).outerjoin(
            self.fallback, and_(getattr(self.fallback, self.owner) == self.owner_id,
                                self.fallback.locale == self.default_locale)
        )


class ProductNames(Translated[ProductTranslation]):
    """A product's name, description and SEO texts in a locale; an untranslated name is the SKU."""

    def __init__(self, locale: str, default_locale: str) -> None:
        super().__init__(ProductTranslation, "product_id", Product.id, locale, default_locale,
                         "pt")
        self.name: ColumnElement[str] = self.text("name", Product.sku)
        self.description: ColumnElement[str | None] = self.text("description")
        self.seo_title: ColumnElement[str | None] = self.text("seo_title")
        self.seo_description: ColumnElement[str | None] = self.text("seo_description")


def category_names(locale: str, default_locale: str) -> Translated[CategoryTranslation]:
    """Category texts in ``locale`` with the default locale's behind them."""
    return Translated(CategoryTranslation, "category_id", Category.id, locale, default_locale,
                      "ct")
