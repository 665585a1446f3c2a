"""The built-in themes and the settings a store may give them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from storefront.inputs import is_image_url, whole_number


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    description: str

    @property
    def template(self) -> str:
        return f"themes/{self.name}/layout.html"

    @property
    def stylesheet(self) -> str:
        return f"themes/{self.name}.css"


THEMES: dict[str, Theme] = {t.name: t for t in (
    Theme("classic", "Classic", "Logo, search and category bar across the top; a product grid."),
    Theme("boutique", "Boutique", "A centred masthead, two roomy columns, serif type."),
    Theme("market", "Market", "Categories in a sidebar beside a dense product list."),
)}
DEFAULT_THEME = "classic"

FONTS: dict[str, str] = {
    "system": 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    "serif": 'Georgia, "Iowan Old Style", "Times New Roman", serif',
    "humanist": '"Trebuchet MS", "Gill Sans", "Segoe UI", sans-serif',
    "mono": 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
}
COLOUR_NAMES = ("accent", "header_bg", "header_fg")
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class ThemeSettingsError(ValueError):
    """Theme settings that cannot be saved; the message says which field."""


@dataclass(frozen=True)
class ThemeSettings:
    """A theme choice with its options, always valid (hex colours, known fonts, safe URLs)."""

    name: str = DEFAULT_THEME
    colours: tuple[tuple[str, str], ...] = ()
    font: str = "system"
    logo_url: str | None = None
    columns: int = 4
    icon_url: str | None = None  # the browser tab's icon; the platform's when unset

    @property
    def theme(self) -> Theme:
        return THEMES[self.name]

    @property
    def font_stack(self) -> str:
        return FONTS[self.font]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "colors": dict(self.colours), "font": self.font,
                "logo_url": self.logo_url, "columns": self.columns, "icon_url": self.icon_url}


def read_settings(raw: dict[str, Any] | None) -> ThemeSettings:
    """Stored settings, keeping what is valid and dropping the rest (never an error)."""
    raw = raw if isinstance(raw, dict) else {}
    name = raw.get("name") if raw.get("name") in THEMES else DEFAULT_THEME
    colours = raw.get("colors") or raw.get("colours") or {}
    colours = colours if isinstance(colours, dict) else {}
    logo = raw.get("logo_url")
    icon = raw.get("icon_url")
    columns = raw.get("columns")
    return ThemeSettings(
        name=str(name),
        colours=tuple((k, v) for k, v in colours.items() if k in COLOUR_NAMES
                      and isinstance(v, str) and HEX_COLOUR.match(v)),
        font=str(raw["font"]) if raw.get("font") in FONTS else "system",
        logo_url=logo if isinstance(logo, str) and is_image_url(logo) else None,
        columns=columns if isinstance(columns, int) and 2 <= columns <= 5 else 4,
        icon_url=icon if isinstance(icon, str) and is_image_url(icon) else None,
    )


def clean_settings(form: dict[str, str]) -> ThemeSettings:
    """Settings from an owner's form; ThemeSettingsError names the first bad field."""
    name = form.get("theme", DEFAULT_THEME)
    if name not in THEMES:
        raise ThemeSettingsError(f"unknown theme {name!r}")
    colours = []
    for key in COLOUR_NAMES:
        value = (form.get(key) or "").strip()
        if value:
            if not HEX_COLOUR.match(value):
                raise ThemeSettingsError(f"{key.replace('_', ' ')} must be a colour like #0b5cad")
            colours.append((key, value))
    font = form.get("font", "system")
    if font not in FONTS:
        raise ThemeSettingsError(f"unknown font {font!r}")
    logo = (form.get("logo_url") or "").strip() or None
    if logo is not None and not is_image_url(logo):
        raise ThemeSettingsError("the logo must be an https:// URL or a path on this site")
    icon = (form.get("icon_url") or "").strip() or None
    if icon is not None and not is_image_url(icon):
        raise ThemeSettingsError("the icon must be an https:// URL or a path on this site")
    raw_columns = (form.get("columns") or "4").strip()
    try:
        columns = whole_number(raw_columns, 2, 5)
    except ValueError:
        raise ThemeSettingsError("columns must be a number from 2 to 5") from None
    return ThemeSettings(name, tuple(colours), font, logo, columns, icon)
