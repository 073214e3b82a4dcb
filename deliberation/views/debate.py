"""The debate's pages: arguing, replying, correcting, deleting, flagging, hiding.

The debate itself is shown on the partnership's page, as a panel (see
:func:`debate_panel`); these views take the forms posted from it, and show a form
of their own when something needs correcting (no JavaScript anywhere).
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from deliberation import forms
from deliberation.services import arguments, moderation
from partnerstate import permissions as perms
from partnerstate.database import utcnow
from partnerstate.forms import add_rule_errors
from partnerstate.i18n import _
from partnerstate.ids import parse_id
from partnerstate.markup import excerpt, is_long, render_markdown
from partnerstate.paging import page_number
from partnerstate.partnerships import membership
from partnerstate.partnerships import services as partnerships
from partnerstate.partnerships import vocabulary as vocab
from partnerstate.partnerships.errors import Invalid, ServiceError
from partnerstate.partnerships.forms import localize
from partnerstate.partnerships.models import Partnership


def _back(request: Any, partnership: Partnership, anchor: str = "deliberation") -> HTTPSeeOther:
    return HTTPSeeOther(request.route_url("partnerships.show", id=partnership.id, _anchor=anchor))


def _flash_error(request: Any, error: ServiceError) -> None:
    request.session.flash(request.translate(error.message), "error")


def _show_errors(form: Any, fields: dict[str, Any], fallback: str) -> None:
    """A service's field messages on the form (see ``add_rule_errors``)."""
    add_rule_errors(
        (getattr(form, name, None) or getattr(form, fallback), message)
        for name, message in fields.items()
    )


def participation(request: Any, partnership: Partnership) -> dict[str, Any]:
    """Who is looking, and what they may do in this deliberation."""
    user = request.user
    role = membership.role(request.db, partnership.assembly_id, user) if user else None
    open_now = partnerships.deliberation_is_open(partnership)
    return {
        "role": role,
        "open": open_now,
        "can_post": open_now and request.has_permission(perms.DELIBERATE),
        "can_moderate": request.has_permission(perms.MODERATE),
        "can_flag": user is not None,
    }


def debate_panel(request: Any, partnership: Partnership) -> dict[str, Any] | None:
    """The partnership page's "Deliberation" section: arguments side by side, threads."""
    if partnership.status == "draft":
        return None
    access = participation(request, partnership)
    # The threads come a page at a time: a deliberation may hold a thousand posts.
    page = page_number(request, name="threads")
    form = forms.ArgumentForm(meta={"locales": [request.locale_name, "en"]})
    return {
        **access,
        "debate": arguments.debate(request.db, partnership, page),
        "thread_page_url": lambda number: request.route_url(
            "partnerships.show",
            id=partnership.id,
            _query={"threads": number},
            _anchor="deliberation",
        ),
        "form": localize(form, request),
        "stances": forms.STANCE_LABELS,
        "markdown": render_markdown,
        "is_long": is_long,
        "excerpt": excerpt,
        "can_edit": lambda argument: arguments.can_edit(argument, request.user),
        "flag_count": moderation.open_flag_count(request.db, partnership)
        if access["can_moderate"]
        else 0,
        "now": utcnow(),
        "status_label": vocab.STATUSES[partnership.status],
    }


def _argue_context(request: Any, form: Any, parent: Any) -> dict[str, Any]:
    partnership = request.context.partnership
    return {
        "partnership": partnership,
        "form": localize(form, request),
        "parent": parent,
        "markdown": render_markdown,
        "stances": forms.STANCE_LABELS,
    }


@view_config(
    route_name="deliberation.argue",
    renderer="deliberation/argue.jinja2",
    permission=perms.DELIBERATE,
)
def argue(request: Any) -> Any:
    """GET: the form (to reply, ``?parent=N``). POST: a new argument or reply."""
    partnership: Partnership = request.context.partnership
    form = forms.ArgumentForm.from_request(request)
    raw_parent = request.params.get("parent") or request.POST.get("parent_id") or ""
    parent_id = parse_id(raw_parent)
    parent = arguments.get(request.db, partnership, parent_id) if parent_id else None
    if request.method == "GET":
        form.parent_id.data = str(parent.id) if parent else ""
        if parent is not None:
            form.stance.data = "neutral"
        return _argue_context(request, form, parent)
    if form.validate():
        try:
            argument = arguments.post(
                request.db,
                partnership,
                request.user,
                form.body.data,
                form.stance.data,
                parent_id=(parent_id or raw_parent) if raw_parent else None,
                locale=request.locale_name,
            )
        except Invalid as invalid:
            _show_errors(form, invalid.fields, "body")
        except ServiceError as error:
            _flash_error(request, error)
            return _back(request, partnership)
        else:
            message = _("Your reply was posted.") if parent else _("Your argument was posted.")
            request.session.flash(request.translate(message), "success")
            return _back(request, partnership, f"argument-{argument.id}")
    request.response.status = 422
    return _argue_context(request, form, parent)


