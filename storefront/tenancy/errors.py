"""Why a storefront request for a store cannot be answered from its tenant DB."""
from __future__ import annotations


class StoreNotFound(Exception):
    """No store answers to this slug (or it is still being created)."""


class StoreMoved(Exception):
    """The slug is an old one; the store now lives at ``new_slug``."""

    def __init__(self, new_slug: str) -> None:
        super().__init__(new_slug)
        self.new_slug = new_slug


class StoreSuspended(Exception):
    """The store is suspended or inactive."""


class StoreGone(Exception):
    """The store was deleted."""


class TenantUnavailable(Exception):
    """The store's tenant DB cannot be reached (or its credential cannot be read)."""
