"""The home page's "charters awaiting your signature" section."""

from __future__ import annotations

from typing import Any

from partnerstate.dashboard import SHOWN, Item, Section
from partnerstate.i18n import _
from reports import services


def home_section(request: Any) -> Section:
    """Charters the person may sign now (an official: every charter awaiting signatures)."""
    rows, total = services.awaiting_signature(request.db, request.user, SHOWN)
    items = []
    for item in rows:
        note = request.translate(
            _("Issued on ${date}", mapping={"date": request.format_date(item.issued_at)})
        )
        url = request.route_url("charters.show", id=item.id)
        # The title is in the charter's own language.
        lang = item.locale if item.locale != request.locale_name else None
        items.append(Item(label=item.title, url=url, note=note, lang=lang))
    return Section(
        name="charters",
        heading=request.translate(_("Charters awaiting your signature")),
        items=items,
        total=total,
        more_url=request.route_url("charters.list"),
        more_label=request.translate(_("All charters")),
        empty=request.translate(_("No charter is waiting for your signature.")),
    )
