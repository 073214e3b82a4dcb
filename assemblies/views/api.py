"""JSON API of the assemblies (paths and fields fixed by CONTRACT.md and openapi.yaml).

Bodies are validated against ``openapi.yaml`` before these views run; the views
map the services' exceptions to the contract's statuses. Failed verification
attempts are *returned* as error responses (not raised) so that the attempt
count is committed.
"""

from __future__ import annotations

from typing import Any

from assemblies import rules, services
from assemblies.models import Assembly, JoinRequest, Meeting, Membership
from assemblies.services import email_invitations
from assemblies.views.common import site_tz
from partnerstate import permissions as perms
from partnerstate.api import ApiError, api_config, error_response
from partnerstate.i18n import LOCALES, _
from partnerstate.ids import parse_id
from partnerstate.localized import pick
from partnerstate.views.throttling import client_address

PAGE_SIZE = 50


def _invalid(error: rules.Invalid) -> ApiError:
    return ApiError(422, error.message, fields=error.fields)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _text(request: Any, assembly: Assembly, value: Any) -> str:
    return pick(value, request.locale_name, assembly.default_locale)


def meeting_json(request: Any, meeting: Meeting) -> dict[str, Any]:
    assembly = meeting.assembly
    attendance = meeting.attendance
    return {
        "id": meeting.id,
        "assembly_id": meeting.assembly_id,
        "title": _text(request, assembly, meeting.title),
        "translations": {"title": meeting.title},
        "starts_at": _iso(meeting.starts_at),
        "ends_at": _iso(meeting.ends_at),
        "location": meeting.location,
        "online_url": meeting.online_url or None,
        "agenda": [item.text for item in meeting.agenda],
        "cancelled": meeting.cancelled_at is not None,
        "minutes": meeting.minutes,
        "registered": sum(1 for a in attendance if a.registered_at is not None),
        "attended": sum(1 for a in attendance if a.attended),
        "url": request.route_url("assemblies.meeting", id=meeting.assembly_id, mid=meeting.id),
        "ics_url": request.route_url(
            "assemblies.meeting_ics", id=meeting.assembly_id, mid=meeting.id
        ),
    }


def assembly_json(request: Any, assembly: Assembly, detail: bool = True) -> dict[str, Any]:
    db = request.db
    counts = services.role_counts(db, assembly.id)
    body: dict[str, Any] = {
        "id": assembly.id,
        "name": _text(request, assembly, assembly.name),
        "city": assembly.city,
        "default_locale": assembly.default_locale,
        "members_count": sum(counts.values()),
        "url": request.route_url("assemblies.show", id=assembly.id),
    }
    if not detail:
        return body
    body.update(
        {
            "description": _text(request, assembly, assembly.description),
            "translations": {"name": assembly.name, "description": assembly.description},
            "quorum_percent": assembly.quorum_percent,
            "join_policy": assembly.join_policy,
            "requires_verification": assembly.requires_verification,
            "roles": counts,
            "upcoming_meetings": [
                meeting_json(request, m)
                for m in services.upcoming_meetings(db, assembly.id, limit=10)
            ],
            "calendar_url": request.route_url("assemblies.calendar", id=assembly.id),
        }
    )
    user = request.user
    if user is not None:
        latest = services.latest_request(db, assembly.id, user.id)
        body["me"] = {
            "role": services.membership_role(db, assembly.id, user.id),
            "request_status": latest.status if latest is not None else None,
            "request_reason": latest.reason if latest is not None else None,
            "verified": services.is_verified(db, assembly.id, user.id),
            "eligible_voter": services.is_eligible_voter(db, assembly, user),
        }
    return body


def membership_json(
    request: Any, membership: Membership, verified: bool, with_email: bool
) -> dict[str, Any]:
    body = {
        "user_id": membership.user_id,
        "name": membership.user.display_name,
        "role": membership.role,
        "verified": verified,
        "since": _iso(membership.created_at),
    }
    if with_email:
        body["email"] = membership.user.email
    return body


