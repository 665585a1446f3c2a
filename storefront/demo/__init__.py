"""``storefront demo``: a demo owner and two stores with realistic catalogs (see ``documents``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from storefront.catalog.cli import import_into
from storefront.demo.checkout import seed_checkout_demo_at
from storefront.demo.documents import CATALOGS
from storefront.platform.models import Store, User
from storefront.platform.stores import StoreService
from storefront.platform.users import create_user

DEMO_EMAIL = "owner@demo.example"
DEMO_PASSWORD = "demo-owner-password"

DEMO_STORES: list[dict[str, Any]] = [
    {"slug": "demo-outfitters", "name": "Demo Outfitters", "currency": "EUR",
     "default_locale": "en", "locales": ["en", "de"], "settings": {"page_size": 24},
     "theme": {"colors": {"accent": "#1f5f46"}}},
    {"slug": "demo-books", "name": "Demo Books", "currency": "USD",
     "default_locale": "en", "locales": ["en"], "settings": {"page_size": 12},
     "theme": {"colors": {"accent": "#8a2b06"}}},
]


def build_demo(stores: StoreService, echo: Callable[[str], None],
               base_url: str = "http://127.0.0.1:8000") -> None:
    """Create what is missing of the demo, then print where ``base_url`` serves it; idempotent."""
    session = stores.session
    user = session.scalar(select(User).where(User.email == DEMO_EMAIL))
    if user is None:
        create_user(session, DEMO_EMAIL, DEMO_PASSWORD)
    for spec in DEMO_STORES:
        if session.scalar(select(Store.id).where(Store.slug == spec["slug"])) is None:
            store = stores.create(
                owner_email=DEMO_EMAIL, slug=spec["slug"], name=spec["name"],
                currency=spec["currency"], default_locale=spec["default_locale"],
                locales=spec["locales"], settings=spec["settings"], theme=spec["theme"],
            )
            url = stores.tenant_url(store.id)
            # The demo catalog goes through the same import as `storefront catalog import`.
            import_into(url, store.id, CATALOGS[spec["slug"]]())
            seed_checkout_demo_at(url, store.id)  # coupons, e-mails
    echo(f"demo owner: {DEMO_EMAIL} / password: {DEMO_PASSWORD}")
    echo(f"  sign in at {base_url}/platform/login")
    for spec in DEMO_STORES:
        echo(f"  {base_url}/{spec['slug']}/")
