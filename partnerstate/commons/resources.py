"""The security context of one commons: who may read, edit, decide on it.

Routes with ``{id}`` use :class:`CommonsContext` as their factory; views then
only declare ``permission=...`` and the one security policy checks this ACL.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound

from partnerstate import permissions as perms
from partnerstate.commons import taxonomy as tx
from partnerstate.commons.models import Commons
from partnerstate.i18n import _
from partnerstate.ids import parse_id


class CommonsContext:
    """Looks up the commons of the route's ``{id}``; unknown ids are a 404."""

    commons: Commons

    def __init__(self, request: Any, commons: Commons | None = None) -> None:
        self.request = request
        if commons is not None:  # a record already at hand (a listing, a new proposal)
            self.commons = commons
            return
        commons_id = parse_id(request.matchdict.get("id", ""))
        commons = request.db.get(Commons, commons_id) if commons_id else None
        if commons is None:
            raise HTTPNotFound(request.translate(_("There is no commons with this number.")))
        self.commons = commons

    @property
    def proposer_principal(self) -> str:
        return f"commons:{self.commons.id}:proposer"

    def principals_for(self, user: Any) -> list[str]:
        """Relational roles: the person who proposed this commons."""
        if user is not None and user.id == self.commons.proposer_id:
            return [self.proposer_principal]
        return []

    @property
    def __acl__(self) -> list[tuple[str, str, str]]:
        status = self.commons.status
        proposer = self.proposer_principal
        acl = [
            (perms.Allow, perms.OFFICIAL, perms.VIEW),
            (perms.Allow, perms.OFFICIAL, perms.EDIT_COMMONS),
            (perms.Allow, perms.OFFICIAL, perms.VALIDATE_COMMONS),
            (perms.Allow, perms.OFFICIAL, perms.VIEW_COMMONS_CONTACT),
            (perms.Allow, proposer, perms.VIEW),
            (perms.Allow, proposer, perms.VIEW_COMMONS_CONTACT),
        ]
        if status in tx.PUBLIC_STATUSES:
            acl.append((perms.Allow, perms.Everyone, perms.VIEW))
        if status in tx.CONTACT_PUBLIC_STATUSES:
            acl.append((perms.Allow, perms.Everyone, perms.VIEW_COMMONS_CONTACT))
        if status == tx.PROPOSED:
            # The proposer may improve the proposal until an official decides.
            acl.append((perms.Allow, proposer, perms.EDIT_COMMONS))
        if status == tx.PUBLISHED:
            # The community reports its yearly balance through its proposer.
            acl.append((perms.Allow, proposer, perms.REPORT_COMMONS_BALANCE))
            acl.append((perms.Allow, perms.OFFICIAL, perms.REPORT_COMMONS_BALANCE))
        return acl


def shows_contact(request: Any, commons: Commons) -> bool:
    """May this request see the record's contact email and phone?"""
    return bool(
        request.has_permission(perms.VIEW_COMMONS_CONTACT, CommonsContext(request, commons))
    )
