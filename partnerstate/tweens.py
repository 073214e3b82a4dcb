"""Refuse requests that no view can handle, before anything reads them.

Two tweens share the work:

* ``request_guard`` (first, under INGRESS) looks at the raw request. An address that
  is not UTF-8 gets a plain 400 at once: WebOb decodes lazily and raises wherever the
  path or query is first read — in the router, in locale negotiation, again while the
  error page renders — so nothing can show a page for it. A body over the size cap is
  refused unread (pyramid_retry would otherwise copy all of it); a body that does not
  decode, a form that cannot be parsed, JSON nested too deep or holding a lone
  surrogate, and NUL characters anywhere in text are refused too. For those the guard
  empties the body and leaves a note in the environ.
* ``refusal`` (last, just above the view) turns the note into an HTTP exception, so
  the error views answer as for any other error: a page in the visitor's language, or
  the API's JSON error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.httpexceptions import HTTPBadRequest, HTTPRequestEntityTooLarge
from pyramid.interfaces import IRoutesMapper
from pyramid.response import Response
from pyramid.tweens import EXCVIEW, INGRESS

from partnerstate import json_body
from partnerstate.api import error_response
from partnerstate.i18n import _

MESSAGE = "Bad request: the address, the form or the JSON body is not valid UTF-8."
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
# Where the guard leaves its verdict for the ``refusal`` tween: (status, message).
REFUSAL = "partnerstate.refusal"
# Route names that take a file, and so the larger cap (see ``accept_uploads``).
UPLOAD_ROUTES = "partnerstate.upload_routes"

TOO_LARGE = _("What you sent is too large.")
NOT_UTF8 = _("The form or the JSON body is not valid UTF-8.")
BAD_FORM = _("The form could not be read. Go back and try again.")
HAS_NUL = _("Text may not contain the NUL character.")
JSON_PROBLEMS = {
    json_body.Problem.TOO_DEEP: _("The JSON body is nested too deeply."),
    json_body.Problem.UNPAIRED_SURROGATE: _(
        "The JSON body holds an escaped character that is not text (a lone surrogate)."
    ),
    json_body.Problem.NUL: HAS_NUL,
}


class Refused(Exception):
    """What the guard found wrong with a request's body or text."""

    def __init__(self, status: int, message: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _address_decodes(request: Any) -> bool:
    try:
        # Each attribute decodes on first access; reading them is the check.
        request.path_info  # noqa: B018
        request.GET  # noqa: B018
    except UnicodeDecodeError:
        return False
    return True


def _has_nul(values: Any) -> bool:
    return any("\x00" in item for item in values if isinstance(item, str))


def _body_limit(request: Any) -> int:
    settings = request.registry["partnerstate.settings"]
    uploads = request.registry.get(UPLOAD_ROUTES, frozenset())
    if uploads:
        # Routing happens later; asking the mapper here costs one more match, only for
        # the rare body above the ordinary cap.
        info = request.registry.getUtility(IRoutesMapper)(request)
        route = info.get("route")
        if route is not None and route.name in uploads:
            return settings.max_upload_bytes
    return settings.max_body_bytes


def _check_size(request: Any) -> None:
    settings = request.registry["partnerstate.settings"]
    length = request.content_length
    if length is not None:
        if length > settings.max_body_bytes and length > _body_limit(request):
            raise Refused(413, TOO_LARGE)
        return
    if request.is_body_readable:
        # No length announced (chunked): read no more than the cap allows.
        limit = _body_limit(request)
        data = request.body_file_raw.read(limit + 1)
        if len(data) > limit:
            raise Refused(413, TOO_LARGE)
        request.body = data


def _check_text(request: Any) -> None:
    query = request.GET
    if "\x00" in request.path_info or _has_nul(query.keys()) or _has_nul(query.values()):
        raise Refused(400, HAS_NUL)
    content_type = request.content_type
    try:
        if request.method in ("POST", "PUT", "PATCH") and content_type in FORM_TYPES:
            form = request.POST
            if _has_nul(form.keys()) or _has_nul(form.values()):
                raise Refused(400, HAS_NUL)
        elif content_type == "application/json" or content_type.endswith("+json"):
            # JSON is UTF-8 by definition (RFC 8259); openapi-core crashes on anything else.
            problem = json_body.problem(request.body.decode("utf-8"))
            if problem is not None:
                raise Refused(400, JSON_PROBLEMS[problem])
    except (UnicodeDecodeError, DeprecationWarning):
        # WebOb *raises* DeprecationWarning for a form declaring a charset other than UTF-8.
        raise Refused(400, NOT_UTF8) from None
    except ValueError:
        # WebOb's form parser: a multipart body without a boundary, a broken part.
        raise Refused(400, BAD_FORM) from None


def retry_attempts(request: Any) -> int | None:
    """pyramid_retry's activation hook, run before it copies the body for retries.

    A body not yet measured (too large, or of unknown length) gets no retries, so no
    copy: the guard reads at most the cap of it. An ordinary body is read into memory
    here, where pyramid_retry would have spilled anything above 10 kB to a temporary
    file that nothing closes. ``None`` keeps the configured attempts.
    """
    length = request.content_length
    if length is None:
        return 1 if request.is_body_readable else None
    settings = request.registry["partnerstate.settings"]
    if length > settings.max_body_bytes:
        return 1 if length > _body_limit(request) else None
    if length and not request.is_body_seekable:
        request.body = request.body_file_raw.read(length)
    return None


def _refuse(request: Any, refused: Refused) -> None:
    request.environ[REFUSAL] = (refused.status, refused.message)
    # Nothing downstream may read what was refused: the error page reads the
    # parameters (for the language), and a form that failed to parse would fail again.
    if request.is_body_seekable:
        # A copy made for retries (a temporary file for large bodies): ours to close.
        request.body_file_raw.close()
    request.body = b""
    request.content_type = "application/octet-stream"


def request_guard_factory(handler: Callable[[Any], Any], registry: Any) -> Callable[[Any], Any]:
    def request_guard(request: Any) -> Any:
        if not _address_decodes(request):
            # No localized page here: locale negotiation itself reads the broken parameters.
            if request.environ.get("PATH_INFO", "").startswith("/api/"):
                return error_response(None, 400, MESSAGE)
            return Response(MESSAGE, status=400, content_type="text/plain", charset="utf-8")
        try:
            _check_size(request)
            _check_text(request)
        except Refused as refused:
            _refuse(request, refused)
        return handler(request)

    return request_guard


def refusal_factory(handler: Callable[[Any], Any], registry: Any) -> Callable[[Any], Any]:
    def refusal(request: Any) -> Any:
        verdict = request.environ.get(REFUSAL)
        if verdict is None:
            return handler(request)
        status, message = verdict
        if status == 413:
            raise HTTPRequestEntityTooLarge(detail=message)
        raise HTTPBadRequest(detail=message)

    return refusal


def accept_uploads(config: Any, route_name: str) -> None:
    """Directive: this route takes a file, so its bodies may reach ``max_upload_bytes``."""
    registry = config.registry
    registry[UPLOAD_ROUTES] = registry.get(UPLOAD_ROUTES, frozenset()) | {route_name}


def includeme(config: Any) -> None:
    config.add_directive("accept_uploads", accept_uploads)
    # Read by pyramid_retry, included next.
    config.registry.settings.setdefault("retry.activate_hook", retry_attempts)
    config.add_tween("partnerstate.tweens.request_guard_factory", under=INGRESS)
    # Just above the view: under the exception view tween, so that its errors are
    # answered like any other.
    config.add_tween("partnerstate.tweens.refusal_factory", under=EXCVIEW)
    # Also answered by the exception views: every route is 503 while the database is away.
    config.add_tween("partnerstate.outage.latch_tween_factory", under=EXCVIEW)
