"""Stop notification mails from a mail's link, without signing in (RFC 8058 one-click).

Mail programs POST ``List-Unsubscribe=One-Click`` to the link in ``List-Unsubscribe``;
a person who opens it in a browser gets a page with one button. The signed token in
the address is the authority, so this POST needs (and can have) no CSRF token.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from partnerstate.headers import no_store
from partnerstate.mail import notices


def _user(request: Any) -> Any:
    settings = request.registry["partnerstate.settings"]
    user = notices.user_for_unsubscribe(request.db, settings, request.matchdict["token"])
    if user is None:
        raise HTTPNotFound()
    no_store(request)
    request.response.headers["Referrer-Policy"] = "no-referrer"
    return user


@view_config(route_name="unsubscribe", renderer="unsubscribe.jinja2", request_method="GET")
def confirm(request: Any) -> dict[str, Any]:
    user = _user(request)
    return {"done": user.email_notifications == notices.OFF, "email": user.email}


@view_config(
    route_name="unsubscribe",
    renderer="unsubscribe.jinja2",
    request_method="POST",
    require_csrf=False,
)
def unsubscribe(request: Any) -> dict[str, Any]:
    user = _user(request)
    user.email_notifications = notices.OFF
    return {"done": True, "email": user.email}
