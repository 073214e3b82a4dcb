"""The database is unreachable: which errors say so, and how a request remembers it.

While the database is down every route answers 503 (``views/errors.py``). The answer
must not need the database itself: once a request has met one of these errors, the
security policy treats it as anonymous instead of looking up its user again, so that
the error page (its navigation, its language) renders without a query. The next
request tries the database afresh, so the app recovers on its own: SQLite reopens the
file, and the PostgreSQL pool tests its connections before use (``pool_pre_ping``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.interfaces import IRoutesMapper
from sqlalchemy import exc, text

_DOWN = "partnerstate.database_down"
# Registry key: set while this process has seen the database go away (see ``latch_tween``).
_LATCHED = "partnerstate.database_latched"
# Seconds a client should wait before trying again.
RETRY_AFTER = "30"


def mark_down(request: Any) -> None:
    request.environ[_DOWN] = True


def is_down(request: Any) -> bool:
    return bool(request.environ.get(_DOWN))


class DatabaseDown(Exception):
    """The database did not answer this process's last probe (answered with a 503)."""


def latch(registry: Any) -> None:
    """Remember that the database went away, so that routes which do not query it (an
    anonymous home page, the login form) answer 503 too until it is back."""
    registry[_LATCHED] = True


def latch_tween_factory(handler: Callable[[Any], Any], registry: Any) -> Callable[[Any], Any]:
    """Once a request has met an outage, each later request (static files and the health
    check aside) first asks the database whether it is back: one ``SELECT 1`` while it is
    down, nothing at all while it is up. Each process finds out for itself; nothing is
    shared or kept beyond this one flag."""

    def outage_latch(request: Any) -> Any:
        if registry.get(_LATCHED) and not _exempt(request):
            try:
                with registry["db_engine"].connect() as connection:
                    connection.execute(text("SELECT 1"))
            except (exc.OperationalError, exc.InterfaceError, exc.DisconnectionError) as error:
                raise DatabaseDown(str(error)) from error
            registry[_LATCHED] = False
        return handler(request)

    return outage_latch


def _exempt(request: Any) -> bool:
    # Static files (the error page's own stylesheet) and /healthz, which checks for itself.
    info = request.registry.getUtility(IRoutesMapper)(request)
    route = info.get("route")
    return route is None or route.name.startswith("__") or route.name == "healthz"
