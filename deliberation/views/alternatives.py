"""Alternatives' pages: propose, read (with what it changes), revise, decline, reinstate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from deliberation import forms
from deliberation.services import alternatives
from deliberation.views.debate import participation
from partnerstate import permissions as perms
from partnerstate.forms import add_rule_errors
from partnerstate.i18n import LOCALES, _
from partnerstate.markup import render_markdown
from partnerstate.partnerships import forms as partnership_forms
from partnerstate.partnerships import validation
from partnerstate.partnerships import vocabulary as vocab
from partnerstate.partnerships.errors import Invalid, ServiceError
from partnerstate.partnerships.models import Partnership
from partnerstate.partnerships.views import field_diffs


def alternatives_panel(request: Any, partnership: Partnership) -> dict[str, Any] | None:
    """The partnership page's "Alternatives" section, and what the ballot will offer."""
    if partnership.status == "draft":
        return None
    items = alternatives.all_for(request.db, partnership)
    return {
        **participation(request, partnership),
        "can_propose": bool(request.has_permission(perms.PROPOSE_ALTERNATIVE)),
        "alternatives": items,
        "options": alternatives.ballot_options(request.db, partnership),
        "reasons": alternatives.DECLINE_REASONS,
        "markdown": render_markdown,
        "labels": vocab.FIELD_LABELS,
        "before_vote": partnership.status == "deliberation",
    }


def _language(request: Any, partnership: Partnership) -> str:
    language = request.params.get("language")
    if language in LOCALES:
        return str(language)
    return partnership.locale if partnership.locale in LOCALES else request.locale_name


def _changes(form: Any, partnership: Partnership) -> tuple[dict[str, Any], dict[str, list[int]]]:
    data, rows = form.to_data()
    # The form shows the whole text; the service keeps only what really differs.
    return data, rows


def _form_context(
    request: Any, form: Any, partnership: Partnership, alternative: Any = None
) -> dict[str, Any]:
    partnership_forms.localize(form, request)
    return {
        "partnership": partnership,
        "alternative": alternative,
        "form": form,
        "originals": partnership_forms.originals(
            partnership.content(), partnership.locale, form.language.data
        ),
    }


@view_config(
    route_name="deliberation.alternatives.new",
    renderer="deliberation/alternative_form.jinja2",
    permission=perms.PROPOSE_ALTERNATIVE,
)
def propose(request: Any) -> Any:
    partnership: Partnership = request.context.partnership
    form = forms.alternative_form(request)
    if request.method == "GET":
        partnership_forms.fill(form, partnership.content(), _language(request, partnership))
        return _form_context(request, form, partnership)
    if not form.validate():
        _rule_errors(
            form,
            lambda data: alternatives.check(
                partnership, form.alt_title.data, form.summary.data, data, form.language.data
            ),
        )
    else:
        data, rows = _changes(form, partnership)
        try:
            alternative = alternatives.propose(
                request.db,
                partnership,
                request.user,
                form.alt_title.data,
                form.summary.data,
                data,
                locale=form.language.data,
            )
        except Invalid as invalid:
            _show_errors(form, invalid.fields, rows)
        except ServiceError as error:
            request.session.flash(request.translate(error.message), "error")
            return HTTPSeeOther(
                request.route_url("partnerships.show", id=partnership.id, _anchor="alternatives")
            )
        else:
            request.session.flash(
                request.translate(_("Your alternative was added; it will be on the ballot.")),
                "success",
            )
            return HTTPSeeOther(
                request.route_url(
                    "deliberation.alternative", id=partnership.id, alternative_id=alternative.id
                )
            )
    request.response.status = 422
    partnership_forms.add_spare_rows(form)
    return _form_context(request, form, partnership)


def _show_errors(form: Any, fields: dict[str, Any], rows: dict[str, list[int]]) -> None:
    own = []
    mapped: dict[str, Any] = {}
    for name, message in fields.items():
        if name == "title":
            own.append((form.alt_title, message))
        elif name == "summary":
            own.append((form.summary, message))
        else:
            mapped[name.removeprefix("changes.")] = message
    add_rule_errors(own)
    form.show_errors(mapped, rows)


def _rule_errors(form: Any, check: Callable[[dict[str, Any]], Any]) -> None:
    """The rules on a form WTForms refused, so that every problem shows at once.

    ``check`` (``alternatives.check``) judges what the form could read and saves
    nothing; an unreadable input keeps the form's own message.
    """
    data, rows = form.to_data()
    try:
        check(data)
    except Invalid as invalid:
        _show_errors(form, invalid.fields, rows)


