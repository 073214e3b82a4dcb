"""Pages of meetings: the list, a meeting, scheduling, attendance, minutes, iCalendar files."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from assemblies import ical, rules, services
from assemblies.forms import (
    MeetingForm,
    MinutesForm,
    apply_errors,
    fill_meeting_form,
    meeting_data,
)
from assemblies.models import Assembly, Meeting
from assemblies.views.common import assembly_name, can, flash, meeting_title, site_tz
from partnerstate import permissions as perms
from partnerstate.database import utcnow
from partnerstate.i18n import _
from partnerstate.markup import render_markdown
from partnerstate.paging import page_number
from partnerstate.services import accounts

# Up to this many people, the minutes form lists every person of the assembly.
MAX_LISTED = 300


def _meeting_url(request: Any, meeting: Meeting) -> str:
    return request.route_url("assemblies.meeting", id=meeting.assembly_id, mid=meeting.id)


PAST_PAGE_SIZE = 20


@view_config(route_name="assemblies.meetings", renderer="assemblies/meetings.jinja2")
def meetings_page(request: Any) -> dict[str, Any]:
    assembly = request.context.assembly
    # Years of monthly meetings: the past ones come a page at a time.
    page = page_number(request)
    past = services.past_meetings(
        request.db, assembly.id, limit=PAST_PAGE_SIZE + 1, offset=(page - 1) * PAST_PAGE_SIZE
    )

    def page_url(number: int) -> str:
        return request.route_url("assemblies.meetings", id=assembly.id, _query={"page": number})

    return {
        "assembly": assembly,
        "name": assembly_name(request, assembly),
        "first_page": page == 1,
        "upcoming": services.upcoming_meetings(request.db, assembly.id) if page == 1 else [],
        "past": past[:PAST_PAGE_SIZE],
        "previous_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if len(past) > PAST_PAGE_SIZE else None,
        "title": lambda meeting: meeting_title(request, meeting),
        "can_schedule": can(request, perms.SCHEDULE_MEETING),
    }


def _form_page(request: Any, form: MeetingForm, meeting: Meeting | None) -> dict[str, Any]:
    assembly = request.context.assembly
    return {
        "assembly": assembly,
        "name": assembly_name(request, assembly),
        "form": form,
        "meeting": meeting,
        "meeting_title": meeting_title(request, meeting) if meeting else None,
        "timezone": site_tz(request).key,
    }


def _rule_errors(request: Any, form: MeetingForm, meeting: Meeting | None) -> None:
    """The rules' messages on a form WTForms refused, so that every problem shows at once.

    They judge what the form could read (an unreadable date is left out): the same
    ``rules.clean_meeting`` that scheduling and updating run, with nothing saved.
    """
    current = (meeting.starts_at, meeting.ends_at) if meeting else None
    try:
        rules.clean_meeting(
            meeting_data(form),
            request.locale_name,
            site_tz(request),
            partial=meeting is not None,
            current=current,
        )
    except rules.Invalid as error:
        apply_errors(form, error, request.locale_name)


@view_config(
    route_name="assemblies.meeting_new",
    renderer="assemblies/meeting_form.jinja2",
    permission=perms.SCHEDULE_MEETING,
)
def new_meeting(request: Any) -> Any:
    assembly = request.context.assembly
    form = MeetingForm.from_request(request)
    if request.method == "POST":
        if not form.validate():
            _rule_errors(request, form, None)
        else:
            try:
                meeting = services.schedule_meeting(
                    request.db,
                    assembly,
                    request.user,
                    meeting_data(form),
                    request.locale_name,
                    site_tz(request),
                )
            except rules.Invalid as error:
                apply_errors(form, error, request.locale_name)
            else:
                flash(request, _("The meeting was scheduled."))
                return HTTPSeeOther(_meeting_url(request, meeting))
        request.response.status = 422
    return _form_page(request, form, None)


@view_config(
    route_name="assemblies.meeting_edit",
    renderer="assemblies/meeting_form.jinja2",
    permission=perms.SCHEDULE_MEETING,
)
def edit_meeting(request: Any) -> Any:
    meeting = request.context.meeting
    if meeting.cancelled_at is not None:
        flash(request, _("This meeting was cancelled."), "error")
        return HTTPSeeOther(_meeting_url(request, meeting))
    form = MeetingForm.from_request(request)
    if request.method == "GET":
        fill_meeting_form(form, meeting, site_tz(request))
    else:
        if not form.validate():
            _rule_errors(request, form, meeting)
        else:
            try:
                services.update_meeting(
                    request.db,
                    meeting,
                    request.user,
                    meeting_data(form),
                    request.locale_name,
                    site_tz(request),
                )
            except rules.Invalid as error:
                apply_errors(form, error, request.locale_name)
            else:
                flash(request, _("The meeting was saved."))
                return HTTPSeeOther(_meeting_url(request, meeting))
        request.response.status = 422
    return _form_page(request, form, meeting)


@view_config(
    route_name="assemblies.meeting_cancel",
    permission=perms.SCHEDULE_MEETING,
    request_method="POST",
)
def cancel_meeting(request: Any) -> Any:
    meeting = request.context.meeting
    try:
        services.cancel_meeting(request.db, meeting, request.user)
    except services.Conflict as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("The meeting was cancelled."))
    return HTTPSeeOther(_meeting_url(request, meeting))


@view_config(route_name="assemblies.meeting", renderer="assemblies/meeting.jinja2")
def meeting_page(request: Any) -> dict[str, Any]:
    meeting = request.context.meeting
    assembly = request.context.assembly
    db = request.db
    now = utcnow()
    mine = services.attendance_of(db, meeting, request.user.id) if request.user else None
    rows = services.attendees(db, meeting)
    return {
        "assembly": assembly,
        "name": assembly_name(request, assembly),
        "meeting": meeting,
        "title": meeting_title(request, meeting),
        "minutes_html": render_markdown(meeting.minutes) if meeting.minutes else None,
        "registered": [a for a in rows if a.registered_at is not None],
        "present": [a for a in rows if a.attended],
        "mine": mine,
        "is_over": meeting.ends_at < now,
        "has_started": meeting.starts_at <= now,
        "can_attend": can(request, perms.ATTEND_MEETING),
        "can_schedule": can(request, perms.SCHEDULE_MEETING),
        "can_minutes": can(request, perms.RECORD_MINUTES),
        "can_view_members": can(request, perms.VIEW_MEMBERS),
        "timezone": site_tz(request).key,
    }


@view_config(
    route_name="assemblies.meeting_attendance",
    permission=perms.ATTEND_MEETING,
    request_method="POST",
)
def attendance(request: Any) -> Any:
    """Register for the meeting (``action=register``) or take it back (``unregister``)."""
    meeting = request.context.meeting
    action = request.POST.get("action")
    if action not in ("register", "unregister"):
        raise HTTPBadRequest(request.translate(_("Choose to register or to unregister.")))
    try:
        if action == "unregister":
            services.unregister_attendance(request.db, meeting, request.user)
            flash(request, _("You are no longer registered for this meeting."))
        else:
            services.register_attendance(request.db, meeting, request.user)
            flash(request, _("You are registered for this meeting."))
    except services.Conflict as error:
        flash(request, error.message, "error")
    return HTTPSeeOther(_meeting_url(request, meeting))


@view_config(
    route_name="assemblies.meeting_minutes",
    renderer="assemblies/minutes.jinja2",
    permission=perms.RECORD_MINUTES,
)
def minutes(request: Any) -> Any:
    """The minutes and who was present.

    The checkboxes list the people of the assembly (for a large one: its
    facilitators) and everyone registered or already marked present; anyone else
    present is named by the email of their account.
    """
    meeting = request.context.meeting
    assembly = request.context.assembly
    db = request.db
    people: dict[int, Any] = {}
    small = services.count_members(db, assembly.id) <= MAX_LISTED
    listed = services.members(db, assembly.id, None if small else rules.FACILITATOR)
    for membership in listed:
        people[membership.user_id] = membership.user
    rows = services.attendees(db, meeting)
    for row in rows:
        people.setdefault(row.user_id, row.user)
    ordered = sorted(people.values(), key=lambda u: (u.display_name.casefold(), u.id))
    form = MinutesForm.from_request(request)
    form.attended.choices = [(user.id, user.display_name) for user in ordered]
    if request.method == "GET":
        form.minutes.data = meeting.minutes or ""
        form.attended.data = [row.user_id for row in rows if row.attended] or [
            row.user_id for row in rows if row.registered_at is not None
        ]
    elif form.validate():
        present = list(form.attended.data or [])
        unknown = []
        for email in (form.others.data or "").split():
            user = accounts.find_user_by_email(db, email)
            if user is None:
                unknown.append(email)
            else:
                present.append(user.id)
        try:
            if unknown:
                message = _(
                    "No account has these email addresses: ${emails}.",
                    mapping={"emails": ", ".join(unknown[:5])},
                )
                raise rules.Invalid(message, {"others": message})
            services.record_minutes(db, meeting, request.user, form.minutes.data, present)
        except services.Conflict as error:
            flash(request, error.message, "error")
            return HTTPSeeOther(_meeting_url(request, meeting))
        except rules.Invalid as error:
            name = next(iter(error.fields))
            form.add_error(name if name in form else "minutes", error.fields[name])
        else:
            flash(request, _("The minutes were saved."))
            return HTTPSeeOther(_meeting_url(request, meeting))
        request.response.status = 422
    else:
        request.response.status = 422
    registered = {row.user_id for row in rows if row.registered_at is not None}
    return {
        "assembly": assembly,
        "name": assembly_name(request, assembly),
        "meeting": meeting,
        "title": meeting_title(request, meeting),
        "form": form,
        "people": ordered,
        "registered": registered,
        "selected": set(form.attended.data or []),
        "not_started": meeting.starts_at > utcnow(),
        "small": small,
    }


# --- iCalendar -------------------------------------------------------------------------------


def _event(request: Any, meeting: Meeting) -> ical.CalendarEvent:
    title = meeting_title(request, meeting)
    lines = []
    if meeting.agenda:
        lines.append(request.translate(_("Agenda:")))
        lines += [f"{number}. {item.text}" for number, item in enumerate(meeting.agenda, 1)]
    if meeting.online_url:
        lines += ["", request.translate(_("Online: ${url}", mapping={"url": meeting.online_url}))]
    url = _meeting_url(request, meeting)
    lines += ["", url]
    return ical.CalendarEvent(
        uid=f"meeting-{meeting.id}@{request.host.split(':')[0]}",
        title=title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        updated_at=meeting.updated_at,
        sequence=meeting.sequence,
        location=meeting.location or meeting.online_url,
        url=url,
        description="\n".join(lines).strip(),
        cancelled=meeting.cancelled_at is not None,
    )


def _ics_response(body: bytes, filename: str) -> Response:
    response = Response(body=body, content_type="text/calendar")
    response.charset = "utf-8"
    response.content_disposition = f'inline; filename="{filename}"'
    return response


@view_config(route_name="assemblies.meeting_ics")
def meeting_ics(request: Any) -> Response:
    """One meeting as an RFC 5545 file (add it to a calendar application)."""
    meeting = request.context.meeting
    assembly: Assembly = request.context.assembly
    body = ical.build_calendar(
        [_event(request, meeting)],
        site_tz(request),
        name=assembly_name(request, assembly),
        uid=f"meeting-{meeting.id}-calendar@{request.host.split(':')[0]}",
    )
    return _ics_response(body, f"meeting-{meeting.id}.ics")


@view_config(route_name="assemblies.calendar")
def calendar_feed(request: Any) -> Response:
    """Every meeting of the assembly: a feed calendar applications subscribe to."""
    assembly: Assembly = request.context.assembly
    meetings = services.all_meetings(request.db, assembly.id)
    body = ical.build_calendar(
        [_event(request, meeting) for meeting in meetings],
        site_tz(request),
        name=assembly_name(request, assembly),
        url=request.route_url("assemblies.show", id=assembly.id),
        uid=f"assembly-{assembly.id}@{request.host.split(':')[0]}",
    )
    return _ics_response(body, f"assembly-{assembly.id}.ics")
