"""API: ask for a password reset link; set a new password with it."""

from __future__ import annotations

from typing import Any

from partnerstate import permissions as perms
from partnerstate.api import ApiError, api_config
from partnerstate.headers import no_store
from partnerstate.i18n import _
from partnerstate.services import password_reset
from partnerstate.views.throttling import client_address, throttle_policy

LINK_NOT_VALID = _("This link was already used or has expired; ask for a new one.")


@api_config(route_name="api.password_reset", request_method="POST", permission=perms.VIEW)
def request_reset(request: Any) -> dict[str, Any]:
    throttled = password_reset.request_reset(
        request.db,
        request.registry["partnerstate.settings"],
        throttle_policy(request),
        request.openapi_validated.body["email"],
        client_address(request),
    )
    if throttled is not None:
        raise ApiError(
            429,
            _("Too many requests; try again later."),
            headers={"Retry-After": str(throttled.retry_after)},
        )
    request.response.status = 202
    return {"status": "accepted"}


@api_config(route_name="api.password_reset.token", request_method="POST", permission=perms.VIEW)
def reset(request: Any) -> dict[str, Any]:
    no_store(request)
    try:
        password_reset.reset_password(
            request.db, request.matchdict["token"], request.openapi_validated.body["password"]
        )
    except password_reset.LinkNotValid:
        raise ApiError(410, LINK_NOT_VALID, code="gone") from None
    except password_reset.BadPassword as error:
        raise ApiError(422, error.message, fields={"password": error.message}) from None
    return {"status": "changed"}
