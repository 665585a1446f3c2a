"""The order confirmation e-mail: queued at checkout, rendered from the store's template in the
sandbox by the worker, sent over SMTP; never sent for an order that did not commit."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient

from storefront.demo.checkout import seed_checkout_demo
from storefront.extensions import db
from storefront.mail.models import EmailTemplate
from storefront.models_base import utcnow
from storefront.orders.models import Order
from storefront.platform import jobs
from storefront.platform.worker_cli import run_worker_pass
from tests.checkout.helpers import (
    add_to_cart,
    checkout_form,
    csrf_from,
    order_number,
    rows,
    shop,
    stock,
    tenant,
)
from tests.checkout.helpers import jobs as all_jobs
from tests.mail.smtp_server import SmtpSink, body_html, body_text


def _order(client: FlaskClient) -> str:
    add_to_cart(client, "shop", 1, 2)
    return order_number(client.post("/shop/checkout", data=checkout_form(client, "shop")))


def test_confirmation_uses_the_store_template(app: Flask, client: FlaskClient,
                                              smtp: SmtpSink) -> None:
    store = shop(app)
    with tenant(app, store.id) as session:
        session.add(EmailTemplate(
            key="order_confirmation", locale="en", subject="Thanks! {{ order.number }}",
            html_body="<p>{{ customer_name }}: {% for l in order.lines %}{{ l.quantity }}x "
                      "{{ l.name }} {% endfor %}= {{ order.total }}</p>",
            text_body="{{ customer_name }} ordered {{ order.lines|length }} line(s): "
                      "{{ order.total }}"))
    number = _order(client)
    with app.app_context():
        report = run_worker_pass()
    assert report.done == 1
    [message] = smtp.messages
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == f"Thanks! {number}"
    assert "Shop" in message["From"]
    assert body_text(message).strip() == "Ada Shopper ordered 1 line(s): $28.90"
    assert "2x Mug" in body_html(message)
    [job] = all_jobs(app)
    assert job.status == "done" and job.last_error is None


def test_default_template_when_the_store_has_none(app: Flask, client: FlaskClient,
                                                  smtp: SmtpSink) -> None:
    shop(app)
    number = _order(client)
    with app.app_context():
        run_worker_pass()
    [message] = smtp.messages
    assert number in message["Subject"]
    assert "2 x Mug (MUG)" in body_text(message) and "$28.90" in body_text(message)


def test_hostile_template_fails_safely_and_the_order_stands(app: Flask, client: FlaskClient,
                                                            smtp: SmtpSink) -> None:
    store = shop(app)
    with tenant(app, store.id) as session:
        session.add(EmailTemplate(
            key="order_confirmation", locale="en", subject="{{ order.number }}",
            html_body="{{ ''.__class__.__mro__[1].__subclasses__() }}",
            text_body="{{ order.__class__.__init__.__globals__ }}"))
    number = _order(client)
    assert client.get(f"/shop/order/{number}").status_code == 200
    assert len(rows(app, store.id, Order)) == 1
    with app.app_context():
        run_worker_pass()
    [job] = all_jobs(app)
    assert job.status == "done"
    assert "SecurityError" in (job.last_error or "") and "unsafe" in (job.last_error or "")
    # The shopper still got a confirmation, from the built-in template, with nothing leaked.
    [message] = smtp.messages
    assert number in message["Subject"]
    for part in (body_text(message), body_html(message)):
        assert "<class" not in part and "__globals__" not in part and "subclasses" not in part


def test_no_mail_for_an_order_that_never_committed(app: Flask, smtp: SmtpSink) -> None:
    store = shop(app)
    from storefront.checkout.emails import ORDER_CONFIRMATION_JOB

    with app.app_context():
        # What a checkout leaves behind when its tenant transaction rolls back after the job
        # was queued: a job whose order does not exist.
        jobs.enqueue(db.session, ORDER_CONFIRMATION_JOB,
                     {"store_id": str(store.id), "order_key": "f" * 64,
                      "order_number": "261125-GHOST2"}, max_attempts=3)
        db.session.commit()
        registry = app.extensions["job_handlers"]
        now = utcnow()
        for step in range(3):
            jobs.run_pending(db.session, registry, now=now + timedelta(hours=step))
    [job] = all_jobs(app)
    assert job.status == "dead" and "not in the store's database" in (job.last_error or "")
    assert smtp.messages == []


def test_resubmitted_form_sends_one_mail(app: Flask, client: FlaskClient,
                                         smtp: SmtpSink) -> None:
    shop(app)
    add_to_cart(client, "shop", 1)
    form = checkout_form(client, "shop")
    client.post("/shop/checkout", data=form)
    client.post("/shop/checkout", data=form)
    with app.app_context():
        run_worker_pass()
    assert len(smtp.messages) == 1


def test_demo_seed_gives_coupons_templates_and_settings(app: Flask, client: FlaskClient,
                                                        smtp: SmtpSink) -> None:
    store = shop(app, default_locale="en", locales=["en", "de"])
    with tenant(app, store.id) as session:
        seed_checkout_demo(session, store.id)
        seed_checkout_demo(session, store.id)  # twice changes nothing
    assert len(rows(app, store.id, EmailTemplate)) == 2
    token = csrf_from(client, "/shop/de/account/login")
    client.post("/shop/de/cart/add", data={"csrf_token": token, "product_id": 1, "quantity": 5})
    client.post("/shop/de/cart/coupon", data={"csrf_token": token, "code": "WELCOME10"})
    form = checkout_form(client, "shop/de", shipping_method="pickup")
    number = order_number(client.post("/shop/de/checkout", data=form))
    [order] = rows(app, store.id, Order)
    # 5 × 12.00 = 60.00, 10 % off, pickup is free, 19 % VAT included in 54.00.
    assert (order.discount, order.shipping, order.tax, order.total, order.locale) == (
        Decimal("6.00"), Decimal("0.00"), Decimal("8.62"), Decimal("54.00"), "de")
    with app.app_context():
        run_worker_pass()
    [message] = smtp.messages
    assert message["Subject"] == f"Shop: Ihre Bestellung {number}"
    assert "Rabatt (WELCOME10)" in body_text(message)


def test_tenant_commit_failing_after_the_job_was_queued(app: Flask, client: FlaskClient,
                                                        smtp: SmtpSink) -> None:
    """The two-DB gap end to end: master has the job, the tenant commit fails; nobody is mailed
    for the order that did not happen, the cart survives, and the retried form mails once."""
    from flask import g
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    store = shop(app)
    add_to_cart(client, "shop", 1, 2)
    form = checkout_form(client, "shop")

    def fail_tenant_commit(session: Session) -> None:
        # The request's commit, not the release of the savepoint the order is placed in.
        if g.get("tenant_session") is session and not session.in_nested_transaction():
            raise RuntimeError("the tenant database went away at commit")

    event.listen(Session, "before_commit", fail_tenant_commit)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as production would: a 500 page
    try:
        response = client.post("/shop/checkout", data=form)
    finally:
        event.remove(Session, "before_commit", fail_tenant_commit)
    assert response.status_code == 500
    assert rows(app, store.id, Order) == []
    assert stock(app, store.id, 1) == 10
    [job] = all_jobs(app)  # master committed first, as designed
    registry = app.extensions["job_handlers"]
    now = utcnow()
    with app.app_context():
        assert jobs.run_pending(db.session, registry, now=now).retried == 1
    assert smtp.messages == []

    # The cart survived the failure; the same form again places the order, under the same job.
    assert 'name="quantity" value="2"' in client.get("/shop/cart").get_data(as_text=True)
    number = order_number(client.post("/shop/checkout", data=form))
    assert client.get(f"/shop/order/{number}").status_code == 200
    assert [j.id for j in all_jobs(app)] == [job.id]
    with app.app_context():
        assert jobs.run_pending(db.session, registry, now=now + timedelta(hours=1)).done == 1
    [message] = smtp.messages
    assert number in message["Subject"]
