"""The database is unreachable: which errors say so, and how a request remembers it.

While the database is down every route answers 503 (``views/errors.py``). The answer
must not need the database itself: once a request has met one of these errors, the
security policy treats it as anonymous instead of looking up its user again, so that
the error page (its navigation, its language) renders without a query. The next
request tries the database afresh, so the app recovers on its own: SQLite reopens the
file, and the PostgreSQL pool tests its connections before use (``pool_pre_ping``).
"""

from __future__ import annotations

from typing import Any

_DOWN = "partnerstate.database_down"
# Seconds a client should wait before trying again.
RETRY_AFTER = "30"


def mark_down(request: Any) -> None:
    request.environ[_DOWN] = True


def is_down(request: Any) -> bool:
    return bool(request.environ.get(_DOWN))
