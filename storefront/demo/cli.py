"""``storefront demo``: the demo owner and stores, through the same services as every store."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from storefront.demo import build_demo
from storefront.platform.cli import operator_errors, store_service, upgrade_master


@click.command("demo")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="The port `storefront serve` will listen on, for the printed URLs.")
@click.option("--host", default="127.0.0.1", show_default=True)
@with_appcontext
@operator_errors
def demo(port: int, host: str) -> None:
    """Master schema, a demo owner and demo stores with a catalog; prints URLs and login."""
    upgrade_master()
    build_demo(store_service(), click.echo, base_url=f"http://{host}:{port}")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo)
