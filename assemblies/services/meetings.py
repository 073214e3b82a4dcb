"""Meetings: scheduling, changes, cancellation, attendance and minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from assemblies import rules
from assemblies.models import AgendaItem, Assembly, Attendance, Meeting, Membership
from assemblies.services.errors import Conflict
from partnerstate.database import utcnow
from partnerstate.i18n import _
from partnerstate.models import User
from partnerstate.services import audit


def _same(current: Any, new: Any) -> bool:
    """Unchanged as people see it: times to the minute, as the forms show them."""
    if isinstance(current, dt.datetime) and isinstance(new, dt.datetime):
        return current.replace(second=0, microsecond=0) == new.replace(second=0, microsecond=0)
    return bool(current == new)


def _set_agenda(meeting: Meeting, items: list[str]) -> None:
    meeting.agenda = [AgendaItem(position=number, text=text) for number, text in enumerate(items)]


def schedule_meeting(
    db: Session,
    assembly: Assembly,
    actor: User | None,
    data: Mapping[str, Any],
    locale: str,
    tz: ZoneInfo,
) -> Meeting:
    """A new meeting from API-shaped ``data`` (title, starts_at, ends_at?, location,
    online_url?, agenda); raises ``Invalid``. The end defaults to two hours later."""
    values = rules.clean_meeting(data, locale or assembly.default_locale, tz)
    agenda = values.pop("agenda")
    now = utcnow()
    meeting = Meeting(
        assembly_id=assembly.id,
        created_by_id=actor.id if actor is not None else None,
        created_at=now,
        updated_at=now,
        sequence=0,
        **values,
    )
    _set_agenda(meeting, agenda)
    db.add(meeting)
    db.flush()
    if actor is not None:
        audit.record(
            db, actor, "assembly.meeting_schedule", "assembly", assembly.id, meeting_id=meeting.id
        )
    return meeting


def update_meeting(
    db: Session,
    meeting: Meeting,
    actor: User,
    data: Mapping[str, Any],
    locale: str,
    tz: ZoneInfo,
) -> Meeting:
    """Change the fields present in ``data``; calendar applications see a new SEQUENCE."""
    if meeting.cancelled_at is not None:
        raise Conflict(_("This meeting was cancelled."))
    values = rules.clean_meeting(
        data, locale, tz, partial=True, current=(meeting.starts_at, meeting.ends_at)
    )
    if "title" in values and isinstance(data.get("title"), str):
        values["title"] = {
            **{k: v for k, v in meeting.title.items() if k != locale},
            **values["title"],
        }
    agenda = values.pop("agenda", None)
    if agenda is not None and agenda == [item.text for item in meeting.agenda]:
        agenda = None
    values = {c: v for c, v in values.items() if not _same(getattr(meeting, c), v)}
    if agenda is None and not values:
        return meeting  # saved unchanged: calendars must not see a new version
    if agenda is not None:
        _set_agenda(meeting, agenda)
    for column, value in values.items():
        setattr(meeting, column, value)
    meeting.sequence += 1
    meeting.updated_at = utcnow()
    audit.record(
        db, actor, "assembly.meeting_update", "assembly", meeting.assembly_id, meeting_id=meeting.id
    )
    return meeting


def cancel_meeting(db: Session, meeting: Meeting, actor: User) -> Meeting:
    if meeting.cancelled_at is not None:
        raise Conflict(_("This meeting was already cancelled."))
    if meeting.minutes_recorded_at is not None:
        raise Conflict(_("This meeting took place: its minutes are recorded."))
    meeting.cancelled_at = utcnow()
    meeting.sequence += 1
    meeting.updated_at = meeting.cancelled_at
    audit.record(
        db, actor, "assembly.meeting_cancel", "assembly", meeting.assembly_id, meeting_id=meeting.id
    )
    return meeting


def get_meeting(db: Session, assembly_id: int, meeting_id: int) -> Meeting | None:
    meeting = db.get(Meeting, meeting_id)
    if meeting is None or meeting.assembly_id != assembly_id:
        return None
    return meeting


def upcoming_meetings(
    db: Session, assembly_id: int, now: dt.datetime | None = None, limit: int = 50
) -> list[Meeting]:
    """Meetings not yet over (cancelled ones included, marked), soonest first."""
    now = now or utcnow()
    return list(
        db.scalars(
            select(Meeting)
            .options(selectinload(Meeting.agenda))
            .where(Meeting.assembly_id == assembly_id, Meeting.ends_at >= now)
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(limit)
        )
    )


def upcoming_for_member(
    db: Session, user_id: int, limit: int, now: dt.datetime | None = None
) -> tuple[list[Meeting], int]:
    """Meetings not yet over and not cancelled in the person's assemblies: the soonest
    ``limit`` (with their assembly loaded) and how many there are in all."""
    now = now or utcnow()
    mine = select(Membership.assembly_id).where(Membership.user_id == user_id)
    conditions = (
        Meeting.assembly_id.in_(mine),
        Meeting.ends_at >= now,
        Meeting.cancelled_at.is_(None),
    )
    rows = db.scalars(
        select(Meeting)
        .options(selectinload(Meeting.assembly))
        .where(*conditions)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    ).all()
    total = db.scalar(select(func.count(Meeting.id)).where(*conditions))
    return list(rows), int(total or 0)


def past_meetings(
    db: Session,
    assembly_id: int,
    now: dt.datetime | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[Meeting]:
    """Meetings that are over, most recent first (``limit`` of them from ``offset``)."""
    now = now or utcnow()
    return list(
        db.scalars(
            select(Meeting)
            .where(Meeting.assembly_id == assembly_id, Meeting.ends_at < now)
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def all_meetings(db: Session, assembly_id: int, limit: int = 500) -> list[Meeting]:
    """The calendar feed: the latest ``limit`` meetings with their agendas."""
    rows = list(
        db.scalars(
            select(Meeting)
            .options(selectinload(Meeting.agenda))
            .where(Meeting.assembly_id == assembly_id)
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(limit)
        )
    )
    return rows[::-1]


# --- attendance and minutes ------------------------------------------------------------------


def attendance_of(db: Session, meeting: Meeting, user_id: int) -> Attendance | None:
    return db.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.user_id == user_id)
    )


def attendees(db: Session, meeting: Meeting) -> list[Attendance]:
    """Registrations and recorded attendance, by name."""
    rows = list(
        db.scalars(
            select(Attendance)
            .options(selectinload(Attendance.user))
            .where(Attendance.meeting_id == meeting.id)
        )
    )
    rows.sort(key=lambda a: (a.user.display_name.casefold(), a.user_id))
    return rows


def register_attendance(
    db: Session, meeting: Meeting, user: User, now: dt.datetime | None = None
) -> tuple[Attendance, bool]:
    """The person says they will come; ``(attendance, created)``. Harmless twice."""
    now = now or utcnow()
    if meeting.cancelled_at is not None:
        raise Conflict(_("This meeting was cancelled."))
    if meeting.ends_at < now:
        raise Conflict(_("This meeting is over."))
    attendance = attendance_of(db, meeting, user.id)
    if attendance is not None and attendance.registered_at is not None:
        return attendance, False
    if attendance is None:
        attendance = Attendance(meeting_id=meeting.id, user_id=user.id)
        db.add(attendance)
    attendance.registered_at = now
    db.flush()
    return attendance, True


def unregister_attendance(db: Session, meeting: Meeting, user: User) -> None:
    attendance = attendance_of(db, meeting, user.id)
    if attendance is None or attendance.registered_at is None:
        raise Conflict(_("You had not registered for this meeting."))
    if meeting.ends_at < utcnow():
        raise Conflict(_("This meeting is over."))
    if attendance.attended is None:
        db.delete(attendance)
    else:
        attendance.registered_at = None
    db.flush()


def record_minutes(
    db: Session,
    meeting: Meeting,
    actor: User,
    minutes: str,
    attended: Iterable[int],
    now: dt.datetime | None = None,
) -> Meeting:
    """The minutes (Markdown) and who attended: people of the assembly or registered.

    Can be corrected later (the last version counts). Raises ``Conflict`` before
    the meeting starts or for a cancelled one, ``Invalid`` for unknown people.
    """
    now = now or utcnow()
    if meeting.cancelled_at is not None:
        raise Conflict(_("This meeting was cancelled."))
    if meeting.starts_at > now:
        raise Conflict(_("Minutes can be recorded once the meeting has started."))
    text = rules.clean_text(minutes, rules.MAX_MINUTES, "minutes")
    present = set(attended)
    known = set(
        db.scalars(select(Membership.user_id).where(Membership.assembly_id == meeting.assembly_id))
    )
    stored = db.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    rows = {a.user_id: a for a in stored}
    unknown = present - known - set(rows)
    if unknown:
        message = _("Only people of the assembly can be listed as present.")
        raise rules.Invalid(message, {"attended": message})
    for user_id in present:
        row = rows.get(user_id)
        if row is None:
            db.add(Attendance(meeting_id=meeting.id, user_id=user_id, attended=True))
        else:
            row.attended = True
    for user_id, row in rows.items():
        if user_id not in present:
            row.attended = False
    meeting.minutes = text
    meeting.minutes_recorded_at = now
    meeting.minutes_by_id = actor.id
    meeting.updated_at = now
    db.flush()
    audit.record(
        db, actor, "assembly.minutes_record", "assembly", meeting.assembly_id,
        meeting_id=meeting.id, attended=len(present),
    )  # fmt: skip
    return meeting
