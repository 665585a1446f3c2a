from tests.catalog.conftest import acme, books  # noqa: F401 - shared store fixtures
