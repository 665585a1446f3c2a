"""The ``storefront`` console script: Flask's CLI bound to our app factory."""
from __future__ import annotations

from flask.cli import FlaskGroup


def _create_app():  # type: ignore[no-untyped-def]
    from storefront import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, add_default_commands=False,
                 help="Operate the multi-tenant storefront.")


def main() -> None:
    cli.main(prog_name="storefront")
