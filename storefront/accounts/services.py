"""Customer accounts of one store: registration, sign-in, addresses, wishlist and reviews."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from storefront.accounts.addresses import address_columns, address_dict
from storefront.accounts.models import AddressKind, Customer, CustomerAddress, Wishlist
from storefront.catalog.models import (
    Product,
    ProductStatus,
    Review,
    ReviewStatus,
)
from storefront.catalog.pricing import effective_price
from storefront.catalog.translations import ProductNames
from storefront.logins.generations import cache_key, publish_after_commit
from storefront.orders.models import Order
from storefront.unit_of_work import savepoint

MIN_PASSWORD_LENGTH = 8
PASSWORD_METHOD = "scrypt"
# Checked against when the e-mail is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password", method=PASSWORD_METHOD)


class AccountError(Exception):
    """An account action that cannot be done; the message is shown on the form."""


class EmailTaken(AccountError):
    """An account with this e-mail already exists in this store."""


class InvalidCredentials(AccountError):
    """Wrong e-mail or password (never saying which)."""


class WrongPassword(AccountError):
    """The current password given to confirm a change is not the customer's."""


class ProductNotFound(AccountError):
    """The product of a wishlist entry or review does not exist."""


@dataclass(frozen=True)
class CustomerProfile:
    id: int
    email: str
    first_name: str | None
    last_name: str | None
    address: dict[str, str] | None

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.email


def normalize_email(email: str) -> str:
    return email.strip().lower()


def register_customer(session: Session, email: str, password: str, first_name: str | None = None,
                      last_name: str | None = None) -> Customer:
    """Create an account; a guest row of the same e-mail becomes the account.

    Orders that guest placed are unlinked first: nobody has proved they own the address, and a
    stranger registering with it must not see them.
    """
    email = normalize_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.")
    password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    customer = session.scalar(select(Customer).where(Customer.email == email))
    if customer is not None:
        if customer.password_hash:
            raise EmailTaken("An account with this e-mail already exists. Please sign in.")
        session.execute(update(Order).where(Order.customer_id == customer.id)
                        .values(customer_id=None).execution_options(synchronize_session=False))
        customer.password_hash = password_hash
        customer.first_name, customer.last_name = first_name or None, last_name or None
        session.flush()
        return customer
    customer = Customer(email=email, password_hash=password_hash, first_name=first_name or None,
                        last_name=last_name or None)
    try:
        with savepoint(session):  # a registration racing this one took the e-mail first
            session.add(customer)
            session.flush()
    except IntegrityError:
        raise EmailTaken("An account with this e-mail already exists. Please sign in.") from None
    return customer


def authenticate(session: Session, email: str, password: str) -> Customer:
    """The customer with these credentials, or ``InvalidCredentials``."""
    customer = session.scalar(select(Customer).where(Customer.email == normalize_email(email)))
    if customer is None or not customer.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        raise InvalidCredentials("Wrong e-mail or password.")
    if not check_password_hash(customer.password_hash, password):
        raise InvalidCredentials("Wrong e-mail or password.")
    return customer


def customer_session_generation(session: Session, customer_id: int) -> int | None:
    """The generation a sign-in of this customer must carry; None if there is no such account."""
    return session.scalar(select(Customer.session_generation).where(
        Customer.id == customer_id, Customer.password_hash.is_not(None)))


def end_customer_sessions(session: Session, store_id: uuid.UUID, customer_id: int) -> int:
    """End every session of the customer issued so far (sign out, password change); flushes.

    The increment happens in the database, so two at once both count; every process hears of
    the new generation once the caller's transaction commits. Returns the new generation.
    """
    session.execute(update(Customer).where(Customer.id == customer_id)
                    .values(session_generation=Customer.session_generation + 1)
                    .execution_options(synchronize_session=False))
    generation = session.scalar(select(Customer.session_generation)
                                .where(Customer.id == customer_id))
    if generation is None:
        raise AccountError("Please sign in again.")
    publish_after_commit(session, cache_key(store_id.hex, customer_id), generation)
    return generation


def change_password(session: Session, store_id: uuid.UUID, customer_id: int,
                    current_password: str, new_password: str) -> int:
    """Set a new password once the current one is confirmed; every earlier session ends.

    Returns the new generation, for the session that made the change to keep.
    """
    customer = session.get(Customer, customer_id)
    if customer is None or not customer.password_hash:
        raise AccountError("Please sign in again.")
    if not check_password_hash(customer.password_hash, current_password):
        raise WrongPassword("Your current password is not correct.")
    return set_password(session, store_id, customer_id, new_password)


