"""Account forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from storefront.accounts.addresses import address_field
from storefront.accounts.services import MIN_PASSWORD_LENGTH
from storefront.inputs import EMAIL, WholeNumberField

# Integer keys are 32-bit: a larger id is simply invalid, never a database error.
MAX_ID = 2**31 - 1


class RegisterForm(FlaskForm):
    email = StringField("E-mail", [InputRequired(), Length(max=254), EMAIL])
    first_name = StringField("First name", [Optional(), Length(max=100)])
    last_name = StringField("Last name", [Optional(), Length(max=100)])
    password = PasswordField("Password", [InputRequired(), Length(min=MIN_PASSWORD_LENGTH,
                                                                  max=200)])
    confirm = PasswordField("Repeat password",
                            [InputRequired(), EqualTo("password", "The passwords differ.")])


class LoginForm(FlaskForm):
    email = StringField("E-mail", [InputRequired(), Length(max=254)])
    password = PasswordField("Password", [InputRequired(), Length(max=200)])
    next = HiddenField()


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", [InputRequired(), Length(max=200)])
    password = PasswordField("New password", [InputRequired(), Length(min=MIN_PASSWORD_LENGTH,
                                                                      max=200)])
    confirm = PasswordField("Repeat password",
                            [InputRequired(), EqualTo("password", "The passwords differ.")])


class AddressBookForm(FlaskForm):
    kind = SelectField("Use for", choices=[SelectChoice("shipping", "Shipping"),
                                           SelectChoice("billing", "Billing")])
    # DataRequired, not InputRequired: the view strips the values, and a field of spaces or
    # line breaks would then be a NULL in a NOT NULL column (a 500), not a missing field.
    name = address_field("name", DataRequired())
    line1 = address_field("line1", DataRequired())
    line2 = address_field("line2", Optional())
    city = address_field("city", DataRequired())
    postal_code = address_field("postal_code", DataRequired())
    country = address_field("country", InputRequired())
    phone = address_field("phone", Optional())


class ProductActionForm(FlaskForm):
    product_id = WholeNumberField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    next = HiddenField()


class ReviewForm(FlaskForm):
    product_id = WholeNumberField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    rating = WholeNumberField("Rating", [InputRequired(), NumberRange(min=1, max=5)])
    title = StringField("Title", [Optional(), Length(max=200)])
    body = TextAreaField("Your review", [InputRequired(), Length(min=3, max=5000)])
    next = HiddenField()
