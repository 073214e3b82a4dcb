"""API: exchange an email and password for a bearer token; who am I."""

from __future__ import annotations

from typing import Any

from partnerstate import permissions as perms
from partnerstate.api import ApiError, api_config, error_response
from partnerstate.headers import no_store
from partnerstate.i18n import _
from partnerstate.services import accounts, throttle
from partnerstate.views.throttling import client_address, throttle_policy


@api_config(route_name="api.tokens", request_method="POST", permission=perms.VIEW)
def create_token(request: Any) -> Any:
    body = request.openapi_validated.body
    email, password = body["email"], body["password"]
    address = client_address(request)
    # The same throttle as the login page. Scripts hold no device cookie, so a pair that
    # keeps failing waits; an owner whose script is refused signs in on the page meanwhile.
    wait = throttle.retry_after(request.db, throttle_policy(request), email, address)
    if wait is not None:
        raise ApiError(
            429,
            _("Too many failed attempts; try again later."),
            headers={"Retry-After": str(wait)},
        )
    user = accounts.authenticate(request.db, email, password)
    if user is None:
        # Returned, not raised, so that the transaction commits the recorded failure.
        throttle.record_failure(request.db, email, address)
        return error_response(request, 401, _("Wrong email or password."), code="bad_credentials")
    throttle.forgive(request.db, email, address)
    token = accounts.create_token(request.db, user, label="API")
    no_store(request)  # the token is in this answer only
    request.response.status = 201
    return {"token": token}


def _profile(user: Any) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.display_name,
        "role": user.role,
        "locale": user.locale,
        "email_notifications": user.email_notifications,
    }


@api_config(route_name="api.me", request_method="GET", permission=perms.EDIT_PROFILE)
def me(request: Any) -> dict[str, Any]:
    return _profile(request.user)


@api_config(route_name="api.me", request_method="PATCH", permission=perms.EDIT_PROFILE)
def change_me(request: Any) -> dict[str, Any]:
    body = request.openapi_validated.body
    try:
        accounts.update_preferences(
            request.user,
            locale=body.get("locale"),
            email_notifications=body.get("email_notifications"),
        )
    except accounts.InvalidPreference as error:
        raise ApiError(422, error.message, fields={error.field: error.message}) from None
    return _profile(request.user)
