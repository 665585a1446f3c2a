"""Where a ``?next=`` may send a browser: only a path on this site."""
from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None, prefix: str = "/") -> str | None:
    """``target`` if it is a same-site path under ``prefix``; None for anything else.

    Refused: schemes and hosts (``https://…``, ``//evil``), backslashes, and control characters,
    which browsers drop (``/\\t/evil.example`` becomes ``//evil.example``) and which could
    split a header.
    """
    if not target or "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//") or not target.startswith(prefix):
        return None
    return target
