"""Liveness and readiness probes for the load balancer."""
from __future__ import annotations

from flask import Blueprint, Flask
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from storefront.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """The process is up."""
    return {"status": "ok"}, 200


@bp.get("/readyz")
def readyz() -> tuple[dict[str, str], int, dict[str, str]]:
    """The process can serve: master answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "master": "unreachable"}, 503, {"Retry-After": "10"}
    return {"status": "ok", "master": "ok"}, 200, {}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
