"""The security context of one partnership: who may read, edit, move, argue, moderate.

Routes with ``{id}`` use :class:`PartnershipContext` as their factory; views only
declare ``permission=...`` and the one security policy checks this ACL. Roles in
the partnership's assembly come from the assemblies package as principals such as
``assembly:7:facilitator``.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound

from partnerstate import permissions as perms
from partnerstate.i18n import _
from partnerstate.ids import parse_id
from partnerstate.partnerships import lifecycle, membership
from partnerstate.partnerships.models import Partnership
from partnerstate.partnerships.services import ALL_DRAFTS, Drafts


def draft_acl(assembly_id: int | None) -> list[tuple[str, str, str]]:
    """Who reads a draft: officials, and the facilitators of the partnership's assembly."""
    readers = [(perms.Allow, perms.OFFICIAL, perms.VIEW_DRAFT)]
    if assembly_id is not None:
        readers.append((perms.Allow, f"assembly:{assembly_id}:facilitator", perms.VIEW_DRAFT))
    return readers


class DraftsContext:
    """The drafts of one assembly (or, with ``assembly_id=None``, of every assembly).

    Lists ask the security policy, through this context, whose drafts they may show.
    """

    def __init__(self, request: Any, assembly_id: int | None) -> None:
        self.request = request
        self.assembly_id = assembly_id

    def principals_for(self, user: Any) -> list[str]:
        if self.assembly_id is None:
            return []
        return membership.principals(self.request.db, self.assembly_id, user)

    @property
    def __acl__(self) -> list[tuple[str, str, str]]:
        return draft_acl(self.assembly_id)


def readable_drafts(request: Any) -> Drafts:
    """The assemblies whose drafts the visitor may see in lists: all of them, or some."""
    if request.user is None:
        return frozenset()
    if request.has_permission(perms.VIEW_DRAFT, DraftsContext(request, None)):
        return ALL_DRAFTS
    return frozenset(
        assembly_id
        for assembly_id in membership.assembly_ids_of(request.db, request.user)
        if request.has_permission(perms.VIEW_DRAFT, DraftsContext(request, assembly_id))
    )


def assembly_acl(assembly_id: int) -> list[tuple[str, str, str]]:
    """What each role in the partnership's assembly may do with it."""
    prefix = f"assembly:{assembly_id}"
    return [
        (perms.Allow, f"{prefix}:facilitator", perms.MOVE_PARTNERSHIP),
        (perms.Allow, f"{prefix}:facilitator", perms.MODERATE),
        (perms.Allow, f"{prefix}:facilitator", perms.DELIBERATE),
        (perms.Allow, f"{prefix}:member", perms.DELIBERATE),
        (perms.Allow, f"{prefix}:facilitator", perms.PROPOSE_ALTERNATIVE),
        (perms.Allow, f"{prefix}:member", perms.PROPOSE_ALTERNATIVE),
        # Observers read and comment but never vote, so they add no option to the ballot.
        (perms.Allow, f"{prefix}:observer", perms.DELIBERATE),
    ]


class PartnershipContext:
    """Looks up the partnership of the route's ``{id}``; unknown ids are a 404."""

    def __init__(self, request: Any) -> None:
        self.request = request
        partnership_id = parse_id(request.matchdict.get("id"))
        partnership = request.db.get(Partnership, partnership_id) if partnership_id else None
        if partnership is None:
            raise HTTPNotFound(request.translate(_("There is no partnership with this number.")))
        self.partnership: Partnership = partnership
        # A draft the visitor may not read is answered like an unknown number, so that
        # its existence does not leak (a 403 would say "there is one").
        if partnership.status == lifecycle.Status.DRAFT and not request.has_permission(
            perms.VIEW_DRAFT, self
        ):
            raise HTTPNotFound(request.translate(_("There is no partnership with this number.")))

    @property
    def assembly_id(self) -> int:
        """The partnership's assembly, whose language the page falls back to."""
        return self.partnership.assembly_id

    def principals_for(self, user: Any) -> list[str]:
        """Relational roles: the user's role in the partnership's assembly."""
        return membership.principals(self.request.db, self.partnership.assembly_id, user)

    @property
    def __acl__(self) -> list[tuple[str, str, str]]:
        return [
            (perms.Allow, perms.Everyone, perms.VIEW),
            *draft_acl(self.partnership.assembly_id),
            (perms.Allow, perms.OFFICIAL, perms.EDIT_PARTNERSHIP),
            (perms.Allow, perms.OFFICIAL, perms.MOVE_PARTNERSHIP),
            *assembly_acl(self.partnership.assembly_id),
            (perms.Allow, perms.Authenticated, perms.FLAG),
        ]
