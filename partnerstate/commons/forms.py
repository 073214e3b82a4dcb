"""HTML forms of the register: search filters, the commons form, decisions, balances.

The commons form is a flat rendering of the API's request body (one field per
language for translatable texts). :func:`form_data` turns it into that body and
:func:`apply_errors` puts the rules' messages back on the right fields, so the
page and the API obey the same rules (``commons.validation``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from pyramid.i18n import TranslationString
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import validators as v
from wtforms.fields.choices import SelectChoice

from partnerstate.commons import taxonomy as tx
from partnerstate.commons import validation as rules
from partnerstate.commons.models import Commons
from partnerstate.forms import Form, NumberField, add_rule_errors, length
from partnerstate.i18n import LOCALES, _, _p


def _choices(vocabulary: Mapping[str, Any], blank: Any = None) -> list[SelectChoice]:
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(key, label) for key, label in vocabulary.items()]


def localize_choices(form: Form, request: Any) -> None:
    """Translate the options of every select into the page language.

    Labels are lazy TranslationStrings (WTForms would print their English msgid);
    Ostrom scores read "2 – in place".
    """
    for field in form:
        if not isinstance(field, SelectField):
            continue
        choices = []
        for choice in field.choices:
            label = choice.label
            if isinstance(label, TranslationString):
                label = request.translate(label)
                if field.name.startswith("ostrom_") and choice.value:
                    label = f"{choice.value} – {label}"
            choices.append(dataclasses.replace(choice, label=label))
        field.choices = choices


def _optional() -> v.Optional:
    return v.Optional()


class SearchForm(Form):
    """The register's filters (GET): every field optional, bad values ignored."""

    q = SearchField(_("Search"), [length(200)])
    category = SelectField(_("Domain"), choices=_choices(tx.DOMAINS, _("All domains")), default="")
    nature = SelectField(_("Nature"), choices=_choices(tx.NATURES, _("All natures")), default="")
    status = SelectField(
        _("Status"),
        choices=[
            SelectChoice(tx.PUBLISHED, _("Published")),
            SelectChoice(tx.REJECTED, _p("commons", "Rejected")),
            SelectChoice(tx.ARCHIVED, _("Archived")),
        ],
        default=tx.PUBLISHED,
    )
    district = SelectField(_("District"), choices=[], validate_choice=False, default="")
    sort = SelectField(_("Sort by"), choices=_choices(tx.SORTS), default="name")

    @classmethod
    def for_request(cls, request: Any, districts: list[str]) -> SearchForm:
        form = cls(request.GET, meta={"locales": [request.locale_name, "en"]})
        form.district.choices = [SelectChoice("", _("All districts"))] + [
            SelectChoice(name, name) for name in districts
        ]
        localize_choices(form, request)
        if request.user is not None:
            label = (
                _("Proposed (awaiting validation)")
                if request.user.is_official
                else _("Your proposals awaiting validation")
            )
            proposed = SelectChoice(tx.PROPOSED, request.translate(label))
            form.status.choices = [*form.status.choices, proposed]
        return form

    def cleaned(self, given: Mapping[str, Any]) -> dict[str, str]:
        """The filters given in the URL that passed validation (bad ones are dropped)."""
        self.validate()
        values = {}
        for name in ("q", "category", "nature", "status", "district", "sort"):
            field = getattr(self, name)
            if name in given and not field.errors and field.data:
                values[name] = str(field.data)
        return values


# Translatable fields: form prefix -> (label, API field, widget, maximum).
_LONG = rules.MAX_LONG_TEXT
TRANSLATABLE = {
    "name": (_("Name"), "name", StringField, rules.MAX_NAME),
    "summary": (_("Summary"), "summary", TextAreaField, rules.MAX_SUMMARY),
    "description": (_("Description"), "description", TextAreaField, rules.MAX_DESCRIPTION),
    "boundary": (_("Boundaries"), "boundary", TextAreaField, _LONG),
    "governance": (_("How decisions are made"), "governance.description", TextAreaField, _LONG),
    "fees_details": (_("Fees: details"), "governance.fees_details", TextAreaField, _LONG),
    "inclusion": (_("Inclusion measures"), "governance.inclusion", TextAreaField, _LONG),
}

