"""``/healthz``: is the app up and can it reach its database?"""

from __future__ import annotations

import logging
from typing import Any

from pyramid.view import view_config
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


@view_config(route_name="healthz", renderer="json", request_method="GET")
def healthz(request: Any) -> dict[str, str]:
    engine = request.registry["db_engine"]
    try:
        # Its own connection, outside the request transaction, so a failure here
        # cannot poison anything else.
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("health check: database unreachable")
        request.response.status = 503
        return {"status": "unavailable", "database": "unreachable"}
    return {"status": "ok", "database": "ok"}
