"""One record of an import document, read field by field; every error names the record."""
from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from storefront.catalog.importer.specs import KEEP, Keep, Translations
from storefront.inputs import is_image_url

MAX_PRICE = Decimal("9999999999.99")

E = TypeVar("E", bound=enum.StrEnum)


class ImportRejected(Exception):
    """The document cannot be imported; the message names the record and what is wrong."""


class Record:
    """One record of the document and where it is, for error messages."""

    def __init__(self, where: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise ImportRejected(f"{where}: must be an object")
        self.where = where
        self.data: dict[str, Any] = data

    def fail(self, problem: str) -> ImportRejected:
        """The error to raise: ``problem`` prefixed with where the record is."""
        return ImportRejected(f"{self.where}: {problem}")

    def has(self, key: str) -> bool:
        """Whether the record mentions ``key`` at all (even as null)."""
        return key in self.data

    def only(self, *allowed: str) -> None:
        """Refuse a field the record may not have (a typo would otherwise be ignored)."""
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            raise self.fail(f"unknown field(s) {', '.join(unknown)}")

    def text(self, key: str, max_length: int, pattern: re.Pattern[str] | None = None) -> str:
        """A required string field."""
        value = self.optional_text(key, max_length, pattern)
        if value is None:
            raise self.fail(f"{key} is required")
        return value

    def optional_text(self, key: str, max_length: int,
                      pattern: re.Pattern[str] | None = None) -> str | None:
        """A string field; None when missing, null or empty."""
        value = self.data.get(key)
        if value is None or value == "":
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

    def member(self, key: str, kind: type[E]) -> E | None:
        """One of the enum's values; None when missing, null or empty."""
        value = self.optional_text(key, 20)
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError:
            raise self.fail(f"{key} must be one of {', '.join(kind)}") from None

    def image_url(self, key: str) -> str:
        """An https:// URL or a path on this site (never another scheme or host)."""
        value = self.text(key, 500)
        if not is_image_url(value):
            raise self.fail(f"{key} {value!r} is not an https:// URL or a path on this site")
        return value

    def integer(self, key: str, default: int, low: int = 0, high: int = 1_000_000_000) -> int:
        """A whole number from ``low`` to ``high``; ``default`` when missing."""
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(f"{key} must be a whole number from {low} to {high}")
        return value

    def integer_or_keep(self, key: str, low: int = 0, high: int = 1_000_000_000) -> int | Keep:
        """A whole number, or KEEP when the record leaves it out."""
        return self.integer(key, low, low, high) if self.has(key) else KEEP

    def flag(self, key: str, default: bool) -> bool:
        """True or false; ``default`` when missing."""
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{key} must be true or false")
        return value

    def flag_or_keep(self, key: str) -> bool | Keep:
        """True or false, or KEEP when the record leaves it out."""
        return self.flag(key, False) if self.has(key) else KEEP

    def money(self, key: str) -> Decimal:
        """A required amount with at most two decimals."""
        amount = self.optional_money(key)
        if amount is None:
            raise self.fail(f"{key} is required")
        return amount

    def optional_money(self, key: str) -> Decimal | None:
        """An amount with at most two decimals; None when missing or null."""
        value = self.data.get(key)
        if value is None:
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
        """An object field; empty when missing (unless ``required``)."""
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(f"{key} is required")
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"{key} must be an object")
        return value

    def items(self, key: str) -> list[Any]:
        """A list field; empty when missing."""
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"{key} must be a list")
        return value

    def translations(self, key: str, locales: list[str], fields: dict[str, int],
                     required_field: str) -> Translations:
        """Per-locale texts, each locale one of the store's; every field of ``fields`` is set."""
        result: Translations = {}
        for locale, values in self.mapping(key).items():
            if locale not in locales:
                raise self.fail(f"{key}: locale {locale!r} is not one of the store's locales "
                                f"({', '.join(locales)})")
            inner = Record(f"{self.where} {key}.{locale}", values)
            inner.only(*fields)
            result[locale] = {
                name: inner.text(name, length) if name == required_field
                else inner.optional_text(name, length)
                for name, length in fields.items()
            }
        return result

    def labels(self, key: str, locales: list[str]) -> dict[str, str]:
        """A short label per locale (attribute and attribute value names)."""
        labels = self.mapping(key)
        for locale, label in labels.items():
            if locale not in locales:
                raise self.fail(f"{key}: locale {locale!r} is not one of the store's locales")
            if not isinstance(label, str) or not label or len(label) > 100:
                raise self.fail(f"{key}.{locale} must be a string of 1-100 characters")
        return dict(labels)


def records(document: Mapping[str, Any], section: str, label: str) -> Iterator[Record]:
    """Each record of a section, named ``section[i] (label value)`` in errors."""
    items = document.get(section, [])
    if not isinstance(items, list):
        raise ImportRejected(f"{section}: must be a list")
    for index, item in enumerate(items):
        where = f"{section}[{index}]"
        if isinstance(item, dict) and isinstance(item.get(label), str):
            where += f" ({label} {item[label]})"
        yield Record(where, item)


def unique(kind: str, seen: dict[str, str], key: str, record: Record) -> None:
    """Refuse a natural key a record earlier in the same section already used."""
    if key in seen:
        raise record.fail(f"{kind} {key!r} is also used by {seen[key]}")
    seen[key] = record.where
