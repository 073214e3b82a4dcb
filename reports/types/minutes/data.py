"""Data of the minutes report: a meeting's agenda, attendance, minutes and decisions.

Read through the assemblies package (its meetings service) and, for the decisions,
the votes of the assembly closed on the day of the meeting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from partnerstate.localized import pick
from reports import registry, render


class NotAvailable(LookupError):
    """No such meeting in that assembly."""


def _day_bounds(moment: dt.datetime, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(timezone)
    day = moment.astimezone(zone).date()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def decisions(db: Session, meeting: Any, locale: str, timezone: str) -> list[dict[str, Any]]:
    """The assembly's votes closed on the day of the meeting, with their winners."""
    from deliberation.votes.models import CLOSED, Vote

    start, end = _day_bounds(meeting.starts_at, timezone)
    votes = db.scalars(
        select(Vote)
        .where(
            Vote.assembly_id == meeting.assembly_id,
            Vote.status == CLOSED,
            Vote.closed_at >= start,
            Vote.closed_at < end,
        )
        .order_by(Vote.closed_at, Vote.id)
    )
    found = []
    for vote in votes:
        labels = {str(o.id): o.display_label(locale) for o in vote.options}
        result = vote.result or {}
        found.append(
            {
                "title": vote.display_title(locale),
                "winners": [labels.get(str(w), str(w)) for w in result.get("winners") or []],
                "outcome": result.get("outcome"),
                "turnout": result.get("turnout") or {},
                "closed_at": vote.closed_at,
                "id": vote.id,
            }
        )
    return found


def build(
    db: Session,
    assembly_id: int,
    meeting_id: int,
    *,
    locale: str,
    base_url: str,
    timezone: str = render.DEFAULT_TIMEZONE,
    with_names: bool = False,
) -> registry.ReportData:
    """``with_names``: list who attended (for those allowed to see the assembly's members)."""
    from assemblies.services import meetings

    meeting = meetings.get_meeting(db, assembly_id, meeting_id)
    if meeting is None:
        raise NotAvailable(meeting_id)
    assembly = meeting.assembly
    attendance = meetings.attendees(db, meeting)
    present = [a for a in attendance if a.attended]
    title = meeting.display_title(locale)
    return registry.ReportData(
        context={
            "meeting": meeting,
            "title": title,
            "assembly_name": pick(assembly.name, locale, assembly.default_locale),
            "city": assembly.city,
            "agenda": [item.text for item in meeting.agenda],
            "minutes": meeting.minutes,
            "recorded": meeting.minutes_recorded_at is not None,
            "present": [a.user.display_name for a in present] if with_names else [],
            "present_count": len(present),
            "registered_count": sum(1 for a in attendance if a.registered_at is not None),
            "with_names": with_names,
            "decisions": decisions(db, meeting, locale, timezone),
            "meeting_url": f"{base_url}/assemblies/{assembly_id}/meetings/{meeting_id}",
            "timezone": timezone,
        },
        locale=locale,
        title=title,
        filename=f"minutes-{assembly_id}-{meeting_id}-{locale}.pdf",
    )
