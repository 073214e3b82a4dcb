"""Refuse requests whose address, form or JSON is not UTF-8, before anything reads them.

WebOb decodes the path, the query string and form fields lazily and raises
``UnicodeDecodeError`` wherever they are first read: in the router, in locale
negotiation, in a view, and again while the error page itself renders. One stray
byte (``/?q=%ff``) would end as a crash instead of an answer. Checking once, first,
turns it into a plain 400 that needs nothing from the request to render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.response import Response
from pyramid.tweens import INGRESS

from partnerstate.api import error_response

MESSAGE = "Bad request: the address, the form or the JSON body is not valid UTF-8."
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _decodes(request: Any) -> bool:
    try:
        # Each attribute decodes on first access; reading them is the check.
        request.path_info  # noqa: B018
        request.GET  # noqa: B018
        if request.method == "POST" and request.content_type in FORM_TYPES:
            request.POST  # noqa: B018
        elif request.content_type == "application/json":
            # JSON is UTF-8 by definition (RFC 8259); openapi-core crashes on anything else.
            request.body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def utf8_tween_factory(handler: Callable[[Any], Any], registry: Any) -> Callable[[Any], Any]:
    def utf8_tween(request: Any) -> Any:
        if _decodes(request):
            return handler(request)
        # No localized page here: locale negotiation itself reads the broken parameters.
        if request.environ.get("PATH_INFO", "").startswith("/api/"):
            return error_response(None, 400, MESSAGE)
        return Response(MESSAGE, status=400, content_type="text/plain", charset="utf-8")

    return utf8_tween


def includeme(config: Any) -> None:
    config.add_tween("partnerstate.tweens.utf8_tween_factory", under=INGRESS)
