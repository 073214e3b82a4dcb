"""HTML forms of partnerships. They only collect input: the rules are in ``validation``.

A form edits the texts in one language at a time (``language``); the other
languages are kept. Commitments are repeated rows; blank rows are ignored, and a
few are always offered so that more can be added without JavaScript.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import wtforms
from pyramid.i18n import TranslationString
from wtforms import (
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import validators as v
from wtforms.fields.choices import SelectChoice

from partnerstate.commons import taxonomy as commons_tx
from partnerstate.forms import Form, add_rule_errors, length, required
from partnerstate.i18n import LOCALES, _
from partnerstate.localized import pick
from partnerstate.partnerships import validation
from partnerstate.partnerships import vocabulary as vocab
from partnerstate.partnerships.validation import TEXTS

# Empty commitment rows offered beyond the filled ones.
SPARE_ROWS = 3


def _choices(mapping: dict[str, Any], blank: Any = None) -> list[Any]:
    rows = [SelectChoice("", blank)] if blank is not None else []
    return rows + [SelectChoice(key, label) for key, label in mapping.items()]


def localize(form: Any, request: Any) -> Any:
    """Translate the options of every select and radio list (also in repeated rows).

    Labels are lazy TranslationStrings and WTForms would print their English msgid;
    call this last, after rows were added, just before rendering.
    """
    for field in form:
        _localize_field(field, request)
    return form


def _localize_field(field: Any, request: Any) -> None:
    if isinstance(field, FieldList):
        for entry in field.entries:
            _localize_field(entry, request)
    elif isinstance(field, FormField):
        for sub in field.form:
            _localize_field(sub, request)
    elif isinstance(field, SelectField) and field.choices:
        field.choices = [_localize_choice(choice, request) for choice in field.choices]


def _localize_choice(choice: Any, request: Any) -> Any:
    if isinstance(choice, SelectChoice):
        if isinstance(choice.label, TranslationString):
            return dataclasses.replace(choice, label=request.translate(choice.label))
        return choice
    value, label, *rest = choice
    if isinstance(label, TranslationString):
        label = request.translate(label)
    return (value, label, *rest)


def _coerce_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CityCommitmentForm(wtforms.Form):
    kind = SelectField(
        _("Kind"), choices=_choices(vocab.COMMITMENT_KINDS, blank=_("— choose —")), default=""
    )
    description = TextAreaField(
        _("What the city commits to"), [length(validation.MAX_COMMITMENT)], render_kw={"rows": 2}
    )
    quantity = StringField(_("Quantity or value (optional)"), [length(validation.MAX_QUANTITY)])


class CommonsCommitmentForm(wtforms.Form):
    description = TextAreaField(
        _("What the commoners commit to"),
        [length(validation.MAX_COMMITMENT)],
        render_kw={"rows": 2},
    )


class PartnershipForm(Form):
    """The text of a partnership (new and edit)."""

    assembly_id = SelectField(_("Assembly"), coerce=_coerce_int, validate_choice=False)
    commons_id = SelectField(_("Commons"), coerce=_coerce_int, validate_choice=False)
    language = SelectField(
        _("Language of the texts below"),
        choices=[
            SelectChoice(code, name, render_kw={"lang": code}) for code, name in LOCALES.items()
        ],
    )
    title = StringField(_("Title"), [length(validation.MAX_TITLE)])
    kind = SelectField(_("Type"), choices=_choices(vocab.TYPES), default="ordinary")
    purpose = TextAreaField(_("Purpose and general interest"), [length(validation.MAX_TEXT)])
    objectives = TextAreaField(_("Objectives and work plan"), [length(validation.MAX_TEXT)])
    city_commitments = FieldList(FormField(CityCommitmentForm), _("City commitment"), min_entries=1)
    commons_commitments = FieldList(
        FormField(CommonsCommitmentForm), _("Commoners' commitment"), min_entries=1
    )
    access_rules = TextAreaField(
        _("Access and collective-use rules"), [length(validation.MAX_TEXT)]
    )
    governance = TextAreaField(_("Governance and decision rules"), [length(validation.MAX_TEXT)])
    resources = TextAreaField(_("Resources and economy"), [length(validation.MAX_TEXT)])
    output_licence = SelectField(
        _("Licence of outputs"),
        choices=_choices(commons_tx.OUTPUT_LICENCES, blank=_("— not decided —")),
        default="",
    )
    duration_months = IntegerField(
        _("Duration in months"),
        [
            v.Optional(),
            v.NumberRange(
                min=1, max=validation.MAX_DURATION, message=_("Must be between 1 and 120.")
            ),
        ],
    )
    evaluation = TextAreaField(
        _("Monitoring, evaluation and reporting"), [length(validation.MAX_TEXT)]
    )
    dispute_resolution = TextAreaField(_("Dispute resolution"), [length(validation.MAX_TEXT)])
    note = StringField(_("What did you change? (optional)"), [length(validation.MAX_NOTE)])

    def to_data(self) -> tuple[dict[str, Any], dict[str, list[int]]]:
        """The API-shaped body, and for each list which form row each item came from."""
        data: dict[str, Any] = {name: getattr(self, name).data or "" for name in TEXTS}
        data["type"] = self.kind.data
        data["output_licence"] = self.output_licence.data or None
        data["duration_months"] = self.duration_months.data
        rows: dict[str, list[int]] = {"city_commitments": [], "commons_commitments": []}
        city = []
        for index, entry in enumerate(self.city_commitments.entries):
            item = entry.form
            if not (item.kind.data or (item.description.data or "").strip() or item.quantity.data):
                continue
            rows["city_commitments"].append(index)
            city.append(
                {
                    "kind": item.kind.data or "",
                    "description": item.description.data or "",
                    "quantity": item.quantity.data or "",
                }
            )
        commons = []
        for index, entry in enumerate(self.commons_commitments.entries):
            if not (entry.form.description.data or "").strip():
                continue
            rows["commons_commitments"].append(index)
            commons.append({"description": entry.form.description.data})
        data["city_commitments"] = city
        data["commons_commitments"] = commons
        return data, rows

    def show_errors(self, fields: dict[str, Any], rows: dict[str, list[int]]) -> None:
        """Attach a service's field errors (``city_commitments.1.kind``) to form fields.

        A field the form itself refused keeps only its own message (``add_rule_errors``).
        """
        pairs = []
        for name, message in fields.items():
            parts = name.split(".")
            target: Any = getattr(self, "kind" if parts[0] == "type" else parts[0], None)
            if target is None:
                continue
            if parts[0] in rows and len(parts) == 3 and parts[1].isdigit():
                position = int(parts[1])
                if position < len(rows[parts[0]]):
                    entry = target.entries[rows[parts[0]][position]]
                    target = getattr(entry.form, parts[2], target)
            pairs.append((target, message))
        add_rule_errors(pairs)


def fill(form: PartnershipForm, content: dict[str, Any], language: str) -> None:
    """Put a partnership's text, in ``language`` only, into a fresh form."""
    form.language.data = language
    for name in TEXTS:
        getattr(form, name).data = (content.get(name) or {}).get(language, "")
    form.kind.data = content.get("kind") or "ordinary"
    form.output_licence.data = content.get("output_licence") or ""
    form.duration_months.data = content.get("duration_months")
    _fill_rows(form.city_commitments, content.get("city_commitments") or [], language, city=True)
    _fill_rows(form.commons_commitments, content.get("commons_commitments") or [], language)


