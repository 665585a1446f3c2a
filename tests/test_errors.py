"""Error pages are answers too: they render when the request or the database went wrong."""
from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from storefront.tenancy.routing import resolve_request_store
from storefront.tenancy.session import current_shop, tenant_session
from tests.factories import make_store


def test_error_pages_render_without_a_url_adapter(app: Flask) -> None:
    # Behind the edge check no such request reaches Flask; if one did (a Host Werkzeug cannot
    # bind), its 400 page must not need url_for, which needs the adapter.
    with app.test_request_context("/healthz", headers={"Host": "a..b"}):
        response = app.make_response(app.full_dispatch_request())
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith("400 Bad Request")


def test_the_500_page_after_a_failed_statement_is_the_stores_own(app: Flask,
                                                                 client: FlaskClient) -> None:
    make_store(app, "shop", "Corner Shop")

    # A view that has read the store's row, then runs a statement that fails: on PostgreSQL
    # that aborts the transaction the page would read through, and rolling back detaches the
    # row it read.
    @app.get("/test-failing-statement/<slug>")
    def failing_statement(slug: str) -> str:
        resolve_request_store(slug)
        assert current_shop().name == "Corner Shop"
        tenant_session().execute(text("SELECT no_such_column FROM stores"))
        return "unreachable"

    response = client.get("/test-failing-statement/shop")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "Corner Shop" in page
