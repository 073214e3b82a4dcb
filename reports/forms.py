"""Forms of the charter pages: issue, sign, upload the signed scan."""

from __future__ import annotations

from wtforms import EmailField, FileField, SelectField, StringField, TextAreaField
from wtforms import validators as v
from wtforms.fields.choices import SelectChoice

from partnerstate.forms import Form, length, required
from partnerstate.i18n import LOCALES, _


def language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name, render_kw={"lang": code}) for code, name in LOCALES.items()]


def _optional_email() -> list[object]:
    return [v.Optional(), v.Email(message=_("Enter a valid email address.")), length(254)]


class IssueForm(Form):
    # The choices are narrowed by the view to the languages the text is written in.
    locale = SelectField(
        _("Language of the charter"),
        [required()],
        choices=language_choices(),
        validate_choice=False,
    )
    city_department = StringField(_("City department"), [length(200)])
    # Both signatories are required here: their names are printed in the frozen text.
    city_signatory_name = StringField(_("Signatory for the city"), [required(), length(200)])
    city_signatory_role = StringField(_("Role of the city's signatory"), [length(200)])
    city_signatory_email = EmailField(
        _("Account of the city's signatory (email, optional)"), _optional_email()
    )
    commons_signatory_name = StringField(_("Signatory for the commons"), [required(), length(200)])
    commons_signatory_role = StringField(_("Role of the commons' signatory"), [length(200)])
    commons_signatory_email = EmailField(
        _("Account of the commons' signatory (email, optional)"), _optional_email()
    )


class SignForm(Form):
    # The choices are the parties still to sign; the service judges the party sent, so
    # that signing one twice says it has signed rather than "Not a valid choice".
    party = SelectField(_("Party"), choices=[], validate_choice=False)
    name = StringField(_("Name"), [required(), length(200)])
    role = StringField(_("Role"), [length(200)])
    place = StringField(_("Place"), [length(200)])


class ScanForm(Form):
    file = FileField(_("Scan of the signed paper copy (PDF)"))


class WithdrawForm(Form):
    reason = TextAreaField(_("Why is the charter withdrawn?"), [required(), length(1000)])
