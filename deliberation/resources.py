"""Security contexts of one post and one alternative, inside their partnership.

Both extend the partnership's context (same assembly roles), and add what only
the author may do: correct or delete their post, revise their alternative.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound

from deliberation.services import alternatives, arguments
from partnerstate import permissions as perms
from partnerstate.i18n import _
from partnerstate.ids import parse_id
from partnerstate.partnerships.resources import PartnershipContext, assembly_acl


class ArgumentContext(PartnershipContext):
    """``/partnerships/{id}/arguments/{argument_id}``: a post of that partnership."""

    def __init__(self, request: Any) -> None:
        super().__init__(request)
        argument_id = parse_id(request.matchdict.get("argument_id"))
        argument = arguments.get(request.db, self.partnership, argument_id) if argument_id else None
        if argument is None:
            raise HTTPNotFound(request.translate(_("There is no such post in this deliberation.")))
        self.argument = argument

    @property
    def __acl__(self) -> list[tuple[str, str, str]]:
        acl = [(perms.Allow, perms.Everyone, perms.VIEW)]
        if self.argument.author_id is not None:
            # The author may correct (within the window) or delete their own post.
            acl.append((perms.Allow, f"user:{self.argument.author_id}", perms.DELIBERATE))
        acl += [
            entry
            for entry in assembly_acl(self.partnership.assembly_id)
            if entry[2] == perms.MODERATE
        ]
        acl.append((perms.Allow, perms.Authenticated, perms.FLAG))
        return acl


class AlternativeContext(PartnershipContext):
    """``/partnerships/{id}/alternatives/{alternative_id}``: an alternative of that partnership."""

    def __init__(self, request: Any) -> None:
        super().__init__(request)
        alternative_id = parse_id(request.matchdict.get("alternative_id"))
        alternative = (
            alternatives.get(request.db, self.partnership, alternative_id)
            if alternative_id
            else None
        )
        if alternative is None:
            raise HTTPNotFound(request.translate(_("There is no such alternative.")))
        self.alternative = alternative

    @property
    def __acl__(self) -> list[tuple[str, str, str]]:
        acl = [(perms.Allow, perms.Everyone, perms.VIEW)]
        if self.alternative.author_id is not None:
            acl.append((perms.Allow, f"user:{self.alternative.author_id}", perms.DELIBERATE))
        acl += [
            entry
            for entry in assembly_acl(self.partnership.assembly_id)
            if entry[2] == perms.MODERATE
        ]
        return acl
