"""Partnership pages: the list, drafting, the page itself, editing, versions, moves.

Views are thin: they read a form, call ``services``, and render or redirect. The
deliberation's sections of the page come from other packages as "panels"
(``config.add_partnership_panel``), so this module never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.httpexceptions import HTTPConflict, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from partnerstate import permissions as perms
from partnerstate.commons import taxonomy as commons_tx
from partnerstate.commons.models import Commons
from partnerstate.database import utcnow
from partnerstate.i18n import LOCALES, _
from partnerstate.ids import parse_id
from partnerstate.localized import pick
from partnerstate.markup import render_markdown
from partnerstate.paging import page_count, redirect_past_last_page
from partnerstate.partnerships import diff, forms, lifecycle, membership, services
from partnerstate.partnerships import vocabulary as vocab
from partnerstate.partnerships.errors import Invalid, ServiceError
from partnerstate.partnerships.models import CONTENT_FIELDS, Partnership
from partnerstate.partnerships.resources import readable_drafts
from partnerstate.security import RootContext

PAGE_SIZE = 25


def _settings(request: Any) -> Any:
    return request.registry["partnerstate.settings"]


def _flash_error(request: Any, error: ServiceError) -> None:
    request.session.flash(request.translate(error.message), "error")
    for message in error.fields.values():
        request.session.flash(request.translate(message), "error")


def route_url_or_none(request: Any, name: str, **kwargs: Any) -> str | None:
    """A link to another package's page, or None if that package has no such route."""
    try:
        return str(request.route_url(name, **kwargs))
    except KeyError:
        return None


def partnership_section(
    request: Any, commons_id: int | None = None, assembly_id: int | None = None
) -> dict[str, Any]:
    """Request method for other packages' pages (a commons, an assembly).

    ``{% set section = request.partnership_section(commons_id=commons.id) %}`` then
    ``{% include "partnerships/_section.jinja2" %}`` lists that commons' partnerships.
    """
    drafts = readable_drafts(request)
    if commons_id is not None:
        items = list(services.for_commons(request.db, commons_id, drafts))
    elif assembly_id is not None:
        items = list(services.for_assembly(request.db, assembly_id, drafts))
    else:
        items = []
    query = {"commons": commons_id} if commons_id else {"assembly": assembly_id}
    can_draft = request.has_permission(perms.DRAFT_PARTNERSHIP, RootContext(request))
    if commons_id is not None:
        commons = request.db.get(Commons, commons_id)
        can_draft = can_draft and commons is not None and commons.status == commons_tx.PUBLISHED
    return {
        "items": items,
        "vocab": vocab,
        "show_commons": commons_id is None,
        "new_url": request.route_url("partnerships.new", _query=query) if can_draft else None,
        "list_url": request.route_url("partnerships.list", _query=query),
    }


# --- the list -------------------------------------------------------------------------------------


