"""HTML forms of the assemblies' pages.

Forms flatten the API's request bodies (one input per language for translatable
texts); :func:`assembly_data` and :func:`meeting_data` turn them back into that
shape so that the pages and the API obey the same rules (``assemblies.rules``),
and :func:`apply_errors` puts the rules' messages on the right inputs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from pyramid.i18n import TranslationString
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    FileField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms import validators as v
from wtforms.fields.choices import SelectChoice

from assemblies import rules
from assemblies.census import DATE_OF_BIRTH, POSTCODE
from partnerstate.forms import Form, NumberField, add_rule_errors, length, required
from partnerstate.i18n import LOCALES, _

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _choices(vocabulary: Mapping[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in vocabulary.items()]


def localize_choices(form: Form, request: Any) -> Form:
    """Translate the options of every select into the page language (lazy labels)."""
    for field in form:
        if not isinstance(field, SelectField | SelectMultipleField):
            continue
        field.choices = [
            dataclasses.replace(
                choice,
                label=request.translate(choice.label)
                if isinstance(choice.label, TranslationString)
                else choice.label,
            )
            for choice in field.choices
        ]
    return form


def role_choices() -> list[SelectChoice]:
    return _choices(rules.ROLE_LABELS)


class AssemblyForm(Form):
    city = StringField(_("City"), [required(), length(rules.MAX_CITY)])
    default_locale = SelectField(
        _("Language of the assembly"),
        choices=[
            SelectChoice(code, name, render_kw={"lang": code}) for code, name in LOCALES.items()
        ],
    )
    join_policy = SelectField(_("Who may join"), choices=_choices(rules.JOIN_POLICIES))
    requires_verification = BooleanField(
        _("Only verified residents may vote (census or invitation code)")
    )
    quorum_percent = NumberField(
        _("Default quorum (% of the electorate)"),
        [v.Optional(), v.NumberRange(0, 100, message=_("Give a percentage between 0 and 100."))],
    )

    def translations(self, prefix: str) -> list[Any]:
        return [self[f"{prefix}_{locale}"] for locale in LOCALES]

    @classmethod
    def from_request(cls, request: Any, **kwargs: Any) -> Any:
        form = super().from_request(request, **kwargs)
        # The name is required in one language at least: the page's is the one asked for.
        locale = request.locale_name if request.locale_name in LOCALES else "en"
        form.mark_required(f"name_{locale}")
        return form

    def in_page_order(self) -> list[Any]:
        return [
            *self.translations("name"),
            self.city,
            self.default_locale,
            *self.translations("description"),
            self.join_policy,
            self.requires_verification,
            self.quorum_percent,
        ]


class MeetingForm(Form):
    starts_at = DateTimeLocalField(
        _("Starts"),
        [required(_("Give a date and time."))],
        format=DATETIME_FORMATS,
    )
    ends_at = DateTimeLocalField(_("Ends"), [v.Optional()], format=DATETIME_FORMATS)
    location = StringField(_("Place"), [length(rules.MAX_LOCATION)])
    online_url = URLField(_("Online link"), [length(rules.MAX_URL)])
    agenda = TextAreaField(_("Agenda"), render_kw={"rows": 6})

    def translations(self, prefix: str) -> list[Any]:
        return [self[f"{prefix}_{locale}"] for locale in LOCALES]

    @classmethod
    def from_request(cls, request: Any, **kwargs: Any) -> Any:
        form = super().from_request(request, **kwargs)
        # The title is required in one language at least: the page's is the one asked for.
        locale = request.locale_name if request.locale_name in LOCALES else "en"
        form.mark_required(f"title_{locale}")
        return form

    def in_page_order(self) -> list[Any]:
        return [
            *self.translations("title"),
            self.starts_at,
            self.ends_at,
            self.location,
            self.online_url,
            self.agenda,
        ]


def _add_language_fields() -> None:
    # One input per interface language for each translatable text; the template
    # names the language after the label (e.g. "Name (Français)").
    for form, prefix, label, widget, maximum in (
        (AssemblyForm, "name", _("Name"), StringField, rules.MAX_NAME),
        (AssemblyForm, "description", _("Description"), TextAreaField, rules.MAX_DESCRIPTION),
        (MeetingForm, "title", _("Title"), StringField, rules.MAX_TITLE),
    ):
        for locale, language in LOCALES.items():
            field = widget(
                label, [length(maximum)], render_kw={"lang": locale}, description=language
            )
            setattr(form, f"{prefix}_{locale}", field)


_add_language_fields()


def assembly_data(form: AssemblyForm) -> dict[str, Any]:
    """The API-shaped body of the assembly form."""
    return {
        "name": {loc: form[f"name_{loc}"].data or "" for loc in LOCALES},
        "description": {loc: form[f"description_{loc}"].data or "" for loc in LOCALES},
        "city": form.city.data or "",
        "default_locale": form.default_locale.data,
        "join_policy": form.join_policy.data,
        "requires_verification": bool(form.requires_verification.data),
        "quorum_percent": form.quorum_percent.data,
    }


def fill_assembly_form(form: AssemblyForm, assembly: Any) -> None:
    for loc in LOCALES:
        form[f"name_{loc}"].data = assembly.name.get(loc, "")
        form[f"description_{loc}"].data = assembly.description.get(loc, "")
    form.city.data = assembly.city
    form.default_locale.data = assembly.default_locale
    form.join_policy.data = assembly.join_policy
    form.requires_verification.data = assembly.requires_verification
    form.quorum_percent.data = assembly.quorum_percent


def meeting_data(form: MeetingForm) -> dict[str, Any]:
    def when(field: Any) -> str | None:
        return field.data.isoformat() if field.data else None

    return {
        "title": {loc: form[f"title_{loc}"].data or "" for loc in LOCALES},
        "starts_at": when(form.starts_at),
        "ends_at": when(form.ends_at),
        "location": form.location.data or "",
        "online_url": form.online_url.data or "",
        "agenda": (form.agenda.data or "").splitlines(),
    }


def fill_meeting_form(form: MeetingForm, meeting: Any, tz: Any) -> None:
    for loc in LOCALES:
        form[f"title_{loc}"].data = meeting.title.get(loc, "")
    form.starts_at.data = meeting.starts_at.astimezone(tz).replace(tzinfo=None)
    form.ends_at.data = meeting.ends_at.astimezone(tz).replace(tzinfo=None)
    form.location.data = meeting.location
    form.online_url.data = meeting.online_url
    form.agenda.data = "\n".join(item.text for item in meeting.agenda)


def apply_errors(form: Form, error: rules.Invalid, locale: str) -> None:
    """Put each rule's message on its input (a translatable text: the page language's).

    An input the form itself refused keeps only its own message (see ``add_rule_errors``).
    """
    pairs = []
    for name, message in error.fields.items():
        base = name.split(".")[0]
        if base in ("name", "description", "title"):
            target = f"{base}_{locale}" if f"{base}_{locale}" in form else f"{base}_en"
        else:
            target = base
        pairs.append((form[target] if target in form else next(iter(form)), message))
    add_rule_errors(pairs)


class AddMemberForm(Form):
    email = EmailField(_("Email"), [required(), length(254)])
    role = SelectField(_("Role"), choices=role_choices(), default=rules.MEMBER)


class RoleForm(Form):
    role = SelectField(_("Role"), choices=role_choices())


class ReasonForm(Form):
    reason = TextAreaField(
        _("Reason"), [required(), length(rules.MAX_REASON)], render_kw={"rows": 3}
    )


class JoinForm(Form):
    message = TextAreaField(
        _("Message to the facilitators (optional)"),
        [length(rules.MAX_MESSAGE)],
        render_kw={"rows": 3},
    )


class ApproveForm(Form):
    role = SelectField(_("Role"), choices=role_choices(), default=rules.MEMBER)


class CensusVerifyForm(Form):
    identifier = StringField(
        _("Identifier on the census"), [required(), length(200)], render_kw={"autocomplete": "off"}
    )
    postcode = StringField(_("Postcode"), [length(20)], render_kw={"autocomplete": "postal-code"})
    date_of_birth = StringField(
        _("Date of birth"), [length(20)], render_kw={"autocomplete": "bday"}
    )

    def value_field(self, key: str | None) -> Any:
        return self.date_of_birth if key == DATE_OF_BIRTH else self.postcode


class CodeForm(Form):
    code = StringField(
        _("Invitation code"), [required(), length(40)], render_kw={"autocomplete": "off"}
    )


class CensusImportForm(Form):
    file = FileField(_("Census file (CSV)"))
    replace = BooleanField(_("First delete the census entries nobody has used yet"))


class InvitationsForm(Form):
    count = IntegerField(
        _("How many codes"),
        [required(), v.NumberRange(1, 500, message=_("Give a number between 1 and 500."))],
        default=10,
    )
    role = SelectField(
        _("Role of those who use them"), choices=role_choices(), default=rules.MEMBER
    )
    note = StringField(_("Note (e.g. who the codes are for)"), [length(rules.MAX_NOTE)])


class MinutesForm(Form):
    minutes = TextAreaField(
        _("Minutes"), [required(), length(rules.MAX_MINUTES)], render_kw={"rows": 12}
    )
    attended = SelectMultipleField(_("Present"), coerce=int, validate_choice=True, choices=[])
    others = TextAreaField(
        _("Others present: the email of their account, one per line"),
        [length(20_000)],
        render_kw={"rows": 3},
    )


CENSUS_KEYS = (POSTCODE, DATE_OF_BIRTH)
