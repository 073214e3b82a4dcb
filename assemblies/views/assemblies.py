"""Pages of assemblies: the list, an assembly's public page, creating and editing one."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from assemblies import PANELS, rules, services
from assemblies.forms import (
    AssemblyForm,
    JoinForm,
    apply_errors,
    assembly_data,
    fill_assembly_form,
    localize_choices,
)
from assemblies.models import Assembly
from assemblies.views.common import assembly_name, can, flash, localized
from partnerstate import permissions as perms
from partnerstate.i18n import LOCALES, _
from partnerstate.markup import render_markdown
from partnerstate.security import RootContext

PAGE_SIZE = 50


@view_config(route_name="assemblies.list", renderer="assemblies/list.jinja2")
def list_page(request: Any) -> dict[str, Any]:
    raw = request.GET.get("page", "1")
    page = int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 10_000 else 1
    items, more = services.list_assemblies(
        request.db, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    counts = services.member_counts(request.db, [a.id for a in items])
    return {
        "items": [
            {
                "assembly": a,
                "name": assembly_name(request, a),
                "members": counts.get(a.id, 0),
                "url": request.route_url("assemblies.show", id=a.id),
            }
            for a in items
        ],
        "previous_url": request.route_url("assemblies.list", _query={"page": page - 1})
        if page > 1
        else None,
        "next_url": request.route_url("assemblies.list", _query={"page": page + 1})
        if more
        else None,
        "can_create": can(request, perms.CREATE_ASSEMBLY, RootContext(request)),
    }


def _form(request: Any) -> AssemblyForm:
    return localize_choices(AssemblyForm.from_request(request), request)


@view_config(
    route_name="assemblies.new",
    renderer="assemblies/form.jinja2",
    permission=perms.CREATE_ASSEMBLY,
)
def new_page(request: Any) -> Any:
    form = _form(request)
    if request.method == "GET":
        form.default_locale.data = request.locale_name
        form.join_policy.data = rules.OPEN
    if request.method == "POST":
        valid = form.validate()
        data = assembly_data(form)
        try:
            # The rules run even when the form is invalid, so that every problem shows.
            rules.clean_assembly(data, data["default_locale"] or "en", locales=tuple(LOCALES))
        except rules.Invalid as error:
            apply_errors(form, error, request.locale_name)
            valid = False
        if valid:
            assembly = services.create_assembly(
                request.db,
                data["name"],
                data["city"],
                data["default_locale"],
                description=data["description"],
                quorum_percent=data["quorum_percent"],
                join_policy=data["join_policy"],
                requires_verification=data["requires_verification"],
                creator=request.user,
                locales=tuple(LOCALES),
            )
            flash(request, _("The assembly was created. Add its facilitators next."))
            return HTTPSeeOther(request.route_url("assemblies.members", id=assembly.id))
        request.response.status = 422
    return {"form": form, "assembly": None}


@view_config(
    route_name="assemblies.edit",
    renderer="assemblies/form.jinja2",
    permission=perms.EDIT_ASSEMBLY,
)
def edit_page(request: Any) -> Any:
    assembly = request.context.assembly
    form = _form(request)
    if request.method == "GET":
        fill_assembly_form(form, assembly)
    if request.method == "POST":
        valid = form.validate()
        data = assembly_data(form)
        try:
            rules.clean_assembly(data, data["default_locale"] or "en", locales=tuple(LOCALES))
            if valid:
                services.update_assembly(
                    request.db,
                    assembly,
                    request.user,
                    data,
                    request.locale_name,
                    locales=tuple(LOCALES),
                )
        except rules.Invalid as error:
            apply_errors(form, error, request.locale_name)
            valid = False
        if valid:
            flash(request, _("The assembly was saved."))
            return HTTPSeeOther(request.route_url("assemblies.show", id=assembly.id))
        request.response.status = 422
    return {"form": form, "assembly": assembly, "name": assembly_name(request, assembly)}


def _panels(request: Any, assembly: Assembly) -> list[dict[str, Any]]:
    shown = []
    for panel in request.registry.get(PANELS, []):
        data = panel["factory"](request, assembly)
        if data is not None:
            shown.append({"name": panel["name"], "template": panel["template"], "data": data})
    return shown


def partnerships_panel(request: Any, assembly: Assembly) -> Any:
    """The assembly's partnerships, when the partnerships feature is installed."""
    section = getattr(request, "partnership_section", None)
    if section is None:
        return None
    return section(assembly_id=assembly.id)


def my_standing(request: Any, assembly: Assembly) -> dict[str, Any] | None:
    """The visitor's place in the assembly: role, request, verification, vote eligibility."""
    user = request.user
    if user is None:
        return None
    db = request.db
    membership = services.get_membership(db, assembly.id, user.id)
    latest = services.latest_request(db, assembly.id, user.id)
    return {
        "role": membership.role if membership else None,
        "since": membership.created_at if membership else None,
        "pending": latest if latest is not None and latest.status == rules.PENDING else None,
        "refused": latest
        if membership is None and latest is not None and latest.status == rules.REFUSED
        else None,
        "removed": services.removal_notice(db, assembly.id, user.id)
        if membership is None
        else None,
        "verification": services.verification(db, assembly.id, user.id),
        "eligible": services.is_eligible_voter(db, assembly, user),
    }


@view_config(route_name="assemblies.show", renderer="assemblies/show.jinja2")
def show_page(request: Any) -> dict[str, Any]:
    assembly = request.context.assembly
    db = request.db
    counts = services.role_counts(db, assembly.id)
    return {
        "assembly": assembly,
        "name": assembly_name(request, assembly),
        "description_html": render_markdown(localized(request, assembly, assembly.description)),
        "counts": counts,
        "total": sum(counts.values()),
        "facilitators": services.members(db, assembly.id, rules.FACILITATOR),
        "upcoming": services.upcoming_meetings(db, assembly.id, limit=5),
        "me": my_standing(request, assembly),
        "join_form": JoinForm.from_request(request),
        "can_join": can(request, perms.JOIN_ASSEMBLY),
        "can_leave": can(request, perms.LEAVE_ASSEMBLY),
        "can_edit": can(request, perms.EDIT_ASSEMBLY),
        "can_manage": can(request, perms.MANAGE_MEMBERS),
        "can_view_members": can(request, perms.VIEW_MEMBERS),
        "can_residents": can(request, perms.MANAGE_RESIDENTS),
        "can_schedule": can(request, perms.SCHEDULE_MEETING),
        "pending_count": services.count_pending_requests(db, assembly.id)
        if can(request, perms.MANAGE_MEMBERS)
        else 0,
        "panels": _panels(request, assembly),
        "rules": rules,
    }