# Plain and choice fields whose form name is the API's name.
SIMPLE = (
    "category", "nature", "intervention", "address", "lat", "lon", "district",
    "ownership", "owner_name", "owner_consent", "owner_consent_on", "stewards",
    "legal_form", "contact_email", "contact_phone", "website", "active_members",
    "output_licence", "data_licence", "established_on",
)  # fmt: skip

# Governance fields: form name -> key in the API's governance object.
GOVERNANCE = {"decision_rule": "decision_rule", "rules_url": "rules_url", "access": "access",
              "fees": "fees"}  # fmt: skip

# The order of the form page (templates/commons/form.jinja2).
PAGE_ORDER = (
    "name", "summary", "description", "aliases", "established_on", "category", "nature",
    "intervention", "address", "district", "lat", "lon", "boundary", "ownership", "owner_name",
    "owner_consent", "owner_consent_on", "stewards", "legal_form", "active_members",
    "contact_email", "contact_phone", "website", "decision_rule", "governance", "rules_url",
    "access", "fees", "fees_details", "inclusion", "output_licence", "data_licence", "ostrom",
)  # fmt: skip


class CommonsForm(Form):
    """Everything a register record holds (CONCEPTS.md, "The commons register")."""

    aliases = TextAreaField(_("Other names (one per line)"))
    established_on = DateField(_("Active since"), [_optional()], render_kw={"type": "date"})
    category = SelectField(
        _("Domain"), choices=_choices(tx.DOMAINS, _("Choose a domain")), default=""
    )
    nature = SelectField(_("Nature"), choices=_choices(tx.NATURES), default="material")
    intervention = SelectField(
        _("Type of intervention"),
        choices=_choices(tx.INTERVENTIONS, _("Not specified")),
        default="",
    )
    address = StringField(_("Address"), [length(rules.MAX_ADDRESS)])
    lat = NumberField(_("Latitude"), [_optional()], render_kw={"inputmode": "decimal"})
    lon = NumberField(_("Longitude"), [_optional()], render_kw={"inputmode": "decimal"})
    district = StringField(_("District"), [length(rules.MAX_DISTRICT)])
    ownership = SelectField(
        _("Ownership"), choices=_choices(tx.OWNERSHIPS, _("Not specified")), default=""
    )
    owner_name = StringField(_("Owner"), [length(rules.MAX_OWNER)])
    owner_consent = BooleanField(_("The owner consents to the commons' use (recorded)"))
    owner_consent_on = DateField(
        _("Date of the owner's consent"), [_optional()], render_kw={"type": "date"}
    )
    stewards = StringField(
        _("Stewards (the group that cares for it)"), [length(rules.MAX_STEWARDS)]
    )
    legal_form = SelectField(
        _("Legal form"), choices=_choices(tx.LEGAL_FORMS, _("Not specified")), default=""
    )
    # Addresses, numbers and links are typed left to right, on an Arabic page too.
    contact_email = StringField(
        _("Contact email"), [length(rules.MAX_EMAIL)], render_kw={"dir": "ltr"}
    )
    contact_phone = StringField(
        _("Contact phone"), [length(rules.MAX_PHONE)], render_kw={"dir": "ltr"}
    )
    website = StringField(_("Website"), [length(rules.MAX_URL)], render_kw={"dir": "ltr"})
    active_members = IntegerField(_("Number of active members"), [_optional()])
    decision_rule = SelectField(
        _("Decision rule"), choices=_choices(tx.DECISION_RULES, _("Not specified")), default=""
    )
    rules_url = StringField(
        _("Link to the rules document"), [length(rules.MAX_RULES_URL)], render_kw={"dir": "ltr"}
    )
    access = SelectField(
        _("Access"), choices=_choices(tx.ACCESS_POLICIES, _("Not specified")), default=""
    )
    fees = SelectField(
        _("Fees"), choices=_choices(tx.FEES_POLICIES, _("Not specified")), default=""
    )
    output_licence = SelectField(
        _("Licence of what it produces"),
        choices=_choices(tx.OUTPUT_LICENCES, _("Not specified")),
        default="",
    )
    data_licence = SelectField(
        _("Licence of its data"), choices=_choices(tx.DATA_LICENCES, _("Not specified")), default=""
    )

    @classmethod
    def from_request(cls, request: Any, **kwargs: Any) -> Any:
        form = super().from_request(request, **kwargs)
        localize_choices(form, request)
        # The rules want a domain, and a name and description in at least one language:
        # the page's language is the one people are asked to fill in.
        locale = request.locale_name if request.locale_name in LOCALES else "en"
        form.mark_required(
            *(
                f"{prefix}_{locale}"
                for prefix in rules.REQUIRED_ON_CREATE
                if prefix in TRANSLATABLE
            ),
            *(name for name in rules.REQUIRED_ON_CREATE if name not in TRANSLATABLE),
        )
        return form

    def in_page_order(self) -> list[Any]:
        """The fields in the order the page shows them (for the error summary)."""
        names: list[str] = []
        for item in PAGE_ORDER:
            if item in TRANSLATABLE:
                names += [f"{item}_{locale}" for locale in LOCALES]
            elif item == "ostrom":
                for principle in tx.OSTROM_IDS:
                    names.append(f"ostrom_{principle}_score")
                    names += [f"ostrom_{principle}_evidence_{locale}" for locale in LOCALES]
            else:
                names.append(item)
        return [self[name] for name in names]

    def translations(self, prefix: str) -> list[Any]:
        """The per-language fields of one translatable text."""
        return [self[f"{prefix}_{locale}"] for locale in LOCALES]

    def ostrom_fields(self, principle: str) -> tuple[Any, list[Any]]:
        score = self[f"ostrom_{principle}_score"]
        evidence = [self[f"ostrom_{principle}_evidence_{locale}"] for locale in LOCALES]
        return score, evidence


