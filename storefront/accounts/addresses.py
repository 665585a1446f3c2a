"""A postal address as the shop asks for it: its fields, their labels and limits, and how a
submitted one is cleaned and stored (the checkout and the address book share all of it)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wtforms import StringField
from wtforms.validators import Length

from storefront.accounts.models import CustomerAddress
from storefront.inputs import COUNTRY

# Field name: (label, the checks after the form's own presence check).
ADDRESS_FIELDS: dict[str, tuple[str, list[Any]]] = {
    "name": ("Full name", [Length(max=200)]),
    "line1": ("Street and number", [Length(max=200)]),
    "line2": ("Address line 2", [Length(max=200)]),
    "city": ("City", [Length(max=100)]),
    "postal_code": ("Postal code", [Length(max=20)]),
    "country": ("Country code", [COUNTRY]),
    "phone": ("Phone", [Length(max=40)]),
}
REQUIRED_ADDRESS_FIELDS = ("name", "line1", "city", "postal_code", "country")


def address_field(name: str, presence: Any) -> Any:
    """The form field for one address field; ``presence`` says whether it may be left empty."""
    label, checks = ADDRESS_FIELDS[name]
    return StringField(label, [presence, *checks])


def clean_address(values: Mapping[str, Any]) -> dict[str, str]:
    """A submitted address: every field stripped (a missing one empty), the country upper-case."""
    address = {name: (values.get(name) or "").strip() for name in ADDRESS_FIELDS}
    address["country"] = address["country"].upper()
    return address


def address_columns(address: Mapping[str, str | None]) -> dict[str, str | None]:
    """An address as ``CustomerAddress`` columns: an empty field is NULL."""
    return {name: (address.get(name) or None) for name in ADDRESS_FIELDS}


def address_dict(address: CustomerAddress) -> dict[str, str]:
    """A saved address as form values: a NULL column is an empty field."""
    return {name: getattr(address, name) or "" for name in ADDRESS_FIELDS}
