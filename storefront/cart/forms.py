"""Cart forms: they carry product ids and quantities only, never a price."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length, NumberRange

from storefront.cart.services import MAX_QUANTITY
from storefront.inputs import WholeNumberField

# Integer keys are 32-bit: a larger id is simply invalid, never a database error.
MAX_ID = 2**31 - 1


class AddToCartForm(FlaskForm):
    product_id = WholeNumberField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    quantity = WholeNumberField(default=1, validators=[InputRequired(),
                                                       NumberRange(min=1, max=MAX_QUANTITY)])


class UpdateLineForm(FlaskForm):
    product_id = WholeNumberField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    quantity = WholeNumberField(validators=[InputRequired(),
                                            NumberRange(min=0, max=MAX_QUANTITY)])


class RemoveLineForm(FlaskForm):
    product_id = WholeNumberField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])


class CouponForm(FlaskForm):
    code = StringField("Coupon code", validators=[InputRequired(), Length(max=50)])
