"""Error pages for browsers: localized 403, 404 and 500, never a bare traceback."""

from __future__ import annotations

import logging
from typing import Any

from pyramid.httpexceptions import HTTPException, HTTPSeeOther
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config

from partnerstate.api import error_response
from partnerstate.i18n import _

log = logging.getLogger(__name__)


@notfound_view_config(renderer="error.jinja2", api_path=False)
def not_found(request: Any) -> dict[str, Any]:
    request.response.status = 404
    return {
        "title": _("Page not found"),
        "message": _("There is nothing at this address. It may have moved or never existed."),
    }


@forbidden_view_config(renderer="error.jinja2", api_path=False)
def forbidden(request: Any) -> Any:
    if request.user is None:
        # Anonymous visitors are asked to log in first, then sent back.
        return HTTPSeeOther(request.route_url("login", _query={"next": request.path_qs}))
    request.response.status = 403
    return {
        "title": _("Not allowed"),
        "message": _("Your account does not have permission to do this."),
    }


@forbidden_view_config(api_path=True)
def api_forbidden(request: Any) -> Any:
    if request.user is None:
        return error_response(
            request,
            401,
            _("Authentication required: send an Authorization: Bearer token."),
            headers={"WWW-Authenticate": "Bearer"},
        )
    return error_response(request, 403, _("You are not allowed to do this."))


@notfound_view_config(api_path=True)
def api_not_found(request: Any) -> Any:
    return error_response(request, 404, _("Not found."))


@exception_view_config(HTTPException, renderer="error.jinja2", api_path=False)
def http_error(exc: HTTPException, request: Any) -> Any:
    if exc.code is None or exc.code < 400:
        return exc  # redirects pass through untouched
    request.response.status = exc.code
    return {"title": exc.title, "message": exc.detail or exc.explanation}


@exception_view_config(Exception, renderer="error.jinja2", api_path=False)
def server_error(exc: Exception, request: Any) -> dict[str, Any]:
    log.exception("unhandled error on %s", request.path, exc_info=exc)
    request.response.status = 500
    return {
        "title": _("Something went wrong"),
        "message": _("The error was recorded. Nothing you entered was saved; please try again."),
    }


@exception_view_config(Exception, api_path=True)
def api_server_error(exc: Exception, request: Any) -> Any:
    log.exception("unhandled API error on %s", request.path, exc_info=exc)
    return error_response(request, 500, _("Internal error. Nothing was saved."))
