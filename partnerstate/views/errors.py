"""Error pages for browsers: localized 403, 404 and 500, never a bare traceback."""

from __future__ import annotations

import logging
from typing import Any

from pyramid.exceptions import BadCSRFToken, PredicateMismatch
from pyramid.httpexceptions import HTTPException, HTTPSeeOther
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config
from sqlalchemy import exc

from partnerstate import outage
from partnerstate.api import error_response
from partnerstate.i18n import _

log = logging.getLogger(__name__)


@notfound_view_config(renderer="error.jinja2", api_path=False)
def not_found(request: Any) -> dict[str, Any]:
    allowed = allowed_methods(request)
    if allowed:
        # A page asked for the wrong way (a POST-only action opened as a link): not a 404.
        request.response.status = 405
        request.response.headers["Allow"] = ", ".join(allowed)
        title, message = STATUS_TEXTS[405]
        return {"title": title, "message": message}
    request.response.status = 404
    return {
        "title": _("Page not found"),
        "message": _visitor_detail(request)
        or _("There is nothing at this address. It may have moved or never existed."),
    }


def _visitor_detail(request: Any) -> str | None:
    """The message a feature gave its 404 ("There is no vote with this number."), if any.

    Pyramid's own 404s (no route, a static file missing, a predicate mismatch) carry the
    address or a debugging note instead: those are not for visitors.
    """
    exc = request.exception
    detail = getattr(exc, "detail", None)
    if not isinstance(detail, str) or not detail or isinstance(exc, PredicateMismatch):
        return None
    return None if request.path_info in detail else detail


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


def allowed_methods(request: Any) -> list[str]:
    """The methods the matched route's views accept, when the request's method is not one.

    Pyramid answers a route whose views all refuse the method with a 404
    (``PredicateMismatch``); the API says 405 and lists what would work instead.
    An empty list means "not a method problem" (no route, an unknown id, any method).
    """
    route = request.matched_route
    if route is None or not isinstance(request.exception, PredicateMismatch):
        return []
    introspector = request.registry.introspector
    route_intr = introspector.get("routes", route.name)
    if route_intr is None:
        return []
    methods: set[str] = set()
    for view in introspector.related(route_intr):
        if view.category_name != "views":
            continue
        accepted = view["request_methods"]
        if accepted is None:
            return []  # a view that takes any method: the mismatch was something else
        methods.update([accepted] if isinstance(accepted, str) else accepted)
    if "GET" in methods:
        methods.add("HEAD")  # Pyramid lets HEAD through wherever GET is accepted
    if not methods or request.method in methods:
        return []
    return sorted(methods)


@notfound_view_config(api_path=True)
def api_not_found(request: Any) -> Any:
    allowed = allowed_methods(request)
    if allowed:
        return error_response(
            request, 405, _("Method not allowed."), headers={"Allow": ", ".join(allowed)}
        )
    return error_response(request, 404, _("Not found."))


# Pyramid's own titles and explanations are English only; these are the ones a page shows
# when the code raising the error gave no (already translated) detail of its own.
STATUS_TEXTS = {
    400: (_("Bad request"), _("The request could not be understood. Go back and try again.")),
    405: (_("Not possible here"), _("This address does not accept this kind of request.")),
    409: (_("Conflict"), _("This cannot be done in the current state of things.")),
    413: (_("Too large"), _("What you sent is too large.")),
    429: (_("Too many attempts"), _("Please wait a little, then try again.")),
}
CSRF_TITLE = _("The form has expired")
CSRF_MESSAGE = _(
    "For your safety, a form only works for a while and only from this site. "
    "Go back, reload the page and send the form again."
)


@exception_view_config(BadCSRFToken, renderer="error.jinja2", api_path=False)
def bad_csrf_token(request: Any) -> dict[str, Any]:
    # Pyramid's detail ("check_csrf_token(): Invalid token") means nothing to a visitor.
    request.response.status = 400
    return {"title": CSRF_TITLE, "message": CSRF_MESSAGE}


@exception_view_config(BadCSRFToken, api_path=True)
def api_bad_csrf_token(request: Any) -> Any:
    # Only a non-API view under /api (the YAML spec) can get here, on an unsafe method.
    return error_response(request, 400, CSRF_MESSAGE)


@exception_view_config(HTTPException, renderer="error.jinja2", api_path=False)
def http_error(exc: HTTPException, request: Any) -> Any:
    if exc.code is None or exc.code < 400:
        return exc  # redirects pass through untouched
    request.response.status = exc.code
    title, explanation = STATUS_TEXTS.get(exc.code, (exc.title, exc.explanation))
    return {"title": title, "message": exc.detail or explanation}


UNAVAILABLE_TITLE = _("Temporarily unavailable")
UNAVAILABLE_MESSAGE = _(
    "The site cannot reach its database just now. Nothing you entered was saved; "
    "please try again in a few minutes."
)


def _unavailable(exc: Exception, request: Any) -> None:
    log.error("database unreachable on %s: %s", request.path, exc)
    # Before anything renders: the page must not look the user up again.
    outage.mark_down(request)
    outage.latch(request.registry)


# Errors of the connection rather than of the statement: an unreachable server, a dropped
# connection, a pool that cannot hand one out, a database file that cannot be opened.
# A bad statement or bad data (ProgrammingError, DataError…) is no outage: still a 500.
@exception_view_config(outage.DatabaseDown, renderer="error.jinja2", api_path=False)
@exception_view_config(exc.OperationalError, renderer="error.jinja2", api_path=False)
@exception_view_config(exc.InterfaceError, renderer="error.jinja2", api_path=False)
@exception_view_config(exc.DisconnectionError, renderer="error.jinja2", api_path=False)
@exception_view_config(exc.TimeoutError, renderer="error.jinja2", api_path=False)
def database_unavailable(exc: Exception, request: Any) -> dict[str, Any]:
    _unavailable(exc, request)
    request.response.status = 503
    request.response.headers["Retry-After"] = outage.RETRY_AFTER
    return {"title": UNAVAILABLE_TITLE, "message": UNAVAILABLE_MESSAGE}


@exception_view_config(outage.DatabaseDown, api_path=True)
@exception_view_config(exc.OperationalError, api_path=True)
@exception_view_config(exc.InterfaceError, api_path=True)
@exception_view_config(exc.DisconnectionError, api_path=True)
@exception_view_config(exc.TimeoutError, api_path=True)
def api_database_unavailable(exc: Exception, request: Any) -> Any:
    _unavailable(exc, request)
    return error_response(
        request, 503, UNAVAILABLE_MESSAGE, headers={"Retry-After": outage.RETRY_AFTER}
    )


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
