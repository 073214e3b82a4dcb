"""The home page's sections from assemblies: join requests to decide, meetings coming up."""

from __future__ import annotations

from typing import Any

from assemblies import services
from partnerstate.dashboard import SHOWN, Item, Section, localized_item
from partnerstate.i18n import _
from partnerstate.localized import pick


def _all_in(request: Any, assembly_ids: set[int], route: str) -> str:
    """The full list: that assembly's page when every row is of one assembly, else all."""
    if len(assembly_ids) == 1:
        return request.route_url(route, id=next(iter(assembly_ids)))
    return request.route_url("assemblies.list")


def join_requests_section(request: Any) -> Section | None:
    """Requests to join the assemblies the person facilitates; absent for others."""
    user = request.user
    rows, total = services.requests_to_decide(request.db, user.id, SHOWN)
    if not total and not services.facilitates_any(request.db, user.id):
        return None
    items = []
    for join_request in rows:
        assembly = join_request.assembly
        label = request.translate(
            _(
                "${name} asks to join ${assembly}",
                mapping={
                    "name": join_request.user.display_name,
                    "assembly": pick(assembly.name, request.locale_name, assembly.default_locale),
                },
            )
        )
        note = request.translate(
            _("Asked on ${date}", mapping={"date": request.format_date(join_request.created_at)})
        )
        url = request.route_url("assemblies.members", id=assembly.id)
        items.append(Item(label=label, url=url, note=note))
    return Section(
        name="join-requests",
        heading=request.translate(_("Requests to join to decide")),
        items=items,
        total=total,
        more_url=_all_in(request, {r.assembly_id for r in rows}, "assemblies.members"),
        more_label=request.translate(_("Members and requests")),
        empty=request.translate(_("No request to join is waiting for your decision.")),
    )


def meetings_section(request: Any) -> Section:
    """The next meetings of the person's assemblies, soonest first."""
    rows, total = services.upcoming_for_member(request.db, request.user.id, SHOWN)
    items = []
    for meeting in rows:
        assembly = meeting.assembly
        fallback = assembly.default_locale
        note = request.translate(
            _(
                "${when}, ${assembly}",
                mapping={
                    "when": request.format_datetime(meeting.starts_at),
                    "assembly": pick(assembly.name, request.locale_name, fallback),
                },
            )
        )
        url = request.route_url("assemblies.meeting", id=assembly.id, mid=meeting.id)
        items.append(localized_item(request, meeting.title, fallback, url, note))
    return Section(
        name="meetings",
        heading=request.translate(_("Meetings coming up")),
        items=items,
        total=total,
        more_url=_all_in(request, {m.assembly_id for m in rows}, "assemblies.meetings"),
        more_label=request.translate(_("All meetings")),
        empty=request.translate(_("No meeting is planned in your assemblies.")),
    )
