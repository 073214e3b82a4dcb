"""Relational roles in an assembly, and the security contexts of its routes.

The one security policy (``partnerstate.security``) asks a context for
``principals_for(user)``; for an assembly these are ``assembly:7:facilitator``,
``assembly:7:member`` or ``assembly:7:observer``, plus ``assembly:7:verified``
for a verified resident and ``assembly:7:pending`` while a join request waits.
The contexts' ACLs grant the assembly's permissions to those principals, so
views only declare ``permission=...`` and never compare roles themselves.

:func:`assembly_principals` is also what other packages (partnerships,
deliberation, charters) use for their own contexts.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from sqlalchemy import select
from sqlalchemy.orm import Session

from assemblies import rules
from assemblies.models import Assembly, JoinRequest, Meeting, Membership, ResidentVerification
from partnerstate import permissions as perms
from partnerstate.i18n import _
from partnerstate.ids import parse_id


def principal(assembly_id: int, role: str) -> str:
    return f"assembly:{assembly_id}:{role}"


def assembly_principals(db: Session, assembly_id: int, user: Any) -> list[str]:
    """The user's relational principals in the assembly (empty for strangers and anonymous)."""
    if user is None:
        return []
    found: list[str] = []
    role = db.scalar(
        select(Membership.role).where(
            Membership.assembly_id == assembly_id, Membership.user_id == user.id
        )
    )
    if role is not None:
        found.append(principal(assembly_id, role))
    elif db.scalar(
        select(JoinRequest.id).where(
            JoinRequest.assembly_id == assembly_id,
            JoinRequest.user_id == user.id,
            JoinRequest.status == rules.PENDING,
        )
    ):
        found.append(principal(assembly_id, "pending"))
    if db.scalar(
        select(ResidentVerification.id).where(
            ResidentVerification.assembly_id == assembly_id,
            ResidentVerification.user_id == user.id,
        )
    ):
        found.append(principal(assembly_id, "verified"))
    return found


def assembly_acl(assembly: Assembly) -> list[tuple[str, str, str]]:
    """Who may do what in one assembly."""
    facilitator = principal(assembly.id, rules.FACILITATOR)
    member = principal(assembly.id, rules.MEMBER)
    observer = principal(assembly.id, rules.OBSERVER)
    acl = [
        (perms.Allow, perms.Everyone, perms.VIEW),
        # The city's officials run the assembly's register of people and its rules.
        (perms.Allow, perms.OFFICIAL, perms.EDIT_ASSEMBLY),
        (perms.Allow, perms.OFFICIAL, perms.MANAGE_MEMBERS),
        (perms.Allow, perms.OFFICIAL, perms.MANAGE_RESIDENTS),
        (perms.Allow, perms.OFFICIAL, perms.VIEW_MEMBERS),
        (perms.Allow, perms.OFFICIAL, perms.SCHEDULE_MEETING),
        (perms.Allow, perms.OFFICIAL, perms.RECORD_MINUTES),
        # Facilitators run the assembly: its people and its meetings.
        (perms.Allow, facilitator, perms.MANAGE_MEMBERS),
        (perms.Allow, facilitator, perms.SCHEDULE_MEETING),
        (perms.Allow, facilitator, perms.RECORD_MINUTES),
    ]
    for role in (facilitator, member, observer):
        acl += [
            (perms.Allow, role, perms.VIEW_MEMBERS),
            (perms.Allow, role, perms.ATTEND_MEETING),
            (perms.Allow, role, perms.LEAVE_ASSEMBLY),
        ]
    # A pending request can be withdrawn (that is "leaving" before being admitted).
    acl.append((perms.Allow, principal(assembly.id, "pending"), perms.LEAVE_ASSEMBLY))
    if assembly.join_policy == rules.OPEN:
        acl.append((perms.Allow, perms.Authenticated, perms.JOIN_ASSEMBLY))
    # Anyone signed in may prove residence or redeem a code (an invitation admits them).
    acl.append((perms.Allow, perms.Authenticated, perms.VERIFY_RESIDENCE))
    return acl


class AssemblyContext:
    """The assembly of the route's ``{id}``; unknown ids are a 404."""

    def __init__(self, request: Any) -> None:
        self.request = request
        assembly_id = parse_id(request.matchdict.get("id"))
        assembly = request.db.get(Assembly, assembly_id) if assembly_id else None
        if assembly is None:
            raise HTTPNotFound(request.translate(_("There is no assembly with this number.")))
        self.assembly: Assembly = assembly
        self._principals: dict[int, list[str]] = {}

    @property
    def assembly_id(self) -> int:
        """For the core's locale negotiation (the assembly's language is the fallback)."""
        return self.assembly.id

    def principals_for(self, user: Any) -> list[str]:
        """Relational roles: the user's role in this assembly.

        Kept for the request: a page asks several permissions of the same context.
        Views that change the user's role redirect, so the cache never goes stale
        within what a request renders.
        """
        if user is None:
            return []
        if user.id not in self._principals:
            self._principals[user.id] = assembly_principals(self.request.db, self.assembly.id, user)
        return self._principals[user.id]

    @property
    def __acl__(self) -> list[tuple[str, str, str]]:
        return assembly_acl(self.assembly)


class MeetingContext(AssemblyContext):
    """A meeting of the assembly (route ``{id}`` and ``{mid}``); others are a 404."""

    def __init__(self, request: Any) -> None:
        super().__init__(request)
        meeting_id = parse_id(request.matchdict.get("mid"))
        meeting = request.db.get(Meeting, meeting_id) if meeting_id else None
        if meeting is None or meeting.assembly_id != self.assembly.id:
            raise HTTPNotFound(request.translate(_("There is no meeting with this number.")))
        self.meeting: Meeting = meeting
