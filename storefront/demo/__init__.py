"""``storefront demo``: a demo owner and stores with different catalogs."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.platform.models import Store, User
from storefront.platform.services import StoreService, create_user
from storefront.tenancy import provisioning
from storefront.tenancy.models import Product, ProductTranslation

DEMO_EMAIL = "owner@demo.example"
DEMO_PASSWORD = "demo-owner-password"

DEMO_STORES: list[dict[str, Any]] = [
    {
        "slug": "demo-outfitters", "name": "Demo Outfitters", "currency": "EUR",
        "default_locale": "en", "locales": ["en", "de"],
        "products": [
            ("classic-tee", "OUT-TEE", "24.90", None, 40,
             {"en": "Classic T-shirt", "de": "Klassisches T-Shirt"}),
            ("rain-jacket", "OUT-JKT", "129.00", "99.00", 8,
             {"en": "Rain jacket", "de": "Regenjacke"}),
            ("wool-socks", "OUT-SCK", "12.50", None, 0, {"en": "Wool socks", "de": "Wollsocken"}),
        ],
    },
    {
        "slug": "demo-books", "name": "Demo Books", "currency": "USD",
        "default_locale": "en", "locales": ["en"],
        "products": [
            ("classic-tee", "BK-TEE", "19.00", None, 12, {"en": "Reader's tee"}),
            ("field-guide", "BK-FG", "34.99", None, 25, {"en": "Field guide to birds"}),
            ("poetry-anthology", "BK-PA", "22.00", "18.00", 5, {"en": "Poetry anthology"}),
        ],
    },
]


def build_demo(stores: StoreService, echo: Callable[[str], None]) -> None:
    """Create what is missing of the demo; running it twice changes nothing."""
    session = stores.session
    user = session.scalar(select(User).where(User.email == DEMO_EMAIL))
    if user is None:
        create_user(session, DEMO_EMAIL, DEMO_PASSWORD)
    for spec in DEMO_STORES:
        if session.scalar(select(Store.id).where(Store.slug == spec["slug"])) is None:
            store = stores.create(
                owner_email=DEMO_EMAIL, slug=spec["slug"], name=spec["name"],
                currency=spec["currency"], default_locale=spec["default_locale"],
                locales=spec["locales"],
            )
            _seed_catalog(stores.tenant_url(store.id), spec["products"])
    echo(f"demo owner: {DEMO_EMAIL} / password: {DEMO_PASSWORD}")
    for spec in DEMO_STORES:
        echo(f"  http://127.0.0.1:8000/{spec['slug']}/")


def _seed_catalog(url: str, products: list[tuple[Any, ...]]) -> None:
    engine = provisioning.open_for_provisioning(url)
    try:
        with Session(engine) as session, session.begin():
            for slug, sku, price, sale, stock, names in products:
                product = Product(slug=slug, sku=sku, price=Decimal(price),
                                  sale_price=Decimal(sale) if sale else None, stock=stock)
                session.add(product)
                session.flush()
                for locale, name in names.items():
                    session.add(ProductTranslation(product_id=product.id, locale=locale, name=name))
    finally:
        engine.dispose()
