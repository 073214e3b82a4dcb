"""Other reports as PDF: a closed vote's result, a meeting's minutes.

Both are rendered on request in the page's language, through the report registry;
what they print never changes once published (a vote's result is written once at
its close), so caches may keep the PDF for a while.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from partnerstate import permissions as perms
from reports import registry
from reports.views.pages import pdf_response


def _settings(request: Any) -> Any:
    return request.registry["partnerstate.settings"]


def _render(request: Any, name: str, *args: Any, **params: Any) -> Response:
    report_type = registry.get(name)
    try:
        report = report_type.build(
            request.db,
            *args,
            locale=request.locale_name,
            base_url=request.application_url,
            timezone=_settings(request).timezone,
            **params,
        )
    except LookupError:
        raise HTTPNotFound() from None
    response = pdf_response(report_type.render_pdf(report), report.filename)
    response.cache_control.max_age = 3600
    return response


@view_config(route_name="reports.vote", request_method="GET", permission=perms.VIEW)
def vote_report(request: Any) -> Response:
    """``/votes/{id}/report.pdf``: the published result (anyone, once the vote is closed)."""
    return _render(request, "vote_result", request.context.vote.id)


@view_config(route_name="reports.minutes", request_method="GET", permission=perms.VIEW)
def minutes_report(request: Any) -> Response:
    """``/assemblies/{id}/meetings/{mid}/minutes.pdf``: agenda, attendance, minutes, decisions.

    The assemblies package's meeting context finds the meeting (404 otherwise); the
    names of those present are printed for whoever may see the assembly's members.
    """
    meeting = request.context.meeting
    return _render(
        request,
        "minutes",
        meeting.assembly_id,
        meeting.id,
        with_names=request.has_permission(perms.VIEW_MEMBERS),
    )