@view_config(route_name="deliberation.alternative", renderer="deliberation/alternative.jinja2")
def show(request: Any) -> dict[str, Any]:
    partnership: Partnership = request.context.partnership
    alternative = request.context.alternative
    diffs = field_diffs(
        request, partnership.content(), alternatives.content(alternative), partnership.locale
    )
    return {
        "partnership": partnership,
        "alternative": alternative,
        "diffs": [d for d in diffs if d.changed],
        "labels": vocab.FIELD_LABELS,
        "reasons": alternatives.DECLINE_REASONS,
        "markdown": render_markdown,
        "can_revise": request.has_permission(perms.DELIBERATE)
        and not alternative.declined
        and participation(request, partnership)["open"],
        "can_moderate": request.has_permission(perms.MODERATE)
        and partnership.status == "deliberation",
    }


@view_config(
    route_name="deliberation.alternative.edit",
    renderer="deliberation/alternative_form.jinja2",
    permission=perms.DELIBERATE,
)
def revise(request: Any) -> Any:
    partnership: Partnership = request.context.partnership
    alternative = request.context.alternative
    form = forms.alternative_form(request)
    here = request.route_url(
        "deliberation.alternative", id=partnership.id, alternative_id=alternative.id
    )
    if request.method == "GET":
        language = _language(request, partnership)
        partnership_forms.fill(form, alternatives.content(alternative), language)
        form.alt_title.data = alternative.title.get(language) or alternative.display_title(language)
        form.summary.data = alternative.summary.get(language, "")
        return _form_context(request, form, partnership, alternative)
    if not form.validate():
        _rule_errors(
            form,
            lambda data: alternatives.check(
                partnership,
                form.alt_title.data,
                form.summary.data,
                data,
                form.language.data,
                alternative,
            ),
        )
    else:
        data, rows = _changes(form, partnership)
        try:
            alternatives.revise(
                request.db,
                alternative,
                request.user,
                {"title": form.alt_title.data, "summary": form.summary.data, "changes": data},
                form.language.data,
            )
        except Invalid as invalid:
            _show_errors(form, invalid.fields, rows)
        except ServiceError as error:
            request.session.flash(request.translate(error.message), "error")
            return HTTPSeeOther(here)
        else:
            request.session.flash(request.translate(_("Your alternative was revised.")), "success")
            return HTTPSeeOther(here)
    request.response.status = 422
    partnership_forms.add_spare_rows(form)
    return _form_context(request, form, partnership, alternative)


@view_config(
    route_name="deliberation.alternative.decline",
    renderer="deliberation/decline.jinja2",
    permission=perms.MODERATE,
)
def decline(request: Any) -> Any:
    partnership: Partnership = request.context.partnership
    alternative = request.context.alternative
    form = partnership_forms.localize(forms.DeclineForm.from_request(request), request)
    here = request.route_url(
        "deliberation.alternative", id=partnership.id, alternative_id=alternative.id
    )
    context = {"partnership": partnership, "alternative": alternative, "form": form}
    if request.method == "GET":
        return context
    if not form.validate():
        # The explanation's rules run too (HTML), so that every problem shows at once:
        # the same ``clean_reason`` that ``alternatives.decline`` applies to it.
        try:
            validation.clean_reason(form.note.data, field="note")
        except Invalid as invalid:
            add_rule_errors((form.note, message) for message in invalid.fields.values())
    else:
        try:
            alternatives.decline(
                request.db, alternative, request.user, form.reason.data, form.note.data
            )
        except Invalid as invalid:
            add_rule_errors(
                (getattr(form, name, form.note), message)
                for name, message in invalid.fields.items()
            )
        except ServiceError as error:
            request.session.flash(request.translate(error.message), "error")
            return HTTPSeeOther(here)
        else:
            request.session.flash(
                request.translate(_("The alternative was declined; it will not be on the ballot.")),
                "success",
            )
            return HTTPSeeOther(here)
    request.response.status = 422
    return context


@view_config(
    route_name="deliberation.alternative.reinstate",
    permission=perms.MODERATE,
    request_method="POST",
)
def reinstate(request: Any) -> Any:
    partnership: Partnership = request.context.partnership
    alternative = request.context.alternative
    try:
        alternatives.reinstate(request.db, alternative, request.user)
    except ServiceError as error:
        request.session.flash(request.translate(error.message), "error")
    else:
        request.session.flash(
            request.translate(_("The alternative is back on the ballot.")), "success"
        )
    return HTTPSeeOther(
        request.route_url(
            "deliberation.alternative", id=partnership.id, alternative_id=alternative.id
        )
    )