def _add_language_fields() -> None:
    # One input per interface language for each translatable text; the label
    # names the language in its own words (e.g. "Name (Français)").
    for prefix, (label, _api, widget, maximum) in TRANSLATABLE.items():
        for locale, language in LOCALES.items():
            field = widget(
                label,
                [length(maximum)],
                render_kw={"lang": locale},
                description=language,
            )
            setattr(CommonsForm, f"{prefix}_{locale}", field)
    score_choices = [SelectChoice("", _("Not assessed"))] + [
        SelectChoice(str(score), label) for score, label in tx.OSTROM_SCORE_LABELS.items()
    ]
    for principle in tx.OSTROM_PRINCIPLES:
        setattr(
            CommonsForm,
            f"ostrom_{principle.id}_score",
            SelectField(principle.label, choices=score_choices, default=""),
        )
        for locale, language in LOCALES.items():
            setattr(
                CommonsForm,
                f"ostrom_{principle.id}_evidence_{locale}",
                TextAreaField(
                    _("Evidence"),
                    [length(rules.MAX_LONG_TEXT)],
                    render_kw={"lang": locale, "rows": 2},
                    description=language,
                ),
            )


_add_language_fields()


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    if "." in path:
        group, key = path.split(".", 1)
        data.setdefault(group, {})[key] = value
    else:
        data[path] = value


def form_data(form: CommonsForm) -> dict[str, Any]:
    """The form's content shaped like the API's request body."""
    data: dict[str, Any] = {}
    for prefix, (_label, path, _widget, _max) in TRANSLATABLE.items():
        _set(data, path, {loc: form[f"{prefix}_{loc}"].data or "" for loc in LOCALES})
    data["aliases"] = (form.aliases.data or "").splitlines()
    for name in SIMPLE:
        value = form[name].data
        data[name] = value.strip() if isinstance(value, str) else value
    for name, key in GOVERNANCE.items():
        value = form[name].data
        _set(data, f"governance.{key}", value.strip() if isinstance(value, str) else value)
    ostrom: dict[str, Any] = {}
    for principle in tx.OSTROM_IDS:
        score, evidence = form.ostrom_fields(principle)
        texts = {loc: field.data or "" for loc, field in zip(LOCALES, evidence, strict=True)}
        # A score the form refused (not one of its choices) is left out, not read.
        if score.data not in (None, "") and not score.errors:
            ostrom[principle] = {"score": int(score.data), "evidence": texts}
    data["ostrom"] = ostrom
    return data


