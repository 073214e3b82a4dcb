"""Pages about the assembly's people: the list, adding, roles, removal, joining, leaving.

Every action is a plain form (no JavaScript); the security policy decides who may
post it (``assemblies.security``), the services decide what the state allows.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from assemblies import rules, services
from assemblies.forms import (
    AddMemberForm,
    ApproveForm,
    JoinForm,
    ReasonForm,
    RoleForm,
    localize_choices,
)
from assemblies.services import email_invitations
from assemblies.views.common import assembly_name, can, flash, role_label
from partnerstate import permissions as perms
from partnerstate.i18n import _
from partnerstate.ids import parse_id
from partnerstate.models import User
from partnerstate.paging import page_number


def _members_url(request: Any) -> str:
    return request.route_url("assemblies.members", id=request.context.assembly.id)


# Each row of a facilitator's page carries its forms (role, verify, remove): rendering them,
# not the queries, is what a page costs, so fifty rows keep it within the page budget.
PAGE_SIZE = 50


def _member_page(
    request: Any,
    add_form: AddMemberForm | None = None,
    invite_form: AddMemberForm | None = None,
) -> dict[str, Any]:
    """The people of the assembly, a page at a time (a city's assembly may be very large)."""
    assembly = request.context.assembly
    db = request.db
    can_manage = can(request, perms.MANAGE_MEMBERS)
    page = page_number(request)
    memberships = services.members(db, assembly.id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    total = services.count_members(db, assembly.id)
    ids = [m.user_id for m in memberships]
    role_forms = {}
    if can_manage:
        for membership in memberships:
            form = localize_choices(RoleForm(prefix=f"m{membership.user_id}"), request)
            form.role.data = membership.role
            role_forms[membership.user_id] = form
    requests = services.pending_requests(db, assembly.id) if can_manage else []
    approve_forms = {
        r.id: localize_choices(ApproveForm(prefix=f"r{r.id}"), request) for r in requests
    }

    def page_url(number: int) -> str:
        return request.route_url("assemblies.members", id=assembly.id, _query={"page": number})

    requesters = [r.user_id for r in requests]
    return {
        "assembly": assembly,
        "name": assembly_name(request, assembly),
        "memberships": memberships,
        "total": total,
        "verified": services.verified_user_ids(db, assembly.id, among=ids + requesters),
        "voters": services.voters_among(db, assembly, ids),
        "role_label": lambda role: role_label(request, role),
        "can_manage": can_manage,
        "can_residents": can(request, perms.MANAGE_RESIDENTS),
        "add_form": add_form or localize_choices(AddMemberForm.from_request(request), request),
        "invite_form": invite_form
        or localize_choices(
            AddMemberForm(prefix="invite", meta={"locales": [request.locale_name]}), request
        ),
        "role_forms": role_forms,
        "requests": requests,
        "approve_forms": approve_forms,
        "previous_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if page * PAGE_SIZE < total else None,
        "rules": rules,
    }


@view_config(
    route_name="assemblies.members",
    renderer="assemblies/members.jinja2",
    permission=perms.VIEW_MEMBERS,
    request_method="GET",
)
def members_page(request: Any) -> dict[str, Any]:
    return _member_page(request)


@view_config(
    route_name="assemblies.members",
    renderer="assemblies/members.jinja2",
    permission=perms.MANAGE_MEMBERS,
    request_method="POST",
)
def add_member(request: Any) -> Any:
    """Add someone by the email of their account."""
    assembly = request.context.assembly
    form = localize_choices(AddMemberForm.from_request(request), request)
    if form.validate():
        try:
            membership, created = services.add_member_by_email(
                request.db, assembly, form.email.data, form.role.data, request.user
            )
        except services.NotFound as error:
            form.add_error("email", error.message)
        except services.AlreadyMember as error:
            form.add_error("email", error.message)
        else:
            user = request.db.get(User, membership.user_id)
            if created:
                message = _(
                    "${name} was added as ${role}.",
                    mapping={
                        "name": user.display_name,
                        "role": role_label(request, form.role.data),
                    },
                )
            else:
                message = _(
                    "${name} was already in the assembly as ${role}.",
                    mapping={
                        "name": user.display_name,
                        "role": role_label(request, form.role.data),
                    },
                )
            flash(request, message)
            return HTTPSeeOther(_members_url(request))
    request.response.status = 422
    return _member_page(request, add_form=form)


def _member_id(request: Any) -> int:
    user_id = parse_id(request.matchdict.get("uid"))
    if user_id is None:  # pragma: no cover - the route only matches digits
        raise HTTPNotFound()
    return user_id


@view_config(
    route_name="assemblies.member_role",
    permission=perms.MANAGE_MEMBERS,
    request_method="POST",
)
def change_role(request: Any) -> Any:
    assembly = request.context.assembly
    user_id = _member_id(request)
    form = localize_choices(RoleForm.from_request(request, prefix=f"m{user_id}"), request)
    if not form.validate():
        flash(request, _("Choose a role."), "error")
        return HTTPSeeOther(_members_url(request))
    try:
        services.change_role(request.db, assembly, user_id, form.role.data, request.user)
    except services.NotFound as error:
        raise HTTPNotFound(request.translate(error.message)) from None
    user = request.db.get(User, user_id)
    flash(
        request,
        _(
            "${name} is now ${role}.",
            mapping={"name": user.display_name, "role": role_label(request, form.role.data)},
        ),
    )
    return HTTPSeeOther(_members_url(request))


@view_config(
    route_name="assemblies.member_remove",
    renderer="assemblies/remove.jinja2",
    permission=perms.MANAGE_MEMBERS,
)
def remove_member(request: Any) -> Any:
    """A page asking for the reason, then the removal (audit-logged, shown to the person)."""
    assembly = request.context.assembly
    user_id = _member_id(request)
    membership = services.get_membership(request.db, assembly.id, user_id)
    if membership is None:
        raise HTTPNotFound(request.translate(_("This person is not a member of the assembly.")))
    form = ReasonForm.from_request(request)
    if request.method == "POST" and form.validate():
        try:
            services.remove_member(request.db, assembly, user_id, request.user, form.reason.data)
        except rules.Invalid as error:
            form.add_error("reason", next(iter(error.fields.values())))
        else:
            flash(
                request,
                _(
                    "${name} was removed from the assembly.",
                    mapping={"name": membership.user.display_name},
                ),
            )
            return HTTPSeeOther(_members_url(request))
    if request.method == "POST":
        request.response.status = 422
    return {
        "assembly": assembly,
        "name": assembly_name(request, assembly),
        "membership": membership,
        "role": role_label(request, membership.role),
        "form": form,
    }


@view_config(
    route_name="assemblies.member_verify",
    permission=perms.MANAGE_RESIDENTS,
    request_method="POST",
)
def verify_member(request: Any) -> Any:
    """An official confirms a person's residence (checked in another way)."""
    assembly = request.context.assembly
    user = request.db.get(User, _member_id(request))
    if user is None:
        raise HTTPNotFound()
    services.verify_by_official(request.db, assembly, user, request.user)
    flash(request, _("${name} is now a verified resident.", mapping={"name": user.display_name}))
    return HTTPSeeOther(_members_url(request))


@view_config(
    route_name="assemblies.member_unverify",
    permission=perms.MANAGE_RESIDENTS,
    request_method="POST",
)
def unverify_member(request: Any) -> Any:
    assembly = request.context.assembly
    user = request.db.get(User, _member_id(request))
    if user is None:
        raise HTTPNotFound()
    try:
        services.revoke_verification(request.db, assembly, user.id, request.user)
    except services.Conflict as error:
        flash(request, error.message, "error")
    else:
        flash(
            request,
            _("${name} is no longer a verified resident.", mapping={"name": user.display_name}),
        )
    return HTTPSeeOther(_members_url(request))


# --- joining and leaving -------------------------------------------------------------------


@view_config(
    route_name="assemblies.join",
    renderer="assemblies/join.jinja2",
    permission=perms.JOIN_ASSEMBLY,
)
def join(request: Any) -> Any:
    """Ask to join (a facilitator or an official decides)."""
    assembly = request.context.assembly
    show_url = request.route_url("assemblies.show", id=assembly.id)
    if services.get_membership(request.db, assembly.id, request.user.id) is not None:
        flash(request, _("You are already a member of this assembly."), "")
        return HTTPSeeOther(show_url)
    if request.method == "GET" and services.pending_request(
        request.db, assembly.id, request.user.id
    ):
        flash(request, _("Your request is already waiting for a decision."), "")
        return HTTPSeeOther(show_url)
    form = JoinForm.from_request(request)
    if request.method == "POST" and form.validate():
        try:
            _join_request, created = services.request_to_join(
                request.db, assembly, request.user, form.message.data or ""
            )
        except rules.Invalid as error:
            form.add_error("message", next(iter(error.fields.values())))
        else:
            if created:
                flash(
                    request,
                    _("Your request was sent. You will see the decision on this page."),
                )
            else:
                flash(request, _("Your request is already waiting for a decision."), "")
            return HTTPSeeOther(show_url)
    if request.method == "POST":
        request.response.status = 422
    return {"assembly": assembly, "name": assembly_name(request, assembly), "form": form}


@view_config(
    route_name="assemblies.leave",
    renderer="assemblies/leave.jinja2",
    permission=perms.LEAVE_ASSEMBLY,
)
def leave(request: Any) -> Any:
    """Leave the assembly (or withdraw a pending request), after a confirmation page."""
    assembly = request.context.assembly
    membership = services.get_membership(request.db, assembly.id, request.user.id)
    if request.method == "POST":
        try:
            services.leave(request.db, assembly, request.user)
        except services.Conflict as error:  # pragma: no cover - the ACL requires a role
            flash(request, error.message, "error")
        else:
            if membership is not None:
                flash(request, _("You left the assembly."))
            else:
                flash(request, _("Your request to join was withdrawn."))
        return HTTPSeeOther(request.route_url("assemblies.show", id=assembly.id))
    return {
        "assembly": assembly,
        "name": assembly_name(request, assembly),
        "membership": membership,
        "role": role_label(request, membership.role) if membership else None,
    }


def _join_request(request: Any) -> Any:
    assembly = request.context.assembly
    request_id = parse_id(request.matchdict.get("rid"))
    join_request = services.get_request(request.db, assembly.id, request_id) if request_id else None
    if join_request is None:
        raise HTTPNotFound(request.translate(_("There is no such request to join.")))
    return join_request


@view_config(
    route_name="assemblies.request_approve",
    permission=perms.MANAGE_MEMBERS,
    request_method="POST",
)
def approve(request: Any) -> Any:
    join_request = _join_request(request)
    form = localize_choices(
        ApproveForm.from_request(request, prefix=f"r{join_request.id}"), request
    )
    role = form.role.data if form.validate() else rules.MEMBER
    try:
        services.approve_request(request.db, join_request, request.user, role)
    except services.Conflict as error:
        flash(request, error.message, "error")
    else:
        flash(
            request,
            _(
                "${name} joined the assembly as ${role}.",
                mapping={"name": join_request.user.display_name, "role": role_label(request, role)},
            ),
        )
    return HTTPSeeOther(_members_url(request))


@view_config(
    route_name="assemblies.request_refuse",
    renderer="assemblies/refuse.jinja2",
    permission=perms.MANAGE_MEMBERS,
)
def refuse(request: Any) -> Any:
    """A page asking for the reason (shown to the person), then the refusal."""
    assembly = request.context.assembly
    join_request = _join_request(request)
    form = ReasonForm.from_request(request)
    if join_request.status != rules.PENDING:
        flash(request, _("This request was already decided."), "error")
        return HTTPSeeOther(_members_url(request))
    if request.method == "POST" and form.validate():
        try:
            services.refuse_request(request.db, join_request, request.user, form.reason.data)
        except rules.Invalid as error:
            form.add_error("reason", next(iter(error.fields.values())))
        else:
            flash(
                request,
                _(
                    "The request of ${name} was refused.",
                    mapping={"name": join_request.user.display_name},
                ),
            )
            return HTTPSeeOther(_members_url(request))
    if request.method == "POST":
        request.response.status = 422
    return {
        "assembly": assembly,
        "name": assembly_name(request, assembly),
        "join_request": join_request,
        "form": form,
    }


@view_config(
    route_name="assemblies.invite",
    renderer="assemblies/members.jinja2",
    permission=perms.MANAGE_MEMBERS,
    request_method="POST",
)
def invite(request: Any) -> Any:
    """Invite an address by mail: its link makes the person a member."""
    form = localize_choices(AddMemberForm.from_request(request, prefix="invite"), request)
    if form.validate():
        try:
            email_invitations.invite(
                request.db,
                request.registry["partnerstate.settings"],
                request.context.assembly,
                form.email.data,
                form.role.data,
                request.user,
            )
        except rules.Invalid as error:
            for field, message in error.fields.items():
                form.add_error(field if field in ("email", "role") else "email", message)
        else:
            flash(
                request,
                _("An invitation was mailed to ${email}.", mapping={"email": form.email.data}),
            )
            return HTTPSeeOther(_members_url(request))
    request.response.status = 422
    return _member_page(request, invite_form=form)
