"""Agency-user forms (Flask-WTF: every form carries a CSRF token)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class LogoutForm(FlaskForm):
    pass


class ThemeForm(FlaskForm):
    """CSRF only: the theme fields are checked by ``themes.registry.clean_settings``."""


class PublishThemeForm(FlaskForm):
    pass
