"""Interface strings of the shopper's pages in the locales we ship; English is the source."""
from __future__ import annotations

from typing import Any

from storefront.i18n.shopping import SHOPPING_MESSAGES

# Keyed by language (the part of the locale before "-"); a missing string falls back to English.
CATALOGS: dict[str, dict[str, str]] = {
    "de": {
        "Skip to content": "Zum Inhalt springen",
        "Main": "Hauptnavigation",
        "Categories": "Kategorien",
        "Search": "Suche",
        "Search products": "Produkte suchen",
        "Language": "Sprache",
        "Home": "Startseite",
        "Breadcrumb": "Brotkrumen",
        "In stock": "Auf Lager",
        "Only {n} left": "Nur noch {n} verfügbar",
        "Out of stock": "Ausverkauft",
        "Sale": "Angebot",
        "Was": "Statt",
        "Now": "Jetzt",
        "Featured": "Empfohlen",
        "New arrivals": "Neuheiten",
        "Shop by category": "Nach Kategorie einkaufen",
        "Subcategories": "Unterkategorien",
        "Filters": "Filter",
        "Apply filters": "Filter anwenden",
        "Clear filters": "Filter zurücksetzen",
        "Sort by": "Sortieren nach",
        "Relevance": "Relevanz",
        "Newest": "Neueste",
        "Price: low to high": "Preis: aufsteigend",
        "Price: high to low": "Preis: absteigend",
        "Name": "Name",
        "Sort": "Sortieren",
        "{n} products": "{n} Produkte",
        "1 product": "1 Produkt",
        "No products match these filters.": "Keine Produkte passen zu diesen Filtern.",
        "This category has no products yet.": "Diese Kategorie hat noch keine Produkte.",
        "Pagination": "Seitennavigation",
        "Previous": "Zurück",
        "Next": "Weiter",
        "Page {page} of {pages}": "Seite {page} von {pages}",
        "Description": "Beschreibung",
        "Details": "Details",
        "SKU": "Artikelnummer",
        "Reviews": "Bewertungen",
        "No reviews yet.": "Noch keine Bewertungen.",
        "{avg} out of 5 ({n} reviews)": "{avg} von 5 ({n} Bewertungen)",
        "{rating} out of 5": "{rating} von 5",
        "You may also like": "Das könnte Ihnen auch gefallen",
        "Results for “{q}”": "Ergebnisse für „{q}“",
        "Enter a word to search for.": "Geben Sie einen Suchbegriff ein.",
        "Your search is too long; please use at most {n} characters.":
            "Ihre Suche ist zu lang; bitte höchstens {n} Zeichen verwenden.",
        "Nothing matches your search.": "Nichts passt zu Ihrer Suche.",
        "Page not found": "Seite nicht gefunden",
        "We could not find the page you asked for.":
            "Wir konnten die gewünschte Seite nicht finden.",
        "Back to {name}": "Zurück zu {name}",
        "Images": "Bilder",
        "Price": "Preis",
        "Availability": "Verfügbarkeit",
        "Pages": "Seiten",
        "This store has no products yet.": "Dieses Geschäft hat noch keine Produkte.",
        "Show": "Anzeigen",
        "Welcome": "Willkommen",
        "Announcement": "Hinweis",
    },
}


def _merge(more: dict[str, dict[str, str]]) -> None:
    """Add ``more``'s strings to CATALOGS; a string CATALOGS already has keeps its text."""
    for language, messages in more.items():
        catalog = CATALOGS.setdefault(language, {})
        for source, text in messages.items():
            catalog.setdefault(source, text)


_merge(SHOPPING_MESSAGES)


def translate(message: str, locale: str, **values: Any) -> str:
    """``message`` in ``locale`` (English when untranslated), formatted with ``values``."""
    language = locale.replace("_", "-").split("-", 1)[0].lower()
    text = CATALOGS.get(language, {}).get(message, message)
    return text.format(**values) if values else text
