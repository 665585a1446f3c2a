"""Store credits: purchases and usage, each a ledger row and a balance change in one transaction."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storefront.platform.errors import Conflict, InvalidInput, PlatformError
from storefront.platform.models import CreditBalance, CreditKind, CreditTransaction, Store
from storefront.platform.stores import find_store
from storefront.unit_of_work import savepoint

MAX_CREDIT_AMOUNT = Decimal("1000000000")


class InsufficientCredits(PlatformError):
    pass


def parse_amount(raw: str | Decimal) -> Decimal:
    """A positive amount with at most two decimals, or InvalidInput."""
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        raise InvalidInput(f"not an amount: {raw!r}") from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(f"the amount must be a positive number, not {raw!r}")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput(f"the amount has more than two decimals: {raw!r}")
    if amount >= MAX_CREDIT_AMOUNT:
        raise InvalidInput(f"the amount is too large: {raw!r}")
    return amount.quantize(Decimal("0.01"))


@dataclass
class CreditResult:
    transaction: CreditTransaction
    balance: Decimal
    duplicate: bool = False


class CreditService:
    """Credit purchases and usage: the ledger row and the balance change, flushed together into
    the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def balance(self, slug: str) -> Decimal:
        """The store's credit balance."""
        store = find_store(self.session, slug)
        row = self.session.get(CreditBalance, store.id)
        return row.balance if row else Decimal("0")

    def purchase(self, slug: str, amount: str | Decimal, reference: str) -> CreditResult:
        """Add credits; the same reference recorded twice is one purchase."""
        value = parse_amount(amount)
        reference = reference.strip()
        if not reference:
            raise InvalidInput("a purchase needs a --reference")
        store = find_store(self.session, slug)
        earlier = self._by_reference(store, reference, value)
        if earlier is not None:
            return earlier
        try:
            with savepoint(self.session):
                balance = self._apply(store.id, value)
                tx = CreditTransaction(store_id=store.id, kind=CreditKind.PURCHASE, amount=value,
                                       balance_after=balance, reference=reference)
                self.session.add(tx)
                self.session.flush()
        except IntegrityError:  # a concurrent purchase with this reference won the race
            earlier = self._by_reference(store, reference, value)
            if earlier is None:
                raise
            return earlier
        return CreditResult(tx, balance)

    def use(self, slug: str, amount: str | Decimal, reason: str) -> CreditResult:
        """Spend credits; refused (and nothing written) when the balance would go negative."""
        value = parse_amount(amount)
        reason = reason.strip()
        if not reason:
            raise InvalidInput("a usage needs a --reason")
        store = find_store(self.session, slug)
        result = cast(CursorResult[Any], self.session.execute(
            update(CreditBalance)
            .where(CreditBalance.store_id == store.id, CreditBalance.balance >= value)
            .values(balance=CreditBalance.balance - value)
        ))
        if result.rowcount != 1:  # nothing was written
            raise InsufficientCredits(
                f"store {slug!r} has {self._current(store.id)} credits, less than {value}"
            )
        balance = self._current(store.id)
        tx = CreditTransaction(store_id=store.id, kind=CreditKind.USAGE, amount=-value,
                               balance_after=balance, reason=reason)
        self.session.add(tx)
        self.session.flush()
        return CreditResult(tx, balance)

    def _apply(self, store_id: uuid.UUID, value: Decimal) -> Decimal:
        result = cast(CursorResult[Any], self.session.execute(
            update(CreditBalance).where(CreditBalance.store_id == store_id)
            .values(balance=CreditBalance.balance + value)
        ))
        if result.rowcount != 1:
            self.session.add(CreditBalance(store_id=store_id, balance=value))
            self.session.flush()
        return self._current(store_id)

    def _current(self, store_id: uuid.UUID) -> Decimal:
        return self.session.scalar(
            select(CreditBalance.balance).where(CreditBalance.store_id == store_id)
            .execution_options(populate_existing=True)
        ) or Decimal("0")

    def _by_reference(self, store: Store, reference: str, value: Decimal) -> CreditResult | None:
        tx = self.session.scalar(
            select(CreditTransaction).where(CreditTransaction.reference == reference)
        )
        if tx is None:
            return None
        if tx.store_id != store.id or tx.amount != value:
            raise Conflict(f"the reference {reference!r} was already used for another purchase")
        return CreditResult(tx, self._current(store.id), duplicate=True)
