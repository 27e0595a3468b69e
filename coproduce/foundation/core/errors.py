"""Coded errors raised by services.

Every validation failure carries a stable ``code`` (tests assert on it) and a plain
sentence for people (views show it next to the field it concerns, or in the summary).
"""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out; nothing has been changed."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotFound(ServiceError):
    """The object does not exist, or the user may not know that it exists."""

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__("not_found", message)


class IllegalTransition(ServiceError):
    """A state change that the state machine does not allow from the current state."""