def fill_form(form: CommonsForm, commons: Commons) -> None:
    """Put a record's values into an edit form (GET)."""
    columns = {
        "name": commons.name,
        "summary": commons.summary,
        "description": commons.description,
        "boundary": commons.boundary,
        "governance": commons.governance,
        "fees_details": commons.fees_details,
        "inclusion": commons.inclusion_measures,
    }
    for prefix, texts in columns.items():
        for locale in LOCALES:
            form[f"{prefix}_{locale}"].data = (texts or {}).get(locale, "")
    form.aliases.data = "\n".join(commons.aliases or [])
    attributes = {"lat": "latitude", "lon": "longitude"}
    for name in SIMPLE:
        value = getattr(commons, attributes.get(name, name))
        form[name].data = "" if value is None and form[name].type == "SelectField" else value
    governance = {
        "decision_rule": commons.decision_rule,
        "rules_url": commons.rules_url,
        "access": commons.access_policy,
        "fees": commons.fees_policy,
    }
    for name, value in governance.items():
        form[name].data = value or ""
    for principle in tx.OSTROM_IDS:
        entry = (commons.ostrom or {}).get(principle)
        score, evidence = form.ostrom_fields(principle)
        score.data = str(entry["score"]) if entry else ""
        for locale, field in zip(LOCALES, evidence, strict=True):
            field.data = ((entry or {}).get("evidence") or {}).get(locale, "")


def _form_field(path: str, locale: str | None, fallback_locale: str) -> str:
    """The form field showing an API field's error."""
    loc = locale if locale in LOCALES else fallback_locale
    for prefix, (_label, api_path, _widget, _max) in TRANSLATABLE.items():
        if api_path == path:
            return f"{prefix}_{loc}"
    if path.startswith("governance."):
        key = path.split(".", 1)[1]
        return next((name for name, k in GOVERNANCE.items() if k == key), "governance_" + loc)
    if path.startswith("ostrom."):
        parts = path.split(".")
        if len(parts) >= 3 and parts[2] == "evidence":
            return f"ostrom_{parts[1]}_evidence_{loc}"
        return f"ostrom_{parts[1]}_score"
    return path


def apply_errors(form: CommonsForm, error: rules.InvalidRecord, locale: str) -> None:
    """Attach the rules' messages to the fields they concern.

    A field the form itself refused keeps only its own message (see ``add_rule_errors``).
    """
    pairs = []
    for path, message in error.errors.items():
        name = _form_field(path, error.locales.get(path), locale)
        # Every rule maps to a field; a stray message still shows, on the name.
        pairs.append((form[name if name in form else f"name_{locale}"], message))
    add_rule_errors(pairs)


class ReasonForm(Form):
    reason = TextAreaField(
        _("Reasons"),
        [
            v.InputRequired(message=_("Give the reasons for this decision.")),
            length(rules.MAX_REASON),
        ],
    )


class BalanceForm(Form):
    year = IntegerField(_("Year"), [v.InputRequired(message=_("This field is required."))])
    rootedness = IntegerField(
        tx.BALANCE_DIMENSIONS["rootedness"], [v.InputRequired(message=_("This field is required."))]
    )
    social_return = IntegerField(
        tx.BALANCE_DIMENSIONS["social_return"],
        [v.InputRequired(message=_("This field is required."))],
    )
    internal_democracy = IntegerField(
        tx.BALANCE_DIMENSIONS["internal_democracy"],
        [v.InputRequired(message=_("This field is required."))],
    )
    care = IntegerField(
        tx.BALANCE_DIMENSIONS["care"], [v.InputRequired(message=_("This field is required."))]
    )
    notes = TextAreaField(_("Notes"), [length(rules.MAX_LONG_TEXT)])
