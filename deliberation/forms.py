"""HTML forms of the debate. They only collect input: the rules are in the services."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from deliberation.services import alternatives, arguments, moderation
from partnerstate.forms import Form, length, required
from partnerstate.i18n import _
from partnerstate.partnerships.forms import PartnershipForm
from partnerstate.partnerships.validation import MAX_REASON

STANCE_LABELS = arguments.STANCE_LABELS


class ArgumentForm(Form):
    # No position is chosen in advance: a member should never argue "for" by default.
    # (A reply starts as neutral: the page chooses it, see ``views.debate.argue``.)
    stance = RadioField(
        _("Your position on the partnership"),
        [required(_("Choose your position: for, against, or neutral."))],
        choices=[SelectChoice(key, label) for key, label in STANCE_LABELS.items()],
    )
    body = TextAreaField(
        _("Your argument"),
        [required(), length(arguments.MAX_BODY)],
        render_kw={"rows": 5},
    )
    parent_id = HiddenField()


class EditArgumentForm(Form):
    stance = RadioField(
        _("Your position on the partnership"),
        choices=[SelectChoice(key, label) for key, label in STANCE_LABELS.items()],
    )
    body = TextAreaField(
        _("Your argument"), [required(), length(arguments.MAX_BODY)], render_kw={"rows": 6}
    )


class FlagForm(Form):
    reason = RadioField(
        _("What is wrong with this post?"),
        [required(_("Choose a reason."))],
        choices=[SelectChoice(key, label) for key, label in moderation.FLAG_REASONS.items()],
    )
    note = TextAreaField(
        _("Details for the facilitators (required for “Other”)"),
        [length(MAX_REASON)],
        render_kw={"rows": 3},
    )


class HideForm(Form):
    reason = TextAreaField(
        _("Reason shown in place of the post"),
        [required(), length(MAX_REASON)],
        render_kw={"rows": 3},
    )


class DeclineForm(Form):
    reason = RadioField(
        _("Why is it declined?"),
        [required(_("Choose a reason."))],
        choices=[SelectChoice(key, label) for key, label in alternatives.DECLINE_REASONS.items()],
    )
    note = TextAreaField(
        _("Explanation shown in place of the alternative"),
        [required(), length(MAX_REASON)],
        render_kw={"rows": 3},
    )


class AlternativeForm(PartnershipForm):
    """An alternative: its own title and summary, then the partnership's text to change."""

    alt_title = StringField(
        _("Title of the alternative"), [required(), length(alternatives.MAX_TITLE)]
    )
    summary = TextAreaField(
        _("What it changes, and why"),
        [required(), length(alternatives.MAX_SUMMARY)],
        render_kw={"rows": 5},
    )


def alternative_form(request: object) -> AlternativeForm:
    form = AlternativeForm.from_request(request)
    del form.assembly_id, form.commons_id, form.note
    return form
