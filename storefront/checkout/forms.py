"""The checkout form: contact, addresses, methods and the idempotency token; never a price."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, FormField, HiddenField, RadioField, StringField
from wtforms.validators import InputRequired, Length, Optional

from storefront.accounts.addresses import REQUIRED_ADDRESS_FIELDS, address_field, clean_address
from storefront.inputs import EMAIL


class AddressForm(Form):
    # Every field optional here: CheckoutForm.validate requires the addresses it needs.
    name = address_field("name", Optional())
    line1 = address_field("line1", Optional())
    line2 = address_field("line2", Optional())
    city = address_field("city", Optional())
    postal_code = address_field("postal_code", Optional())
    country = address_field("country", Optional())
    phone = address_field("phone", Optional())

    def as_dict(self) -> dict[str, str]:
        """The address as stored on the order (country upper-case, blanks empty)."""
        return clean_address(self.data)


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
