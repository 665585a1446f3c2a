"""Product search: PostgreSQL full-text (plus substring matches), a portable LIKE elsewhere."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.orm import Session

from storefront.catalog.models import Product, ProductStatus
from storefront.catalog.services import ListingQuery, Paginated, paginate
from storefront.catalog.translations import ProductNames

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8

# PostgreSQL's built-in text search configurations by language; others use "simple".
TEXT_SEARCH_CONFIGS = {
    "da": "danish", "de": "german", "en": "english", "es": "spanish", "fi": "finnish",
    "fr": "french", "hu": "hungarian", "it": "italian", "nl": "dutch", "no": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sv": "swedish", "tr": "turkish",
}


class QueryTooLong(Exception):
    """The search text is longer than ``MAX_QUERY_LENGTH``."""


def normalise_query(q: str) -> str:
    """Collapse whitespace and drop control characters; raise if what is left is too long."""
    cleaned = re.sub(r"[\x00-\x1f\x7f]+", " ", q)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > MAX_QUERY_LENGTH:
        raise QueryTooLong(len(cleaned))
    return cleaned


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _stem(term: str) -> str:
    """A plural's stem for substring matching (``jackets`` → ``jacket``), the portable fallback's
    only stemming; PostgreSQL's full-text search stems properly per language."""
    return term[:-1] if len(term) > 3 and term[-1] in "sS" and term[-2] not in "sS" else term


def search_products(session: Session, q: str, *, locale: str, default_locale: str, page: int,
                    page_size: int) -> Paginated:
    """Active products whose name, SKU or description (in ``locale``) match ``q``, best first.

    ``q`` must already be normalised and non-empty. Every word must match (in any of the fields).
    """
    names = ProductNames(locale, default_locale)
    terms = [_stem(t) for t in q.split()[:MAX_TERMS]]
    description = func.coalesce(names.description, "")
    substring: ColumnElement[bool] = and_(*[
        or_(names.name.ilike(_like(t), escape="\\"), Product.sku.ilike(_like(t), escape="\\"),
            description.ilike(_like(t), escape="\\"))
        for t in terms
    ])
    name_hit = case((names.name.ilike(_like(q), escape="\\"), 0), else_=1)
    order: list[ColumnElement[Any]]
    if session.get_bind().dialect.name == "postgresql":
        config = literal(TEXT_SEARCH_CONFIGS.get(locale.split("-")[0].split("_")[0], "simple"),
                         REGCONFIG)
        document = func.to_tsvector(config, func.concat_ws(" ", names.name, description))
        tsquery = func.websearch_to_tsquery(config, q)
        match = or_(document.op("@@")(tsquery), substring)
        order = [name_hit, func.ts_rank(document, tsquery).desc(), Product.id.asc()]
    else:
        match = substring
        order = [name_hit, func.lower(names.name).asc(), Product.id.asc()]
    return paginate(session, [Product.status == ProductStatus.ACTIVE, match],
                    ListingQuery(page=page), locale=locale, default_locale=default_locale,
                    page_size=page_size, order=order, names=names)
