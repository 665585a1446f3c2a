"""Entry point for ``flask --app app``."""
from storefront import create_app

app = create_app()
