"""The ``storefront`` console script: Flask's CLI bound to our app factory."""
from __future__ import annotations

from flask.cli import FlaskGroup

from storefront import create_app

cli = FlaskGroup(create_app=create_app, add_default_commands=False,
                 help="Operate the multi-tenant storefront.")


def main() -> None:
    cli.main(prog_name="storefront")
