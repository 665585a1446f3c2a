"""Cart forms: they carry product ids and quantities only, never a price."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from storefront.cart.services import MAX_QUANTITY


class AddToCartForm(FlaskForm):
    product_id = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    quantity = IntegerField(default=1, validators=[InputRequired(),
                                                   NumberRange(min=1, max=MAX_QUANTITY)])


class UpdateLineForm(FlaskForm):
    product_id = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    quantity = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=MAX_QUANTITY)])


class RemoveLineForm(FlaskForm):
    product_id = IntegerField(validators=[InputRequired(), NumberRange(min=1)])


class CouponForm(FlaskForm):
    code = StringField("Coupon code", validators=[InputRequired(), Length(max=50)])