@view_config(
    route_name="deliberation.argument.edit",
    renderer="deliberation/edit_argument.jinja2",
    permission=perms.DELIBERATE,
)
def edit_argument(request: Any) -> Any:
    argument = request.context.argument
    partnership = request.context.partnership
    form = localize(forms.EditArgumentForm.from_request(request, obj=argument), request)
    context = {"partnership": partnership, "argument": argument, "form": form}
    if request.method == "GET":
        if not arguments.can_edit(argument, request.user):
            request.session.flash(
                request.translate(
                    _("This post can no longer be changed; you may still delete it.")
                ),
                "error",
            )
            return _back(request, partnership, f"argument-{argument.id}")
        return context
    if form.validate():
        try:
            arguments.edit(request.db, argument, request.user, form.body.data, form.stance.data)
        except Invalid as invalid:
            _show_errors(form, invalid.fields, "body")
        except ServiceError as error:
            _flash_error(request, error)
            return _back(request, partnership, f"argument-{argument.id}")
        else:
            request.session.flash(request.translate(_("Your post was changed.")), "success")
            return _back(request, partnership, f"argument-{argument.id}")
    request.response.status = 422
    return context


@view_config(
    route_name="deliberation.argument.delete",
    renderer="deliberation/confirm_delete.jinja2",
    permission=perms.DELIBERATE,
)
def delete_argument(request: Any) -> Any:
    argument = request.context.argument
    partnership = request.context.partnership
    if request.method == "GET":
        return {"partnership": partnership, "argument": argument, "markdown": render_markdown}
    try:
        arguments.delete(request.db, argument, request.user)
    except ServiceError as error:
        _flash_error(request, error)
    else:
        request.session.flash(request.translate(_("Your post was deleted.")), "success")
    return _back(request, partnership, f"argument-{argument.id}")


@view_config(
    route_name="deliberation.argument.flag",
    renderer="deliberation/flag.jinja2",
    permission=perms.FLAG,
)
def flag_argument(request: Any) -> Any:
    argument = request.context.argument
    partnership = request.context.partnership
    form = localize(forms.FlagForm.from_request(request), request)
    context = {
        "partnership": partnership,
        "argument": argument,
        "form": form,
        "markdown": render_markdown,
    }
    if request.method == "GET":
        return context
    if not form.validate():
        # The note's rules run too (HTML, required for "other"): every problem at once.
        try:
            moderation.check_flag(form.reason.data, form.note.data)
        except Invalid as invalid:
            _show_errors(form, invalid.fields, "note")
    else:
        try:
            moderation.flag(request.db, argument, request.user, form.reason.data, form.note.data)
        except Invalid as invalid:
            _show_errors(form, invalid.fields, "note")
        except ServiceError as error:
            _flash_error(request, error)
            return _back(request, partnership, f"argument-{argument.id}")
        else:
            request.session.flash(
                request.translate(_("Thank you. The facilitators will look at this post.")),
                "success",
            )
            return _back(request, partnership, f"argument-{argument.id}")
    request.response.status = 422
    return context


@view_config(
    route_name="deliberation.argument.hide",
    renderer="deliberation/hide.jinja2",
    permission=perms.MODERATE,
)
def hide_argument(request: Any) -> Any:
    argument = request.context.argument
    partnership = request.context.partnership
    form = forms.HideForm.from_request(request)
    context = {
        "partnership": partnership,
        "argument": argument,
        "form": form,
        "markdown": render_markdown,
        "reasons": moderation.FLAG_REASONS,
    }
    if request.method == "GET":
        return context
    if form.validate():
        try:
            moderation.hide(request.db, argument, request.user, form.reason.data)
        except Invalid as invalid:
            _show_errors(form, invalid.fields, "reason")
        except ServiceError as error:
            _flash_error(request, error)
            return _back(request, partnership, f"argument-{argument.id}")
        else:
            request.session.flash(request.translate(_("The post is hidden.")), "success")
            return _back(request, partnership, f"argument-{argument.id}")
    request.response.status = 422
    return context


@view_config(
    route_name="deliberation.argument.restore", permission=perms.MODERATE, request_method="POST"
)
def restore_argument(request: Any) -> Any:
    argument = request.context.argument
    try:
        moderation.restore(request.db, argument, request.user)
    except ServiceError as error:
        _flash_error(request, error)
    else:
        request.session.flash(request.translate(_("The post is shown again.")), "success")
    return _back(request, request.context.partnership, f"argument-{argument.id}")


@view_config(
    route_name="deliberation.argument.dismiss", permission=perms.MODERATE, request_method="POST"
)
def dismiss_flags(request: Any) -> Any:
    argument = request.context.argument
    try:
        moderation.dismiss_flags(request.db, argument, request.user)
    except ServiceError as error:
        _flash_error(request, error)
    else:
        request.session.flash(
            request.translate(_("The flags were dismissed; the post stays.")), "success"
        )
    return HTTPSeeOther(
        request.route_url("deliberation.moderation", id=request.context.partnership.id)
    )


@view_config(
    route_name="deliberation.moderation",
    renderer="deliberation/moderation.jinja2",
    permission=perms.MODERATE,
)
def moderation_queue(request: Any) -> dict[str, Any]:
    partnership = request.context.partnership
    return {
        "partnership": partnership,
        "flagged": moderation.open_flags(request.db, partnership),
        "reasons": moderation.FLAG_REASONS,
        "markdown": render_markdown,
    }
