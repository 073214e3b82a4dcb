"""The link of an invitation by mail: sign in (or register), then join.

A visitor who is not signed in is offered both; the browser remembers the invitation
(in its session, kept across sign-in), so whoever signs in, or registers and follows
the verification link, in that same browser lands here and joins at once. Opened
anywhere else (the verification link in another browser), the page asks for one click:
a GET never joins on a link alone, so no one can be made a member by a crafted link.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from assemblies.models import Assembly
from assemblies.services import email_invitations
from assemblies.views.common import assembly_name, flash, role_label
from partnerstate.headers import no_store
from partnerstate.i18n import _
from partnerstate.security import PENDING_INVITATION


def _page(request: Any) -> dict[str, Any]:
    no_store(request)  # the address holds the token
    request.response.headers["Referrer-Policy"] = "no-referrer"
    invitation = email_invitations.pending(request.db, request.matchdict["token"])
    if invitation is None:
        request.response.status = 410
        return {"invitation": None}
    assembly = request.db.get(Assembly, invitation.assembly_id)
    then = {"next": request.path}
    return {
        "invitation": invitation,
        "name": assembly_name(request, assembly),
        "role": role_label(request, invitation.role),
        "login_url": request.route_url("login", _query=then),
        "register_url": request.route_url("register", _query=then),
    }


def _join(request: Any) -> Any:
    assembly = email_invitations.accept(request.db, request.matchdict["token"], request.user)
    if assembly is None:
        return _page(request)
    flash(
        request,
        _("Welcome to ${name}!", mapping={"name": assembly_name(request, assembly)}),
    )
    return HTTPSeeOther(request.route_url("assemblies.show", id=assembly.id))


@view_config(
    route_name="assemblies.invitation",
    renderer="assemblies/invitation.jinja2",
    request_method="GET",
)
def show(request: Any) -> Any:
    token = request.matchdict["token"]
    if request.user is None:
        if email_invitations.pending(request.db, token) is not None:
            request.session[PENDING_INVITATION] = token
        return _page(request)
    if request.session.get(PENDING_INVITATION) == token:
        # This browser opened the link, then signed in or registered: that was the click.
        del request.session[PENDING_INVITATION]
        return _join(request)
    return _page(request)


@view_config(
    route_name="assemblies.invitation",
    renderer="assemblies/invitation.jinja2",
    request_method="POST",
)
def accept(request: Any) -> Any:
    if request.user is None:
        return _page(request)
    request.session.pop(PENDING_INVITATION, None)
    return _join(request)
