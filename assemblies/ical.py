"""iCalendar (RFC 5545) files for meetings, built with the ``icalendar`` package.

Times are written in the site's time zone (``DTSTART;TZID=Europe/Paris:…``) with
the matching ``VTIMEZONE``, limited to the years the meetings span so the file
stays small; a site running on UTC writes UTC times (``…Z``) instead. No
Pyramid and no SQLAlchemy here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//partnerstate//assemblies of the commons//EN"
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT"})


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    updated_at: dt.datetime
    sequence: int = 0
    location: str = ""
    url: str = ""
    description: str = ""
    cancelled: bool = False


def _local(value: dt.datetime, tz: ZoneInfo | None) -> dt.datetime:
    value = value.astimezone(dt.UTC)
    return value if tz is None else value.astimezone(tz)


def build_calendar(
    events: Iterable[CalendarEvent],
    tz: ZoneInfo,
    name: str = "",
    url: str = "",
    uid: str | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """A VCALENDAR holding one VEVENT per event (an empty feed is still valid).

    ``uid`` names the calendar itself (stable for a feed, so that applications
    recognise it on every refresh).
    """
    zone = None if tz.key in UTC_NAMES else tz
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        name=name or None,
        url=url or None,
        uid=uid,
        calscale="GREGORIAN",
        method="PUBLISH",
    )
    events = list(events)
    for event in events:
        component = icalendar.Event.new(
            uid=event.uid,
            summary=event.title,
            start=_local(event.starts_at, zone),
            end=_local(event.ends_at, zone),
            stamp=stamp,
            last_modified=event.updated_at.astimezone(dt.UTC).replace(microsecond=0),
            sequence=event.sequence,
            location=event.location or None,
            url=event.url or None,
            description=event.description or None,
            status=icalendar.STATUS.CANCELLED if event.cancelled else icalendar.STATUS.CONFIRMED,
        )
        calendar.add_component(component)
    if zone is not None and events:
        first = min(e.starts_at for e in events).astimezone(zone).date()
        last = max(e.ends_at for e in events).astimezone(zone).date()
        calendar.add_missing_timezones(
            first_date=dt.date(first.year - 1, 1, 1), last_date=dt.date(last.year + 1, 12, 31)
        )
    return calendar.to_ical()
