"""What the assemblies' services raise; views turn each into its HTTP status."""

from __future__ import annotations

from typing import Any

from assemblies.rules import Invalid


class Conflict(Exception):
    """The action does not fit the current state (HTTP 409)."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class NotFound(Exception):
    """Something named in the request does not exist (HTTP 404)."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class Forbidden(Exception):
    """Allowed in general, but not in this case (HTTP 403)."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class Throttled(Exception):
    """Too many failed attempts; try again in ``retry_after`` seconds (HTTP 429)."""

    def __init__(self, message: Any, retry_after: int) -> None:
        super().__init__(str(message))
        self.message = message
        self.retry_after = retry_after


class AlreadyMember(Conflict):
    """The person already belongs to the assembly; ``membership`` is their current role."""

    def __init__(self, message: Any, membership: Any) -> None:
        super().__init__(message)
        self.membership = membership


__all__ = ["AlreadyMember", "Conflict", "Forbidden", "Invalid", "NotFound", "Throttled"]
