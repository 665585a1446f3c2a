"""Locales of a store: ``/<s>/…`` in the default locale, ``/<s>/<locale>/…`` in the others.

Every store page has one endpoint and two URL rules: the plain one and the same path behind a
``<locale>`` segment. ``url_for`` (and so every template) keeps the current locale by itself: the
store blueprint injects ``locale`` into every store URL it builds, and passing ``locale=None``
builds the default-locale URL. That keeps endpoint names single (``store.catalog.product``) for
every blueprint mounted under the store, whoever wrote it.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Blueprint, Flask, abort, current_app, g, redirect, request, url_for
from werkzeug.routing import BaseConverter, BuildError, Rule

from storefront.i18n.messages import translate
from storefront.page_params import understood_params

LOCALE_PATTERN = r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?"
STORE_PREFIX = "/<store_slug>"


class LocaleConverter(BaseConverter):
    """A locale code path segment (``de``, ``pt-BR``); never a word like ``cart`` or ``search``."""

    regex = LOCALE_PATTERN


@dataclass(frozen=True)
class StoreLocales:
    """The locales the request's store sells in, and its default (the one without a prefix)."""

    default: str
    available: tuple[str, ...]


def use_store_locales(default: str, available: Iterable[str] | None) -> None:
    """Record the locales of this request's store (whoever reads the store's row does)."""
    g.store_locales = StoreLocales(default, tuple(available or ()) or (default,))


def set_store_loader(app: Flask, load: Callable[[], object]) -> None:
    """How to read the request's store, which records its locales (``use_store_locales``)."""
    app.extensions["i18n_store_loader"] = load


def store_locales() -> StoreLocales:
    """The locales of this request's store, its row read on first need (views and hooks)."""
    known: StoreLocales | None = g.get("store_locales")
    if known is None:
        current_app.extensions["i18n_store_loader"]()
        known = g.store_locales
    return known


def current_locale() -> str:
    """The locale of this store request: the URL's, or the store's default."""
    locale: str | None = g.get("locale")
    return locale or store_locales().default


def page_locales() -> tuple[str, str]:
    """(the locale of this store request, the store's default locale): what a query for the
    page's text in its locale, falling back to the default, needs."""
    return current_locale(), store_locales().default


def _take_locale(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Take the URL's locale segment off the view's arguments; ``_check_locale`` judges it."""
    if values is None or "locale" not in values:
        return
    g.requested_locale = values.pop("locale")


def _check_locale() -> None:
    """Validate the URL's locale against the store's locales.

    A ``before_request`` hook that runs after the page cache's: a stored page was rendered with
    this very path under the store's current version, so a cache hit needs no tenant query.
    """
    locale = g.pop("requested_locale", None)
    if locale is None:
        return
    known = store_locales()
    if locale == known.default:
        # One URL per page: the default locale lives without the prefix. The query string goes
        # along as it came: this redirect is one visitor's, never a cached link.
        if request.method in ("GET", "HEAD"):
            target = url_for(request.endpoint or "store.catalog.home",
                             **{**(request.view_args or {}), "locale": None})
            if request.query_string:
                target += "?" + request.query_string.decode("latin-1")
            abort(redirect(target, code=301))
        abort(404)
    if locale not in known.available:
        abort(404)
    g.locale = locale


def _add_locale(_endpoint: str, values: dict[str, Any]) -> None:
    if "locale" not in values and g.get("locale"):
        values["locale"] = g.locale


def init_store_blueprint(store_bp: Blueprint) -> None:
    """Teach the parent store blueprint to read and keep the locale segment."""
    store_bp.url_value_preprocessor(_take_locale)
    store_bp.before_request(_check_locale)
    store_bp.url_defaults(_add_locale)


def add_localized_rules(app: Flask, endpoint_prefix: str = "store.") -> None:
    """Give every store rule a twin under ``/<store_slug>/<locale>`` with the same endpoint."""
    for rule in list(app.url_map.iter_rules()):
        if not rule.endpoint.startswith(endpoint_prefix) or not rule.rule.startswith(STORE_PREFIX):
            continue
        if "locale" in rule.arguments:
            continue
        rest = rule.rule[len(STORE_PREFIX):]
        app.url_map.add(Rule(f"{STORE_PREFIX}/<locale:locale>{rest}", **rule.get_empty_kwargs()))


MAX_LINKED_PARAM = 200
URL_BUILD_KEYS = frozenset({"store_slug", "locale", "endpoint", "_external", "_anchor",
                            "_method", "_scheme"})


def query_args(drop: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """The query parameters this page understood, safe to hand back to ``url_for``.

    Only what the view recorded with ``page_params.understood`` is kept (never tracking or
    unknown parameters: the page may be cached and served to everyone). Keys ``url_for`` would
    take as path values or build options (``store_slug``, ``_external``…) are left out, so a
    query string can never point a link at another store or host.
    """
    args = {}
    for key, values in understood_params().items():
        if key in URL_BUILD_KEYS or key in drop or len(key) > MAX_LINKED_PARAM:
            continue
        # A value longer than any real filter or query is not repeated into every link.
        kept = [v for v in values if len(v) <= MAX_LINKED_PARAM]
        if kept:
            args[key] = kept
    return args


def locale_name(code: str) -> str:
    """A locale's name in its own language (``de`` → ``Deutsch``)."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code
    return (name or code)[:1].upper() + (name or code)[1:]


def locale_links() -> list[dict[str, Any]]:
    """The current page in each of the store's locales, for the switcher and hreflang links.

    For templates: it reads only the locales already recorded for the page, never the store.
    """
    known: StoreLocales | None = g.get("store_locales")
    if g.get("store") is None or known is None or request.endpoint is None \
            or len(known.available) < 2:
        return []
    current = g.get("locale") or known.default
    args = query_args(drop=("page",))  # pages may not line up across locales; start at the first
    links = []
    for code in known.available:
        target = None if code == known.default else code
        try:
            href = url_for(request.endpoint, **{**args, **(request.view_args or {}),
                                                "locale": target})
        except BuildError:  # an endpoint that cannot be rebuilt: link the locale's home page
            href = url_for("store.catalog.home", locale=target)
        links.append({"code": code, "name": locale_name(code), "href": href,
                      "current": code == current})
    return links


def html_lang(code: str) -> str:
    """A BCP 47 tag for ``<html lang>`` (``pt_BR`` → ``pt-BR``)."""
    return re.sub("_", "-", code)


def init_app(app: Flask) -> None:
    """Register the locale converter and the template helpers."""
    app.url_map.converters["locale"] = LocaleConverter
    app.jinja_env.globals.update(locale_links=locale_links, html_lang=html_lang,
                                  ui_locale=ui_locale, _=_template_gettext)


def _template_gettext(message: str, **values: Any) -> str:
    """Translate one interface string into the current locale (``{{ _('In stock') }}``)."""
    return translate(message, ui_locale(), **values)


def ui_locale() -> str:
    """The locale of the page being rendered; English outside a (reachable) store.

    For templates: it reads only the locales already recorded for the page, never the store.
    """
    if g.get("locale"):
        return str(g.locale)
    known: StoreLocales | None = g.get("store_locales")
    return known.default if known is not None and g.get("store") is not None else "en"
