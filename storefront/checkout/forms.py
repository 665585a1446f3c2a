"""The checkout form: contact, addresses, methods and the idempotency token; never a price."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, FormField, HiddenField, RadioField, StringField
from wtforms.validators import InputRequired, Length, Optional

from storefront.inputs import COUNTRY, EMAIL

REQUIRED_ADDRESS_FIELDS = ("name", "line1", "city", "postal_code", "country")


class AddressForm(Form):
    name = StringField("Full name", [Optional(), Length(max=200)])
    line1 = StringField("Street and number", [Optional(), Length(max=200)])
    line2 = StringField("Address line 2", [Optional(), Length(max=200)])
    city = StringField("City", [Optional(), Length(max=100)])
    postal_code = StringField("Postal code", [Optional(), Length(max=20)])
    country = StringField("Country code", [Optional(), COUNTRY])
    phone = StringField("Phone", [Optional(), Length(max=40)])

    def as_dict(self) -> dict[str, str]:
        """The address as stored on the order (country upper-case, blanks empty)."""
        data = {name: (self[name].data or "").strip() for name in self._fields}
        data["country"] = data["country"].upper()
        return data


class CheckoutForm(FlaskForm):
    email = StringField("E-mail", [InputRequired(), Length(max=254), EMAIL])
    shipping = FormField(AddressForm)
    billing_same = BooleanField("Billing address is the same as the shipping address",
                                default=True)
    billing = FormField(AddressForm)
    shipping_method = RadioField("Shipping", validate_choice=True)
    payment_method = RadioField("Payment", validate_choice=True)
    save_address = BooleanField("Save the address to my account", default=True)
    token = HiddenField(validators=[InputRequired(), Length(min=16, max=100)])

    def validate(self, extra_validators: Any = None) -> bool:
        """The shipping address is required; the billing one only when it differs."""
        valid: bool = super().validate(extra_validators)
        required = [self.shipping] if self.billing_same.data else [self.shipping, self.billing]
        for address in required:
            for name in REQUIRED_ADDRESS_FIELDS:
                field = address[name]
                if not (field.data or "").strip():
                    field.errors = [*field.errors, "This field is required."]
                    valid = False
        return valid