def request_json(join_request: JoinRequest) -> dict[str, Any]:
    return {
        "id": join_request.id,
        "user_id": join_request.user_id,
        "name": join_request.user.display_name,
        "status": join_request.status,
        "message": join_request.message,
        "reason": join_request.reason,
        "created_at": _iso(join_request.created_at),
        "decided_at": _iso(join_request.decided_at),
    }


# --- assemblies ----------------------------------------------------------------------------


@api_config(route_name="api.assemblies", request_method="GET")
def list_assemblies(request: Any) -> dict[str, Any]:
    params = request.openapi_validated.parameters.query
    page = int(params.get("page") or 1)
    items, more = services.list_assemblies(
        request.db, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return {
        "items": [assembly_json(request, a, detail=False) for a in items],
        "next": request.route_url("api.assemblies", _query={"page": page + 1}) if more else None,
    }


@api_config(route_name="api.assemblies", request_method="POST", permission=perms.CREATE_ASSEMBLY)
def create_assembly(request: Any) -> dict[str, Any]:
    body = request.openapi_validated.body
    try:
        assembly = services.create_assembly(
            request.db,
            body["name"],
            body.get("city") or "",
            body.get("default_locale") or request.locale_name,
            description=body.get("description"),
            quorum_percent=body.get("quorum_percent"),
            join_policy=body.get("join_policy") or rules.OPEN,
            requires_verification=bool(body.get("requires_verification", False)),
            creator=request.user,
            locales=tuple(LOCALES),
        )
    except rules.Invalid as error:
        raise _invalid(error) from None
    request.response.status = 201
    request.response.headers["Location"] = request.route_url("api.assembly", id=assembly.id)
    return assembly_json(request, assembly)


@api_config(route_name="api.assembly", request_method="GET", permission=perms.VIEW)
def show_assembly(request: Any) -> dict[str, Any]:
    return assembly_json(request, request.context.assembly)


@api_config(route_name="api.assembly", request_method="PATCH", permission=perms.EDIT_ASSEMBLY)
def update_assembly(request: Any) -> dict[str, Any]:
    assembly = request.context.assembly
    body = dict(request.openapi_validated.body)
    locale = body.pop("locale", None) or assembly.default_locale
    try:
        services.update_assembly(
            request.db, assembly, request.user, body, locale, locales=tuple(LOCALES)
        )
    except rules.Invalid as error:
        raise _invalid(error) from None
    return assembly_json(request, assembly)


# --- members ---------------------------------------------------------------------------------


@api_config(route_name="api.assembly.members", request_method="GET", permission=perms.VIEW_MEMBERS)
def list_members(request: Any) -> dict[str, Any]:
    """The assembly's people, by role then name, 100 a page."""
    assembly = request.context.assembly
    page = int(request.openapi_validated.parameters.query.get("page") or 1)
    size = 100
    memberships = services.members(
        request.db, assembly.id, limit=size + 1, offset=(page - 1) * size
    )
    more, memberships = len(memberships) > size, memberships[:size]
    verified = services.verified_user_ids(
        request.db, assembly.id, among=[m.user_id for m in memberships]
    )
    with_email = bool(request.has_permission(perms.MANAGE_MEMBERS))
    next_url = None
    if more:
        next_url = request.route_url(
            "api.assembly.members", id=assembly.id, _query={"page": page + 1}
        )
    return {
        "items": [
            membership_json(request, m, m.user_id in verified, with_email) for m in memberships
        ],
        "next": next_url,
    }


@api_config(
    route_name="api.assembly.members", request_method="POST", permission=perms.MANAGE_MEMBERS
)
def add_member(request: Any) -> dict[str, Any]:
    """201 when added; 200 when the person already has that role; 409 with another role."""
    assembly = request.context.assembly
    body = request.openapi_validated.body
    try:
        membership, created = services.add_member_by_email(
            request.db, assembly, body["email"], body["role"], request.user
        )
    except services.NotFound as error:
        raise ApiError(404, error.message, fields={"email": error.message}) from None
    except services.AlreadyMember as error:
        raise ApiError(409, error.message, fields={"role": error.message}) from None
    request.response.status = 201 if created else 200
    verified = services.is_verified(request.db, assembly.id, membership.user_id)
    return membership_json(request, membership, verified, with_email=True)


def _user_id(request: Any) -> int:
    user_id = parse_id(request.matchdict.get("uid"))
    if user_id is None:
        raise ApiError(404, _("This person is not a member of the assembly."))
    return user_id


@api_config(route_name="api.assembly.member", request_method="GET", permission=perms.VIEW_MEMBERS)
def show_member(request: Any) -> dict[str, Any]:
    assembly = request.context.assembly
    membership = services.get_membership(request.db, assembly.id, _user_id(request))
    if membership is None:
        raise ApiError(404, _("This person is not a member of the assembly."))
    verified = services.is_verified(request.db, assembly.id, membership.user_id)
    with_email = bool(request.has_permission(perms.MANAGE_MEMBERS))
    return membership_json(request, membership, verified, with_email)


@api_config(
    route_name="api.assembly.member", request_method="PATCH", permission=perms.MANAGE_MEMBERS
)
def change_role(request: Any) -> dict[str, Any]:
    assembly = request.context.assembly
    try:
        membership = services.change_role(
            request.db,
            assembly,
            _user_id(request),
            request.openapi_validated.body["role"],
            request.user,
        )
    except services.NotFound as error:
        raise ApiError(404, error.message) from None
    verified = services.is_verified(request.db, assembly.id, membership.user_id)
    return membership_json(request, membership, verified, with_email=True)


@api_config(
    route_name="api.assembly.member_removal",
    request_method="POST",
    permission=perms.MANAGE_MEMBERS,
)
def remove_member(request: Any) -> dict[str, Any]:
    """Remove with a reason (audit-logged, shown to the person)."""
    assembly = request.context.assembly
    user_id = _user_id(request)
    try:
        services.remove_member(
            request.db, assembly, user_id, request.user, request.openapi_validated.body["reason"]
        )
    except services.NotFound as error:
        raise ApiError(404, error.message) from None
    except rules.Invalid as error:
        raise _invalid(error) from None
    return {"user_id": user_id, "status": "removed"}


@api_config(route_name="api.assembly.join", request_method="POST", permission=perms.JOIN_ASSEMBLY)
def join(request: Any) -> dict[str, Any]:
    """Ask to join: 202 ``{status: "pending"}`` (the same request when asked again)."""
    assembly = request.context.assembly
    body = request.openapi_validated.body or {}
    try:
        join_request, _created = services.request_to_join(
            request.db, assembly, request.user, body.get("message") or ""
        )
    except services.AlreadyMember as error:
        raise ApiError(409, error.message) from None
    except rules.Invalid as error:
        raise _invalid(error) from None
    request.response.status = 202
    return {"id": join_request.id, "status": join_request.status}


@api_config(route_name="api.assembly.leave", request_method="POST", permission=perms.LEAVE_ASSEMBLY)
def leave(request: Any) -> dict[str, Any]:
    assembly = request.context.assembly
    try:
        services.leave(request.db, assembly, request.user)
    except services.Conflict as error:  # pragma: no cover - the ACL requires a role
        raise ApiError(409, error.message) from None
    return {"status": "left"}


@api_config(
    route_name="api.assembly.requests", request_method="GET", permission=perms.MANAGE_MEMBERS
)
def list_requests(request: Any) -> dict[str, Any]:
    assembly = request.context.assembly
    return {
        "items": [request_json(r) for r in services.pending_requests(request.db, assembly.id)],
        "next": None,
    }


def _join_request(request: Any) -> JoinRequest:
    request_id = parse_id(request.matchdict.get("rid"))
    join_request = (
        services.get_request(request.db, request.context.assembly.id, request_id)
        if request_id
        else None
    )
    if join_request is None:
        raise ApiError(404, _("There is no such request to join."))
    return join_request


@api_config(
    route_name="api.assembly.request_approve",
    request_method="POST",
    permission=perms.MANAGE_MEMBERS,
)
def approve(request: Any) -> dict[str, Any]:
    join_request = _join_request(request)
    body = request.openapi_validated.body or {}
    try:
        services.approve_request(
            request.db, join_request, request.user, body.get("role") or rules.MEMBER
        )
    except services.Conflict as error:
        raise ApiError(409, error.message) from None
    return request_json(join_request)


@api_config(
    route_name="api.assembly.request_refuse",
    request_method="POST",
    permission=perms.MANAGE_MEMBERS,
)
def refuse(request: Any) -> dict[str, Any]:
    join_request = _join_request(request)
    try:
        services.refuse_request(
            request.db, join_request, request.user, request.openapi_validated.body["reason"]
        )
    except services.Conflict as error:
        raise ApiError(409, error.message) from None
    except rules.Invalid as error:
        raise _invalid(error) from None
    return request_json(join_request)


# --- resident verification -------------------------------------------------------------------


def _attempt_failed(request: Any, error: Exception) -> Any:
    """The response for a failed attempt, returned (not raised) so the count is kept."""
    if isinstance(error, services.Throttled):
        return error_response(
            request, 429, error.message, headers={"Retry-After": str(error.retry_after)}
        )
    if isinstance(error, rules.Invalid):
        return error_response(request, 422, error.message, fields=error.fields)
    assert isinstance(error, services.Conflict)
    return error_response(request, 409, error.message)


@api_config(
    route_name="api.assembly.verification",
    request_method="POST",
    permission=perms.VERIFY_RESIDENCE,
)
def verify(request: Any) -> Any:
    """Match one's own census data: 200 ``{verified: true, method}``."""
    assembly = request.context.assembly
    body = request.openapi_validated.body
    key = assembly.census_key or "postcode"
    try:
        record = services.verify_with_census(
            request.db,
            assembly,
            request.user,
            body["identifier"],
            body.get(key) or "",
            address=client_address(request),
        )
    except (services.Throttled, rules.Invalid, services.Conflict) as error:
        return _attempt_failed(request, error)
    return {"verified": True, "method": record.method}


@api_config(
    route_name="api.assembly.invitations",
    request_method="POST",
    permission=perms.MANAGE_MEMBERS,
)
def invitations(request: Any) -> dict[str, Any]:
    """With ``email``: an invitation by mail (officials and facilitators); without: codes
    (officials only, who alone may vouch for residents)."""
    body = request.openapi_validated.body or {}
    if "email" in body:
        return invite(request)
    if not request.has_permission(perms.MANAGE_RESIDENTS):
        raise ApiError(403, _("Only officials issue invitation codes."))
    return issue_invitations(request)


def issue_invitations(request: Any) -> dict[str, Any]:
    """Issue single-use codes: 201 ``{codes}`` (shown only in this response)."""
    assembly = request.context.assembly
    body = request.openapi_validated.body or {}
    try:
        codes = services.issue_invitations(
            request.db,
            assembly,
            request.user,
            int(body.get("count", 1)),
            body.get("note") or "",
            body.get("role") or rules.MEMBER,
        )
    except rules.Invalid as error:
        raise _invalid(error) from None
    request.response.status = 201
    request.response.headers["Cache-Control"] = "no-store"
    return {"codes": codes}


@api_config(
    route_name="api.assembly.redeem", request_method="POST", permission=perms.VERIFY_RESIDENCE
)
def redeem(request: Any) -> Any:
    """Use a code: 200 ``{role, verified: true}``; the person joins if not yet a member."""
    assembly = request.context.assembly
    try:
        membership, _record = services.redeem_invitation(
            request.db,
            assembly,
            request.user,
            request.openapi_validated.body["code"],
            client_address(request),
        )
    except (services.Throttled, rules.Invalid, services.Conflict) as error:
        return _attempt_failed(request, error)
    return {"role": membership.role, "verified": True}


# --- meetings --------------------------------------------------------------------------------


@api_config(route_name="api.assembly.meetings", request_method="GET", permission=perms.VIEW)
def list_meetings(request: Any) -> dict[str, Any]:
    assembly = request.context.assembly
    meetings = services.all_meetings(request.db, assembly.id)
    return {"items": [meeting_json(request, m) for m in meetings], "next": None}


@api_config(
    route_name="api.assembly.meetings",
    request_method="POST",
    permission=perms.SCHEDULE_MEETING,
)
def schedule_meeting(request: Any) -> dict[str, Any]:
    """201 ``{id, ...}``; a meeting ending before it starts is a 422."""
    assembly = request.context.assembly
    body = dict(request.openapi_validated.body)
    locale = body.pop("locale", None) or assembly.default_locale
    try:
        meeting = services.schedule_meeting(
            request.db, assembly, request.user, body, locale, site_tz(request)
        )
    except rules.Invalid as error:
        raise _invalid(error) from None
    request.response.status = 201
    request.response.headers["Location"] = request.route_url(
        "api.assembly.meeting", id=assembly.id, mid=meeting.id
    )
    return meeting_json(request, meeting)


@api_config(route_name="api.assembly.meeting", request_method="GET", permission=perms.VIEW)
def show_meeting(request: Any) -> dict[str, Any]:
    meeting = request.context.meeting
    body = meeting_json(request, meeting)
    if request.has_permission(perms.VIEW_MEMBERS):
        body["attendees"] = [
            {
                "user_id": a.user_id,
                "name": a.user.display_name,
                "registered": a.registered_at is not None,
                "attended": a.attended,
            }
            for a in services.attendees(request.db, meeting)
        ]
    return body


@api_config(
    route_name="api.assembly.meeting",
    request_method="PATCH",
    permission=perms.SCHEDULE_MEETING,
)
def update_meeting(request: Any) -> dict[str, Any]:
    meeting = request.context.meeting
    body = dict(request.openapi_validated.body)
    locale = body.pop("locale", None) or meeting.assembly.default_locale
    try:
        services.update_meeting(request.db, meeting, request.user, body, locale, site_tz(request))
    except rules.Invalid as error:
        raise _invalid(error) from None
    except services.Conflict as error:
        raise ApiError(409, error.message) from None
    return meeting_json(request, meeting)


@api_config(
    route_name="api.assembly.attendance",
    request_method="POST",
    permission=perms.ATTEND_MEETING,
)
def register(request: Any) -> dict[str, Any]:
    """Register to attend: 201 (200 when already registered); 409 if over or cancelled."""
    meeting = request.context.meeting
    try:
        _attendance, created = services.register_attendance(request.db, meeting, request.user)
    except services.Conflict as error:
        raise ApiError(409, error.message) from None
    request.response.status = 201 if created else 200
    return {"meeting_id": meeting.id, "registered": True}


@api_config(
    route_name="api.assembly.attendance",
    request_method="DELETE",
    permission=perms.ATTEND_MEETING,
)
def unregister(request: Any) -> dict[str, Any]:
    meeting = request.context.meeting
    try:
        services.unregister_attendance(request.db, meeting, request.user)
    except services.Conflict as error:
        raise ApiError(409, error.message) from None
    return {"meeting_id": meeting.id, "registered": False}


@api_config(
    route_name="api.assembly.minutes",
    request_method="PUT",
    permission=perms.RECORD_MINUTES,
)
def record_minutes(request: Any) -> dict[str, Any]:
    """The minutes (Markdown) and the user ids of those present."""
    meeting = request.context.meeting
    body = request.openapi_validated.body
    try:
        services.record_minutes(
            request.db, meeting, request.user, body["minutes"], body.get("attended") or []
        )
    except services.Conflict as error:
        raise ApiError(409, error.message) from None
    except rules.Invalid as error:
        raise _invalid(error) from None
    return meeting_json(request, meeting)


def invite(request: Any) -> dict[str, Any]:
    """Mail an invitation to join (a link that makes the person a member)."""
    body = request.openapi_validated.body
    if "role" not in body:
        message = _("This field is required.")
        raise ApiError(422, message, fields={"role": message})
    try:
        invitation = email_invitations.invite(
            request.db,
            request.registry["partnerstate.settings"],
            request.context.assembly,
            body["email"],
            body["role"],
            request.user,
        )
    except rules.Invalid as error:
        raise _invalid(error) from None
    request.response.status = 201
    return {
        "id": invitation.id,
        "email": invitation.email,
        "role": invitation.role,
        "expires_at": _iso(invitation.expires_at),
    }
