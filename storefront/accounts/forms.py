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

from storefront.accounts.services import MIN_PASSWORD_LENGTH
from storefront.inputs import COUNTRY, EMAIL, WholeNumberField

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
    name = StringField("Full name", [DataRequired(), Length(max=200)])
    line1 = StringField("Street and number", [DataRequired(), Length(max=200)])
    line2 = StringField("Address line 2", [Optional(), Length(max=200)])
    city = StringField("City", [DataRequired(), Length(max=100)])
    postal_code = StringField("Postal code", [DataRequired(), Length(max=20)])
    country = StringField("Country code", [InputRequired(), COUNTRY])
    phone = StringField("Phone", [Optional(), Length(max=40)])


class ProductActionForm(FlaskForm):
    product_id = WholeNumberField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    next = HiddenField()


class ReviewForm(FlaskForm):
    product_id = WholeNumberField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    rating = WholeNumberField("Rating", [InputRequired(), NumberRange(min=1, max=5)])
    title = StringField("Title", [Optional(), Length(max=200)])
    body = TextAreaField("Your review", [InputRequired(), Length(min=3, max=5000)])
    next = HiddenField()