def _fill_rows(
    field: FieldList, items: list[dict[str, Any]], language: str, city: bool = False
) -> None:
    while field.entries:
        field.pop_entry()
    for item in items:
        data = {"description": (item.get("description") or {}).get(language, "")}
        if city:
            data.update(kind=item.get("kind") or "", quantity=item.get("quantity") or "")
        field.append_entry(data)
    for _unused in range(SPARE_ROWS):
        field.append_entry()


def add_spare_rows(form: PartnershipForm, city: int = 0, commons: int = 0) -> None:
    """Offer empty rows beyond those filled: :data:`SPARE_ROWS`, and at least the totals given."""
    for field, total in ((form.city_commitments, city), (form.commons_commitments, commons)):
        filled = [e for e in field.entries if any((sub.data or "") for sub in e.form)]
        missing = max(SPARE_ROWS - (len(field.entries) - len(filled)), total - len(field.entries))
        for _unused in range(max(0, missing)):
            field.append_entry()


def originals(content: dict[str, Any], source: str, language: str) -> dict[str, str]:
    """The source-language texts shown as hints while translating into ``language``."""
    if source == language:
        return {}
    return {name: pick(content.get(name) or {}, source) for name in TEXTS}


class MoveForm(Form):
    """Confirms a lifecycle move; some moves need a deadline or a reason."""

    ends_on = DateField(_("Deliberation ends on"), [v.Optional()])
    reason = TextAreaField(_("Reason"), [length(validation.MAX_REASON)], render_kw={"rows": 3})


class DeadlineForm(Form):
    ends_on = DateField(_("Deliberation ends on"), [required(_("Choose a date."))])


def end_of_day(day: dt.date, timezone: str) -> dt.datetime:
    """The last second of ``day`` in the city's time zone, as an aware UTC datetime."""
    local = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=ZoneInfo(timezone))
    return local.astimezone(dt.UTC)


def local_day(moment: dt.datetime | None, timezone: str) -> dt.date | None:
    return moment.astimezone(ZoneInfo(timezone)).date() if moment else None
