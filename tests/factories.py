"""Small factories for users, stores and products, going through the real services."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from storefront.catalog.models import Product, ProductTranslation
from storefront.extensions import db
from storefront.platform import provisioning
from storefront.platform.cli import store_service
from storefront.platform.models import Store, User, UserRole
from storefront.platform.users import create_user, user_by_email
from storefront.unit_of_work import unit_of_work

OWNER = "owner@example.com"
PASSWORD = "correct horse battery"

# scrypt takes ~0.1 s a hash by design, and nearly every test makes an owner: the session's first
# owner is made by create_user, later ones get a copy of that real hash of PASSWORD.
_password_hash: list[str] = []


def make_owner(app: Flask, email: str = OWNER) -> User:
    """An agency user with ``PASSWORD`` (created once), detached with its columns loaded."""
    with app.app_context():
        try:
            user = user_by_email(db.session, email)
        except Exception:
            if _password_hash:
                user = User(email=email.strip().lower(), password_hash=_password_hash[0],
                            role=UserRole.OWNER)
                db.session.add(user)
                db.session.commit()
            else:
                with unit_of_work():
                    user = create_user(db.session(), email, PASSWORD)
                _password_hash.append(user.password_hash)
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def make_store(app: Flask, slug: str, name: str | None = None, *, owner: str = OWNER,
               products: list[dict[str, Any]] | None = None, **options: Any) -> Store:
    """A live store with ``products`` (dicts of slug, name, price, stock…) in its tenant DB."""
    make_owner(app, owner)
    with app.app_context():
        service = store_service()
        store = service.create(owner_email=owner, slug=slug, name=name or slug.title(), **options)
        if products:
            add_products(service.tenant_url(store.id), products)
        db.session.refresh(store)
        db.session.expunge(store)
        return store


def add_products(url: str, products: list[dict[str, Any]]) -> None:
    engine = provisioning.open_for_provisioning(url)
    try:
        with Session(engine) as session, session.begin():
            for i, spec in enumerate(products):
                product = Product(
                    slug=spec["slug"], sku=spec.get("sku", f"SKU-{i}-{spec['slug']}"),
                    price=Decimal(str(spec.get("price", "10.00"))),
                    sale_price=spec.get("sale_price"), stock=spec.get("stock", 5),
                    status=spec.get("status", "active"),
                )
                session.add(product)
                session.flush()
                names = spec.get("names") or {"en": spec.get("name", spec["slug"])}
                for locale, name in names.items():
                    session.add(ProductTranslation(product_id=product.id, locale=locale, name=name))
    finally:
        engine.dispose()


def tenant_engine(app: Flask, store_id: Any):  # type: ignore[no-untyped-def]
    with app.app_context():
        return provisioning.open_for_provisioning(store_service().tenant_url(store_id))
