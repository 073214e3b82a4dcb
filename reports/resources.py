"""Security contexts of charters: who may read, issue, sign, upload the signed scan.

Routes with a charter's ``{id}`` use :class:`CharterContext`; the issuing routes
(``/partnerships/{id}/charter``) use :class:`PartnershipCharterContext`. Views only
declare ``permission=...``; the one security policy checks these ACLs. Unknown or
malformed ids are a 404.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound

from partnerstate import permissions as perms
from partnerstate.i18n import _
from partnerstate.ids import parse_id
from reports.models import Charter


def _assembly_principals(request: Any, assembly_id: int | None, user: Any) -> list[str]:
    if user is None or assembly_id is None:
        return []
    from partnerstate.partnerships import membership

    try:
        return membership.principals(request.db, assembly_id, user)
    except ImportError:  # pragma: no cover - only while the assemblies package is absent
        return []


class CharterContext:
    """The charter of the route's ``{id}``."""

    def __init__(self, request: Any) -> None:
        self.request = request
        charter_id = parse_id(request.matchdict.get("id"))
        charter = request.db.get(Charter, charter_id) if charter_id else None
        if charter is None:
            raise HTTPNotFound(request.translate(_("There is no charter with this number.")))
        self.charter: Charter = charter

    @property
    def assembly_id(self) -> int | None:
        """The assembly of the charter's partnership (its roles; the page's fallback language)."""
        from partnerstate.partnerships.models import Partnership

        partnership = self.request.db.get(Partnership, self.charter.partnership_id)
        return partnership.assembly_id if partnership is not None else None

    def principals_for(self, user: Any) -> list[str]:
        """The user's role in the partnership's assembly (its facilitators file the scan)."""
        return _assembly_principals(self.request, self.assembly_id, user)

    @property
    def __acl__(self) -> list[tuple[str, str, str]]:
        acl = [
            (perms.Allow, perms.Everyone, perms.VIEW),
            # Officials sign for the city, or record a signature for either party.
            (perms.Allow, perms.OFFICIAL, perms.SIGN_CHARTER),
            (perms.Allow, perms.OFFICIAL, perms.UPLOAD_CHARTER_SCAN),
            (perms.Allow, perms.OFFICIAL, perms.WITHDRAW_CHARTER),
        ]
        # The signatories named when the charter was issued sign with their own account
        # (the service checks they sign for their own party).
        for user_id in (self.charter.city_signatory_id, self.charter.commons_signatory_id):
            if user_id is not None:
                acl.append((perms.Allow, f"user:{user_id}", perms.SIGN_CHARTER))
                acl.append((perms.Allow, f"user:{user_id}", perms.UPLOAD_CHARTER_SCAN))
        assembly_id = self.assembly_id
        if assembly_id is not None:
            # The assembly files the scan of the paper copy it signed.
            acl.append(
                (perms.Allow, f"assembly:{assembly_id}:facilitator", perms.UPLOAD_CHARTER_SCAN)
            )
        return acl


class PartnershipCharterContext:
    """The partnership of the route's ``{id}``, as far as issuing its charter goes."""

    def __init__(self, request: Any) -> None:
        from partnerstate.partnerships.models import Partnership

        self.request = request
        partnership_id = parse_id(request.matchdict.get("id"))
        partnership = request.db.get(Partnership, partnership_id) if partnership_id else None
        if partnership is None:
            raise HTTPNotFound(request.translate(_("There is no partnership with this number.")))
        self.partnership = partnership

    @property
    def assembly_id(self) -> int:
        return self.partnership.assembly_id

    __acl__ = [
        (perms.Allow, perms.Everyone, perms.VIEW),
        (perms.Allow, perms.OFFICIAL, perms.ISSUE_CHARTER),
    ]
