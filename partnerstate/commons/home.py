"""The home page's "commons proposals to validate" section (officials)."""

from __future__ import annotations

from typing import Any

from partnerstate import permissions as perms
from partnerstate.commons import services
from partnerstate.commons import taxonomy as tx
from partnerstate.dashboard import SHOWN, Section, localized_item
from partnerstate.i18n import _


def home_section(request: Any) -> Section | None:
    """Proposals waiting for an official's decision, oldest first (they waited longest)."""
    if not request.has_permission(perms.VALIDATE_COMMONS):
        return None
    query = services.RegisterQuery(status=tx.PROPOSED, sort="oldest")
    rows, _more = services.search(request.db, query, request.user, limit=SHOWN)
    total = services.count(request.db, query, request.user)
    fallback = request.registry["partnerstate.settings"].default_locale
    items = []
    for commons in rows:
        when = request.format_date(commons.created_at)
        note = request.translate(_("Proposed on ${date}", mapping={"date": when}))
        url = request.route_url("commons.show", id=commons.id)
        items.append(localized_item(request, commons.name, fallback, url, note))
    return Section(
        name="commons-proposals",
        heading=request.translate(_("Commons proposals to validate")),
        items=items,
        total=total,
        more_url=request.route_url("commons.list", _query={"status": tx.PROPOSED}),
        more_label=request.translate(_("All proposals")),
        empty=request.translate(_("No commons proposal is waiting for validation.")),
    )
