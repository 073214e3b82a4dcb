"""Security contexts of votes: who may open, cast, close, and read.

Routes use these as factories; views only declare ``permission=...`` and the one
security policy checks the ACLs. Relational roles: ``assembly:7:facilitator`` (from
the assemblies package) and ``vote:3:elector`` (a member of the frozen electorate).
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from sqlalchemy import bindparam, select

from deliberation.votes import services
from deliberation.votes.models import Vote, VoteElector
from partnerstate import permissions as perms
from partnerstate.i18n import _
from partnerstate.ids import parse_id
from partnerstate.partnerships import membership
from partnerstate.partnerships.resources import PartnershipContext

# Built once (every vote route runs it; building it cost about as much as running it).
_VOTE = select(Vote).where(Vote.id == bindparam("id"))


def _managers(assembly_id: int, permission: str) -> list[tuple[str, str, str]]:
    return [
        (perms.Allow, perms.OFFICIAL, permission),
        (perms.Allow, f"assembly:{assembly_id}:facilitator", permission),
    ]


class VoteContext:
    """``/votes/{id}`` and ``/api/v1/votes/{id}/...``: one vote; unknown ids are a 404."""

    def __init__(self, request: Any) -> None:
        self.request = request
        vote_id = parse_id(request.matchdict.get("id"))
        vote = request.db.scalar(_VOTE, {"id": vote_id}) if vote_id else None
        if vote is None:
            raise HTTPNotFound(request.translate(_("There is no vote with this number.")))
        self.vote: Vote = vote

    @property
    def assembly_id(self) -> int:
        """The vote's assembly, whose language the page falls back to."""
        return self.vote.assembly_id

    @property
    def elector_principal(self) -> str:
        return f"vote:{self.vote.id}:elector"

    def principals_for(self, user: Any) -> list[str]:
        """The user's role in the vote's assembly, and whether they are an elector."""
        found = list(membership.principals(self.request.db, self.vote.assembly_id, user))
        if user is not None and self.request.db.get(VoteElector, (self.vote.id, user.id)):
            found.append(self.elector_principal)
        return found

    @property
    def __acl__(self) -> list[tuple[str, str, str]]:
        return [
            (perms.Allow, perms.Everyone, perms.VIEW),
            # Whether the vote still takes ballots is the service's 409, not a 403.
            (perms.Allow, self.elector_principal, perms.CAST_BALLOT),
            *_managers(self.vote.assembly_id, perms.CLOSE_VOTE),
            *_managers(self.vote.assembly_id, perms.STRIKE_ELECTOR),
        ]


class BallotContext(VoteContext):
    """``/api/v1/votes/{id}/ballots``: casting needs to know only who is an elector.

    The one hot path of the votes: skipping the assembly roles saves two queries, and
    the elector row read here (locked, see `services.elector_for_cast`) is the one the
    cast uses, so it is read once.
    """

    elector: services.Elector | None = None

    def principals_for(self, user: Any) -> list[str]:
        if user is None:
            return []
        self.elector = services.elector_for_cast(self.request.db, self.vote, user)
        return [self.elector_principal] if self.elector is not None else []

    @property
    def __acl__(self) -> list[tuple[str, str, str]]:
        return [(perms.Allow, self.elector_principal, perms.CAST_BALLOT)]


class PartnershipVoteContext(PartnershipContext):
    """``/partnerships/{id}/vote``: opening the vote on a partnership."""

    @property
    def __acl__(self) -> list[tuple[str, str, str]]:
        return [
            *super().__acl__,
            *_managers(self.partnership.assembly_id, perms.OPEN_VOTE),
        ]


class AssemblyElectionContext:
    """``/assemblies/{id}/elections``: opening an election in an assembly."""

    def __init__(self, request: Any) -> None:
        self.request = request
        assembly_id = parse_id(request.matchdict.get("id"))
        assembly = membership.get_assembly(request.db, assembly_id) if assembly_id else None
        if assembly is None:
            raise HTTPNotFound(request.translate(_("There is no assembly with this number.")))
        self.assembly = assembly

    @property
    def assembly_id(self) -> int:
        return self.assembly.id

    def principals_for(self, user: Any) -> list[str]:
        return list(membership.principals(self.request.db, self.assembly.id, user))

    @property
    def __acl__(self) -> list[tuple[str, str, str]]:
        return [
            (perms.Allow, perms.Everyone, perms.VIEW),
            *_managers(self.assembly.id, perms.OPEN_VOTE),
        ]
