"""Why a service refused: one exception per HTTP answer.

Partnerships, deliberation, votes and charters raise these. Under /api an exception
view answers them as the contract's JSON error (same status, message and fields);
pages turn them into form errors or flash messages.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: Any, fields: dict[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.fields = dict(fields or {})


class Invalid(ServiceError):
    """Well-formed but breaking a rule; ``fields`` names each problem (422)."""

    status = 422
    code = "invalid"


class Conflict(ServiceError):
    """Not possible in the current state, e.g. posting on a closed deliberation (409)."""

    status = 409
    code = "conflict"


class Forbidden(ServiceError):
    """The actor's role does not allow this (403)."""

    status = 403
    code = "forbidden"
