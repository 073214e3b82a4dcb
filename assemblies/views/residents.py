"""Pages of resident verification: proving one's residence, the census, invitation codes.

A failed attempt is counted in the database; these views return their page
(never raise) after a failure so that the count is committed with the request.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from assemblies import census, rules, services
from assemblies.forms import (
    CensusImportForm,
    CensusVerifyForm,
    CodeForm,
    InvitationsForm,
    localize_choices,
)
from assemblies.views.common import assembly_name, flash, role_label
from partnerstate import permissions as perms
from partnerstate.headers import no_store
from partnerstate.i18n import _
from partnerstate.views.throttling import client_address

MAX_UPLOAD = 200 * 1024 * 1024


def _verify_page(
    request: Any,
    census_form: CensusVerifyForm | None = None,
    code_form: CodeForm | None = None,
) -> dict[str, Any]:
    assembly = request.context.assembly
    db = request.db
    return {
        "assembly": assembly,
        "name": assembly_name(request, assembly),
        "verification": services.verification(db, assembly.id, request.user.id),
        "role": services.membership_role(db, assembly.id, request.user.id),
        "has_census": services.has_census(db, assembly.id),
        "census_key": assembly.census_key or census.POSTCODE,
        "census_form": census_form or CensusVerifyForm(),
        "code_form": code_form or CodeForm(),
        "attempts_left": services.attempts_left(db, assembly.id, request.user.id),
        "methods": rules.VERIFICATION_METHODS,
    }


@view_config(
    route_name="assemblies.verify",
    renderer="assemblies/verify.jinja2",
    permission=perms.VERIFY_RESIDENCE,
)
def verify(request: Any) -> Any:
    """Prove one's residence with the data the census holds about oneself."""
    assembly = request.context.assembly
    form = CensusVerifyForm.from_request(request)
    if request.method != "POST":
        return _verify_page(request, census_form=form)
    key = assembly.census_key or census.POSTCODE
    if form.validate():
        try:
            services.verify_with_census(
                request.db,
                assembly,
                request.user,
                form.identifier.data,
                form.value_field(key).data or "",
                address=client_address(request),
            )
        except services.Throttled as error:
            request.response.status = 429
            request.response.headers["Retry-After"] = str(error.retry_after)
            form.add_error("identifier", error.message)
        except rules.Invalid as error:
            request.response.status = 422
            for name, message in error.fields.items():
                form.add_error(name if name in form else "identifier", message)
        except services.Conflict as error:
            request.response.status = 409
            form.add_error("identifier", error.message)
        else:
            flash(request, _("Thank you: you are now a verified resident of this assembly."))
            return HTTPSeeOther(request.route_url("assemblies.show", id=assembly.id))
    else:
        request.response.status = 422
    return _verify_page(request, census_form=form)


@view_config(
    route_name="assemblies.redeem",
    renderer="assemblies/verify.jinja2",
    permission=perms.VERIFY_RESIDENCE,
    request_method="POST",
)
def redeem(request: Any) -> Any:
    """Use an invitation code: a verified resident, and a member if not yet."""
    assembly = request.context.assembly
    form = CodeForm.from_request(request)
    if form.validate():
        was_member = services.membership_role(request.db, assembly.id, request.user.id)
        try:
            membership, _record = services.redeem_invitation(
                request.db, assembly, request.user, form.code.data, client_address(request)
            )
        except services.Throttled as error:
            request.response.status = 429
            request.response.headers["Retry-After"] = str(error.retry_after)
            form.add_error("code", error.message)
        except rules.Invalid as error:
            request.response.status = 422
            form.add_error("code", next(iter(error.fields.values())))
        except services.Conflict as error:
            request.response.status = 409
            form.add_error("code", error.message)
        else:
            if was_member:
                flash(request, _("Thank you: you are now a verified resident of this assembly."))
            else:
                flash(
                    request,
                    _(
                        "Welcome! You joined the assembly as ${role}, as a verified resident.",
                        mapping={"role": role_label(request, membership.role)},
                    ),
                )
            return HTTPSeeOther(request.route_url("assemblies.show", id=assembly.id))
    else:
        request.response.status = 422
    return _verify_page(request, code_form=form)


# --- officials: the census and invitation codes ----------------------------------------------


def _census_page(
    request: Any, form: CensusImportForm, problems: Any = None, total_problems: int = 0
) -> dict[str, Any]:
    assembly = request.context.assembly
    total, used = services.census_stats(request.db, assembly.id)
    return {
        "assembly": assembly,
        "name": assembly_name(request, assembly),
        "form": form,
        "total": total,
        "used": used,
        "problems": problems or [],
        "total_problems": total_problems,
    }


@view_config(
    route_name="assemblies.census",
    renderer="assemblies/census.jinja2",
    permission=perms.MANAGE_RESIDENTS,
)
def census_page(request: Any) -> Any:
    """Import a census CSV: checked whole first; a malformed file imports nothing."""
    assembly = request.context.assembly
    form = CensusImportForm.from_request(request)
    if request.method != "POST":
        return _census_page(request, form)
    form.validate()  # nothing to refuse here; it makes the errors lists
    upload = request.POST.get("file")
    data = upload.file.read(MAX_UPLOAD + 1) if hasattr(upload, "file") else b""
    if not data:
        form.add_error("file", _("Choose a CSV file."))
        request.response.status = 422
        return _census_page(request, form)
    if len(data) > MAX_UPLOAD:
        form.add_error("file", _("The file is too large (at most 200 MB)."))
        request.response.status = 422
        return _census_page(request, form)
    try:
        parsed = census.parse_census(census.decode(data))
    except census.CensusError as error:
        form.add_error("file", _("The file was not imported: correct these lines and try again."))
        request.response.status = 422
        return _census_page(request, form, error.problems, error.total)
    try:
        result = services.import_census(
            request.db, assembly, parsed, request.user, replace=bool(form.replace.data)
        )
    except rules.Invalid as error:
        form.add_error("file", next(iter(error.fields.values())))
        request.response.status = 422
        return _census_page(request, form)
    flash(
        request,
        _(
            "Census imported: ${added} new residents, ${already} already present.",
            mapping={"added": result.added, "already": result.already},
        ),
    )
    return HTTPSeeOther(request.route_url("assemblies.census", id=assembly.id))


@view_config(
    route_name="assemblies.invitations",
    renderer="assemblies/invitations.jinja2",
    permission=perms.MANAGE_RESIDENTS,
)
def invitations_page(request: Any) -> Any:
    """Issue single-use codes (shown once, on this response) and see which were used."""
    assembly = request.context.assembly
    form = localize_choices(InvitationsForm.from_request(request), request)
    codes: list[str] = []
    if request.method == "POST":
        if form.validate():
            codes = services.issue_invitations(
                request.db,
                assembly,
                request.user,
                form.count.data,
                form.note.data or "",
                form.role.data,
            )
            no_store(request)
        else:
            request.response.status = 422
    total, used = services.invitation_stats(request.db, assembly.id)
    return {
        "assembly": assembly,
        "name": assembly_name(request, assembly),
        "form": form,
        "codes": codes,
        "invitations": services.invitations(request.db, assembly.id),
        "total": total,
        "used": used,
        "role_label": lambda role: role_label(request, role),
    }
