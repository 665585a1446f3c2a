from tests.catalog.conftest import acme  # noqa: F401 - the shared store fixture
