"""Credits: ledger row and balance in one master transaction; never negative; references once."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from storefront.extensions import db
from storefront.platform.credits import CreditService
from storefront.platform.models import CreditTransaction, Store
from storefront.unit_of_work import unit_of_work
from tests.conftest import Databases
from tests.factories import make_store
from tests.snapshots import snapshot


def ledger(slug: str) -> list[CreditTransaction]:
    """The store's credit ledger, oldest first, read straight from master."""
    return list(db.session.scalars(
        select(CreditTransaction).join(Store, Store.id == CreditTransaction.store_id)
        .where(Store.slug == slug).order_by(CreditTransaction.created_at)
    ))


def test_purchase_use_balance(app: Flask, runner: FlaskCliRunner) -> None:
    make_store(app, "acme")
    bought = runner.invoke(args=["credits", "purchase", "acme", "100", "--reference", "pay-1"])
    assert bought.exit_code == 0, bought.output
    assert "balance 100.00" in bought.output
    used = runner.invoke(args=["credits", "use", "acme", "30.50", "--reason", "sms"])
    assert used.exit_code == 0, used.output
    assert "balance 69.50" in used.output
    assert runner.invoke(args=["credits", "balance", "acme"]).output.strip() == "69.50"
    with app.app_context():
        entries = ledger("acme")
    assert [(t.kind.value, t.amount, t.balance_after) for t in entries] == [
        ("purchase", Decimal("100.00"), Decimal("100.00")),
        ("usage", Decimal("-30.50"), Decimal("69.50")),
    ]


def test_same_reference_records_one_purchase(app: Flask, runner: FlaskCliRunner) -> None:
    make_store(app, "acme")
    for _ in range(3):
        result = runner.invoke(args=["credits", "purchase", "acme", "25", "--reference", "pay-9"])
        assert result.exit_code == 0, result.output
    assert "already recorded" in result.output
    assert runner.invoke(args=["credits", "balance", "acme"]).output.strip() == "25.00"
    with app.app_context():
        assert len(ledger("acme")) == 1


@pytest.mark.parametrize("args, reason", [
    (["purchase", "acme", "0", "--reference", "r"], "positive"),
    (["purchase", "--reference", "r", "--", "acme", "-5"], "positive"),
    (["purchase", "acme", "abc", "--reference", "r"], "not an amount"),
    (["purchase", "acme", "NaN", "--reference", "r"], "positive"),
    (["purchase", "acme", "Infinity", "--reference", "r"], "positive"),
    (["purchase", "acme", "1.001", "--reference", "r"], "two decimals"),
    (["purchase", "acme", "1e12", "--reference", "r"], "too large"),
    (["purchase", "acme", "5", "--reference", " "], "reference"),
    (["purchase", "nope", "5", "--reference", "r"], "no store"),
    (["purchase", "acme", "7", "--reference", "pay-1"], "already used"),
    (["purchase", "other", "10", "--reference", "pay-1"], "already used"),
    (["use", "acme", "10.01", "--reason", "too much"], "has 10.00 credits, less than 10.01"),
    (["use", "--reason", "x", "--", "acme", "-1"], "positive"),
    (["use", "acme", "1", "--reason", ""], "reason"),
])
def test_refusals_change_nothing(app: Flask, runner: FlaskCliRunner, databases: Databases,
                                 args: list[str], reason: str) -> None:
    make_store(app, "acme")
    make_store(app, "other")
    assert runner.invoke(args=["credits", "purchase", "acme", "10", "--reference",
                               "pay-1"]).exit_code == 0
    before = snapshot(app, databases)
    result = runner.invoke(args=["credits", *args])
    assert result.exit_code != 0
    assert reason in result.output, result.output
    assert snapshot(app, databases) == before


def test_deleted_store_has_no_credits_to_move(app: Flask, runner: FlaskCliRunner) -> None:
    make_store(app, "acme")
    assert runner.invoke(args=["stores", "delete", "acme", "--yes"]).exit_code == 0
    result = runner.invoke(args=["credits", "purchase", "acme", "5", "--reference", "late"])
    assert result.exit_code != 0 and "was deleted" in result.output


@pytest.mark.postgresql_only
def test_concurrent_usage_never_overdraws(app: Flask, backend: str) -> None:
    make_store(app, "acme")
    with app.app_context(), unit_of_work():
        CreditService(db.session()).purchase("acme", "10", "seed")
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(12)

    def spend() -> None:
        with app.app_context():
            start.wait()
            try:
                with unit_of_work():
                    CreditService(db.session()).use("acme", "1", "race")
                result = "ok"
            except Exception as exc:  # InsufficientCredits is the expected refusal
                result = type(exc).__name__
            finally:
                db.session.remove()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=spend) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 10
    assert outcomes.count("InsufficientCredits") == 2
    with app.app_context():
        assert CreditService(db.session).balance("acme") == Decimal("0.00")
