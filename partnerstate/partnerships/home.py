"""The home page's "deliberations open in your assemblies" section."""

from __future__ import annotations

from typing import Any

from partnerstate.dashboard import SHOWN, Section, localized_item
from partnerstate.i18n import _
from partnerstate.partnerships import membership, services
from partnerstate.partnerships.lifecycle import Status


def home_section(request: Any) -> Section:
    """Partnerships the person may argue about now, the soonest to end first."""
    assembly_ids = membership.assembly_ids(request.db, request.user)
    rows, total = services.open_deliberations(request.db, assembly_ids, SHOWN)
    items = []
    for partnership in rows:
        note = ""
        if partnership.deliberation_ends_at is not None:
            when = request.format_datetime(partnership.deliberation_ends_at)
            note = request.translate(_("Deliberation ends ${when}", mapping={"when": when}))
        url = request.route_url("partnerships.show", id=partnership.id)
        items.append(localized_item(request, partnership.title, partnership.locale, url, note))
    return Section(
        name="deliberations",
        heading=request.translate(_("Deliberations open in your assemblies")),
        items=items,
        total=total,
        more_url=request.route_url(
            "partnerships.list", _query={"status": str(Status.DELIBERATION)}
        ),
        more_label=request.translate(_("All partnerships in deliberation")),
        empty=request.translate(_("No deliberation is open in your assemblies.")),
    )
