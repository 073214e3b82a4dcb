"""The link of an invitation by mail: sign in (or register), then join in one click."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from assemblies.models import Assembly
from assemblies.services import email_invitations
from assemblies.views.common import assembly_name, flash, role_label
from partnerstate.headers import no_store
from partnerstate.i18n import _


def _page(request: Any) -> dict[str, Any]:
    no_store(request)  # the address holds the token
    request.response.headers["Referrer-Policy"] = "no-referrer"
    invitation = email_invitations.pending(request.db, request.matchdict["token"])
    if invitation is None:
        request.response.status = 410
        return {"invitation": None}
    assembly = request.db.get(Assembly, invitation.assembly_id)
    return {
        "invitation": invitation,
        "name": assembly_name(request, assembly),
        "role": role_label(request, invitation.role),
        "login_url": request.route_url("login", _query={"next": request.path}),
    }


@view_config(
    route_name="assemblies.invitation",
    renderer="assemblies/invitation.jinja2",
    request_method="GET",
)
def show(request: Any) -> dict[str, Any]:
    return _page(request)


@view_config(
    route_name="assemblies.invitation",
    renderer="assemblies/invitation.jinja2",
    request_method="POST",
)
def accept(request: Any) -> Any:
    if request.user is None:
        return _page(request)
    assembly = email_invitations.accept(request.db, request.matchdict["token"], request.user)
    if assembly is None:
        return _page(request)
    flash(
        request,
        _("Welcome to ${name}!", mapping={"name": assembly_name(request, assembly)}),
    )
    return HTTPSeeOther(request.route_url("assemblies.show", id=assembly.id))
