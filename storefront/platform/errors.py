"""Why a platform operation was refused; each message is meant for the operator, on one line."""
from __future__ import annotations


class PlatformError(Exception):
    """An operation was refused; the message is meant for the operator, on one line."""


class NotFound(PlatformError):
    pass


class Conflict(PlatformError):
    pass


class InvalidInput(PlatformError):
    pass


class TenantStepFailed(PlatformError):
    """The tenant side of an operation failed; the message says what master looks like now."""