@view_config(route_name="partnerships.list", renderer="partnerships/list.jinja2")
def list_partnerships(request: Any) -> dict[str, Any]:
    params = request.GET
    status = params.get("status", "")
    query = services.Query(
        status=status if status in vocab.STATUSES else None,
        commons_id=parse_id(params.get("commons", "")),
        assembly_id=parse_id(params.get("assembly", "")),
        drafts=readable_drafts(request),
    )
    page = parse_id(params.get("page", "")) or 1
    total = services.count(request.db, query)
    pages = page_count(total, PAGE_SIZE)
    filters = {
        "status": query.status or "",
        "commons": str(query.commons_id or ""),
        "assembly": str(query.assembly_id or ""),
    }

    def page_url(number: int) -> str:
        return request.route_url(
            "partnerships.list", _query={**{k: v for k, v in filters.items() if v}, "page": number}
        )

    redirect_past_last_page(page, pages, page_url)
    items = services.search(request.db, query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    # The rows' commons came with them (services.search): no query per name.
    commons_names = {
        item.commons_id: item.commons.display_name(request.locale_name) for item in items
    }

    return {
        "items": items,
        "total": total,
        "page": page,
        "pages": pages,
        "page_url": page_url,
        "filters": filters,
        "commons_names": commons_names,
        "commons_choices": services.commons_with_partnerships(request.db, request.locale_name),
        "assembly_choices": membership.choices(request.db, request.locale_name),
        "assembly_names": dict(membership.choices(request.db, request.locale_name)),
        "statuses": vocab.STATUSES,
        "vocab": vocab,
    }


# --- drafting and editing -------------------------------------------------------------------------


def _rule_errors(form: forms.PartnershipForm, check: Callable[[dict[str, Any]], Any]) -> None:
    """The rules on a form WTForms refused, so that every problem shows at once.

    ``check`` (``services.check_draft``, ``check_edit``) judges the text the form could
    read and saves nothing; an unreadable input keeps the form's own message.
    """
    data, rows = form.to_data()
    try:
        check(data)
    except Invalid as invalid:
        form.show_errors(invalid.fields, rows)


def _new_form(request: Any) -> forms.PartnershipForm:
    form = forms.PartnershipForm.from_request(request)
    form.commons_id.choices = [("", request.translate(_("— choose —")))] + [
        (c.id, c.display_name(request.locale_name)) for c in services.published_commons(request.db)
    ]
    form.assembly_id.choices = [("", request.translate(_("— choose —")))] + list(
        membership.choices(request.db, request.locale_name)
    )
    return form


@view_config(
    route_name="partnerships.new",
    renderer="partnerships/form.jinja2",
    permission=perms.DRAFT_PARTNERSHIP,
)
def new_partnership(request: Any) -> Any:
    form = _new_form(request)
    if request.method == "GET":
        form.language.data = request.locale_name
        form.commons_id.data = parse_id(request.GET.get("commons", ""))
        form.assembly_id.data = parse_id(request.GET.get("assembly", ""))
        form.dispute_resolution.data = request.translate(
            _(
                "Conciliation by a committee of three members: one named by each party and "
                "one jointly. The committee makes a non-binding proposal within 30 days."
            )
        )
        forms.add_spare_rows(form, city=5, commons=3)
        return {"form": forms.localize(form, request), "partnership": None, "originals": {}}
    if not form.validate():
        _rule_errors(
            form,
            lambda data: services.check_draft(
                request.db,
                form.assembly_id.data,
                form.commons_id.data,
                data,
                locale=form.language.data,
            ),
        )
    else:
        data, rows = form.to_data()
        try:
            partnership = services.draft(
                request.db,
                request.user,
                form.assembly_id.data,
                form.commons_id.data,
                data,
                locale=form.language.data,
            )
        except Invalid as invalid:
            form.show_errors(invalid.fields, rows)
        else:
            request.session.flash(
                request.translate(_("The draft partnership was saved.")), "success"
            )
            return HTTPSeeOther(request.route_url("partnerships.show", id=partnership.id))
    request.response.status = 422
    forms.add_spare_rows(form)
    return {"form": forms.localize(form, request), "partnership": None, "originals": {}}


@view_config(
    route_name="partnerships.edit",
    renderer="partnerships/form.jinja2",
    permission=perms.EDIT_PARTNERSHIP,
)
def edit_partnership(request: Any) -> Any:
    partnership: Partnership = request.context.partnership
    if not lifecycle.is_editable(partnership.status):
        raise HTTPConflict(
            request.translate(
                _(
                    "The partnership is ${status}: its text can no longer change.",
                    mapping={"status": request.translate(vocab.STATUSES[partnership.status])},
                )
            )
        )
    form = forms.PartnershipForm.from_request(request)
    del form.assembly_id, form.commons_id
    language = request.params.get("language")
    if language not in LOCALES:
        language = partnership.locale if partnership.locale in LOCALES else request.locale_name
    context = {
        "form": form,
        "partnership": partnership,
        "originals": forms.originals(partnership.content(), partnership.locale, language),
    }
    if request.method == "GET":
        forms.fill(form, partnership.content(), language)
        forms.localize(form, request)
        return context
    if not form.validate():
        _rule_errors(
            form,
            lambda data: services.check_edit(partnership, data, form.language.data, form.note.data),
        )
    else:
        data, rows = form.to_data()
        try:
            version = services.edit(
                request.db, partnership, request.user, data, form.language.data, form.note.data
            )
        except Invalid as invalid:
            form.show_errors(invalid.fields, rows)
        except ServiceError as error:
            _flash_error(request, error)
            return HTTPSeeOther(request.route_url("partnerships.show", id=partnership.id))
        else:
            message = (
                _("Saved as version ${number}.", mapping={"number": version.number})
                if version
                else _("Nothing changed.")
            )
            request.session.flash(request.translate(message), "success")
            return HTTPSeeOther(request.route_url("partnerships.show", id=partnership.id))
    request.response.status = 422
    forms.add_spare_rows(form)
    forms.localize(form, request)
    return context


# --- the page -------------------------------------------------------------------------------------


def _panels(request: Any, partnership: Partnership) -> list[dict[str, Any]]:
    shown = []
    for panel in request.registry.get("partnerstate.partnership_panels", []):
        data = panel["factory"](request, partnership)
        if data is not None:
            shown.append({"name": panel["name"], "template": panel["template"], "data": data})
    return shown


def _history(request: Any, partnership: Partnership) -> list[Any]:
    return services.history(request.db, partnership)


@view_config(route_name="partnerships.show", renderer="partnerships/show.jinja2")
def show_partnership(request: Any) -> dict[str, Any]:
    partnership: Partnership = request.context.partnership
    db = request.db
    now = utcnow()
    assembly = membership.get_assembly(db, partnership.assembly_id)
    moves = services.available_moves(db, partnership, request.user)
    move_form = forms.MoveForm(meta={"locales": [request.locale_name, "en"]})
    move_form.ends_on.data = forms.local_day(
        lifecycle.default_deadline(now), _settings(request).timezone
    )
    deadline_form = forms.DeadlineForm(meta={"locales": [request.locale_name, "en"]})
    deadline_form.ends_on.data = forms.local_day(
        partnership.deliberation_ends_at, _settings(request).timezone
    )
    roles = services.roles_of(db, partnership, request.user) if request.user else frozenset()
    return {
        "partnership": partnership,
        "commons": partnership.commons,
        "assembly": assembly,
        "assembly_name": membership.assembly_name(assembly, request.locale_name)
        if assembly
        else "",
        "assembly_url": route_url_or_none(request, "assemblies.show", id=partnership.assembly_id),
        "deadline": services.deadline(partnership, now),
        "moves": moves,
        "move_form": move_form,
        "deadline_form": deadline_form,
        "can_set_deadline": partnership.status == "deliberation"
        and bool(roles & {lifecycle.Role.OFFICIAL, lifecycle.Role.FACILITATOR}),
        "can_edit": request.has_permission(perms.EDIT_PARTNERSHIP)
        and lifecycle.is_editable(partnership.status),
        "panels": _panels(request, partnership),
        "history": _history(request, partnership),
        "versions": services.versions(db, partnership),
        "vocab": vocab,
        "licences": commons_tx.OUTPUT_LICENCES,
        "markdown": render_markdown,
    }


# --- versions -------------------------------------------------------------------------------------


def _kind_label(request: Any, kind: str | None) -> str:
    label = vocab.COMMITMENT_KINDS.get(kind or "")
    return request.translate(label) if label else (kind or "")


def content_lines(request: Any, content: dict[str, Any], fallback: str) -> dict[str, str]:
    """A version's text as one plain string per field, in the request's language."""
    locale = request.locale_name
    lines: dict[str, str] = {}
    for name in CONTENT_FIELDS:
        value = content.get(name)
        if name in vocab.TEXT_FIELDS:
            lines[name] = pick(value or {}, locale, fallback)
        elif name == "kind":
            lines[name] = request.translate(vocab.TYPES.get(value or "", value or ""))
        elif name == "output_licence":
            label = commons_tx.OUTPUT_LICENCES.get(value or "", value or "")
            lines[name] = request.translate(label) if label else ""
        elif name == "duration_months":
            lines[name] = "" if value is None else str(value)
        elif name == "city_commitments":
            lines[name] = "\n".join(
                f"{number}. {_kind_label(request, item.get('kind'))}"
                f" — {pick(item.get('description') or {}, locale, fallback)}"
                + (f" ({item['quantity']})" if item.get("quantity") else "")
                for number, item in enumerate(value or [], start=1)
            )
        elif name == "commons_commitments":
            lines[name] = "\n".join(
                f"{number}. {pick(item.get('description') or {}, locale, fallback)}"
                for number, item in enumerate(value or [], start=1)
            )
    return lines


def field_diffs(
    request: Any, old: dict[str, Any], new: dict[str, Any], fallback: str
) -> list[diff.FieldDiff]:
    return diff.diff_fields(
        content_lines(request, old, fallback), content_lines(request, new, fallback), CONTENT_FIELDS
    )


@view_config(route_name="partnerships.versions", renderer="partnerships/versions.jinja2")
def list_versions(request: Any) -> dict[str, Any]:
    partnership: Partnership = request.context.partnership
    return {
        "partnership": partnership,
        "versions": services.versions(request.db, partnership),
        "vocab": vocab,
    }


@view_config(route_name="partnerships.version", renderer="partnerships/version.jinja2")
def show_version(request: Any) -> dict[str, Any]:
    """Version N compared with version N-1, or with ``?against=M``."""
    partnership: Partnership = request.context.partnership
    number = parse_id(request.matchdict["number"])
    version = services.get_version(request.db, partnership, number) if number else None
    if version is None:
        raise HTTPNotFound(request.translate(_("There is no such version.")))
    against_number = parse_id(request.GET.get("against", "")) or max(1, version.number - 1)
    against = services.get_version(request.db, partnership, against_number)
    if against is None:
        raise HTTPNotFound(request.translate(_("There is no such version.")))
    return {
        "partnership": partnership,
        "version": version,
        "against": against,
        "diffs": field_diffs(request, against.content, version.content, partnership.locale),
        "versions": services.versions(request.db, partnership),
        "labels": vocab.FIELD_LABELS,
    }


# --- moves ----------------------------------------------------------------------------------------


@view_config(
    route_name="partnerships.move",
    renderer="partnerships/move.jinja2",
    permission=perms.MOVE_PARTNERSHIP,
)
def move_partnership(request: Any) -> Any:
    """A lifecycle move from the page: GET shows the confirmation form, POST makes it."""
    partnership: Partnership = request.context.partnership
    name = request.matchdict["name"]
    move = lifecycle.TRANSITIONS.get(name)
    if move is None or not move.manual:
        raise HTTPNotFound()
    form = forms.MoveForm.from_request(request)
    timezone = _settings(request).timezone
    context: dict[str, Any] = {
        "partnership": partnership,
        "move": move,
        "form": form,
        "vocab": vocab,
    }
    if request.method == "GET":
        if move.needs_deadline:
            form.ends_on.data = forms.local_day(lifecycle.default_deadline(utcnow()), timezone)
        return context
    if form.validate():
        ends_at = forms.end_of_day(form.ends_on.data, timezone) if form.ends_on.data else None
        try:
            services.move(
                request.db,
                partnership,
                name,
                request.user,
                ends_at=ends_at if move.needs_deadline else None,
                reason=form.reason.data or "",
            )
        except Invalid as invalid:
            for field, message in invalid.fields.items():
                target = {"ends_at": form.ends_on, "reason": form.reason}.get(field)
                if target is not None:
                    target.errors = [*target.errors, message]
                else:
                    context.setdefault("problems", []).append(message)
        except ServiceError as error:
            _flash_error(request, error)
            return HTTPSeeOther(request.route_url("partnerships.show", id=partnership.id))
        else:
            request.session.flash(
                request.translate(
                    _(
                        "The partnership is now: ${status}.",
                        mapping={"status": request.translate(vocab.STATUSES[partnership.status])},
                    )
                ),
                "success",
            )
            return HTTPSeeOther(request.route_url("partnerships.show", id=partnership.id))
    request.response.status = 422
    return context


@view_config(
    route_name="partnerships.deadline",
    renderer="partnerships/move.jinja2",
    permission=perms.MOVE_PARTNERSHIP,
    request_method="POST",
)
def set_deadline(request: Any) -> Any:
    partnership: Partnership = request.context.partnership
    form = forms.DeadlineForm.from_request(request)
    if form.validate():
        ends_at = forms.end_of_day(form.ends_on.data, _settings(request).timezone)
        try:
            services.set_deadline(request.db, partnership, request.user, ends_at)
        except Invalid as invalid:
            form.ends_on.errors = [*form.ends_on.errors, *invalid.fields.values()]
        except ServiceError as error:
            _flash_error(request, error)
            return HTTPSeeOther(request.route_url("partnerships.show", id=partnership.id))
        else:
            request.session.flash(request.translate(_("The deadline was changed.")), "success")
            return HTTPSeeOther(request.route_url("partnerships.show", id=partnership.id))
    request.response.status = 422
    return {"partnership": partnership, "move": None, "form": form, "vocab": vocab}