def set_password(session: Session, store_id: uuid.UUID, customer_id: int,
                 new_password: str) -> int:
    """Replace the customer's password (a change, or a reset) and end every earlier session."""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.")
    session.execute(update(Customer).where(Customer.id == customer_id)
                    .values(password_hash=generate_password_hash(new_password,
                                                                 method=PASSWORD_METHOD))
                    .execution_options(synchronize_session=False))
    return end_customer_sessions(session, store_id, customer_id)


def customer_profile(session: Session, customer_id: int) -> CustomerProfile | None:
    """A signed-in customer's details and most recent shipping address."""
    customer = session.get(Customer, customer_id)
    if customer is None or not customer.password_hash:
        return None
    address = session.scalar(
        select(CustomerAddress).where(CustomerAddress.customer_id == customer_id,
                                      CustomerAddress.kind == AddressKind.SHIPPING)
        .order_by(CustomerAddress.id.desc()).limit(1)
    )
    return CustomerProfile(
        customer.id, customer.email, customer.first_name, customer.last_name,
        address_dict(address) if address is not None else None,
    )


def addresses(session: Session, customer_id: int) -> list[CustomerAddress]:
    """The customer's address book."""
    return list(session.scalars(
        select(CustomerAddress).where(CustomerAddress.customer_id == customer_id)
        .order_by(CustomerAddress.kind, CustomerAddress.id)
    ))


def add_address(session: Session, customer_id: int, kind: AddressKind,
                fields: dict[str, str]) -> None:
    """Add an address to the customer's book."""
    session.add(CustomerAddress(customer_id=customer_id, kind=kind, **address_columns(fields)))
    session.flush()


def delete_address(session: Session, customer_id: int, address_id: int) -> None:
    """Remove one of the customer's own addresses (another customer's id does nothing)."""
    session.execute(delete(CustomerAddress).where(CustomerAddress.id == address_id,
                                                  CustomerAddress.customer_id == customer_id))
    session.flush()


def _active_product(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None or product.status != ProductStatus.ACTIVE:
        raise ProductNotFound("That product is not available.")
    return product


def add_to_wishlist(session: Session, customer_id: int, product_id: int) -> None:
    """Put a product on the customer's wishlist (once)."""
    _active_product(session, product_id)
    exists = session.scalar(select(Wishlist.id).where(Wishlist.customer_id == customer_id,
                                                      Wishlist.product_id == product_id))
    if exists is None:
        session.add(Wishlist(customer_id=customer_id, product_id=product_id))
        session.flush()


def remove_from_wishlist(session: Session, customer_id: int, product_id: int) -> None:
    """Take a product off the customer's wishlist."""
    session.execute(delete(Wishlist).where(Wishlist.customer_id == customer_id,
                                           Wishlist.product_id == product_id))
    session.flush()


@dataclass(frozen=True)
class WishlistEntry:
    product_id: int
    slug: str
    name: str
    price: object
    in_stock: bool


def wishlist(session: Session, customer_id: int, locale: str,
             default_locale: str) -> list[WishlistEntry]:
    """The customer's wishlist with product names in ``locale``."""
    names = ProductNames(locale, default_locale)
    rows = session.execute(
        names.join(select(Product, names.name).join(Wishlist, Wishlist.product_id == Product.id))
        .where(Wishlist.customer_id == customer_id)
        .order_by(Wishlist.created_at.desc(), Wishlist.id.desc())
    ).all()
    return [
        WishlistEntry(p.id, p.slug, name, effective_price(p.price, p.sale_price),
                      p.stock > 0 and p.status == ProductStatus.ACTIVE)
        for p, name in rows
    ]


def submit_review(session: Session, customer_id: int, product_id: int, rating: int,
                  title: str | None, body: str) -> Review:
    """Store a review as ``pending`` until the store approves it (text is escaped on output)."""
    _active_product(session, product_id)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise AccountError("Please sign in again.")
    if not 1 <= rating <= 5:
        raise AccountError("Choose a rating from 1 to 5.")
    author = " ".join(p for p in (customer.first_name, (customer.last_name or "")[:1]) if p)
    review = Review(product_id=product_id, customer_id=customer_id,
                    author_name=(author or customer.email.split("@", 1)[0])[:100],
                    rating=rating, title=(title or None), body=body, status=ReviewStatus.PENDING)
    session.add(review)
    session.flush()
    return review
