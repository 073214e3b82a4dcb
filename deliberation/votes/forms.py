"""HTML forms of the votes. They only collect input: the rules are in the services.

The ballot itself is not a WTForms form: it has one ``<select>`` per option, whose
names depend on the vote (see :func:`ranking_from_form`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from wtforms import (
    DateTimeLocalField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms import validators as v
from wtforms.fields.choices import SelectChoice

from partnerstate.forms import Form, NumberField, length, required
from partnerstate.i18n import _

METHOD_LABELS = {
    "schulze": _("Schulze method (recommended)"),
    "ranked-pairs": _("Ranked Pairs"),
    "irv": _("Instant-runoff voting"),
    "stv": _("Single transferable vote (STV)"),
    "schulze-stv": _("Schulze STV"),
    "plurality": _("Plurality"),
}

METHOD_HINTS = {
    "schulze": _(
        "Compares every pair of options; the option that beats every other, directly or "
        "through a chain of stronger majorities, wins. Equal ranks are allowed."
    ),
    "ranked-pairs": _(
        "Locks in the majorities between pairs of options from the strongest down, "
        "skipping any that would make a cycle. Equal ranks are allowed."
    ),
    "irv": _(
        "Counts first choices; the last option is eliminated and its ballots go to their "
        "next choice, until one option has a majority. One option per rank."
    ),
    "stv": _(
        "Candidates reaching the quota are elected; their surplus and the ballots of "
        "eliminated candidates move to the next choice. One candidate per rank."
    ),
    "schulze-stv": _(
        "Compares whole sets of winners, so that the elected group is the one most voters "
        "prefer. Equal ranks are allowed."
    ),
    "plurality": _("Counts first choices only."),
}


def _method_choices(methods: Sequence[str]) -> list[SelectChoice]:
    return [SelectChoice(method, METHOD_LABELS[method]) for method in methods]


def _percent() -> list[Any]:
    return [
        v.Optional(),
        v.NumberRange(min=0, max=100, message=_("Give a percentage between 0 and 100.")),
    ]


class OpenVoteForm(Form):
    method = RadioField(
        _("Voting method"),
        choices=_method_choices(("schulze", "ranked-pairs", "irv")),
        default="schulze",
    )
    quorum_percent = NumberField(_("Quorum (% of the electorate)"), _percent())
    closes_at = DateTimeLocalField(
        _("Voting ends at"),
        [v.Optional()],
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class ElectionForm(Form):
    title = StringField(_("Title of the election"), [required(), length(200)])
    method = RadioField(
        _("Voting method"), choices=_method_choices(("stv", "schulze-stv")), default="stv"
    )
    seats = IntegerField(
        _("Seats to fill"),
        [required(), v.NumberRange(min=1, max=100, message=_("Give a number of seats."))],
        default=1,
    )
    candidates = TextAreaField(
        _("Candidates, one per line"), [required(), length(20_000)], render_kw={"rows": 6}
    )
    quorum_percent = NumberField(_("Quorum (% of the electorate)"), _percent())
    closes_at = DateTimeLocalField(
        _("Voting ends at"),
        [v.Optional()],
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
    )

    def candidate_names(self) -> list[str]:
        return [line.strip() for line in (self.candidates.data or "").splitlines() if line.strip()]


def local_to_utc(value: dt.datetime | None, timezone: str) -> dt.datetime | None:
    """A ``datetime-local`` value, read in the site's time zone, as aware UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(timezone)).astimezone(dt.UTC)


def rank_field(option_id: int) -> str:
    return f"rank-{option_id}"


def ranking_from_form(
    option_ids: Sequence[int], data: Mapping[str, Any]
) -> tuple[list[list[int]], list[int]]:
    """The ballot's ``<select>`` values (a rank number or empty) as groups of option ids,
    and the options whose value is neither empty nor a rank number.

    Options with the same number are ranked equally; gaps in the numbers do not
    matter (1, 3 is the same as 1, 2). A rank number is a whole number from 1 to the
    number of options; anything else (1.5, -1, abc, 9) is refused, never dropped, so
    that no ballot is recorded other than the one the voter meant.
    """
    ranks: dict[int, list[int]] = {}
    refused: list[int] = []
    for option_id in option_ids:
        value = str(data.get(rank_field(option_id), "")).strip()
        if value.isascii() and value.isdigit() and 1 <= int(value) <= len(option_ids):
            ranks.setdefault(int(value), []).append(option_id)
        elif value:
            refused.append(option_id)
    return [ranks[rank] for rank in sorted(ranks)], refused


def rank_message(options: int) -> Any:
    """What a refused rank should have been, for a ballot of ``options`` options."""
    return _("Give a whole number from 1 to ${max}.", mapping={"max": options})


def form_from_ranking(ranking: Sequence[Sequence[int]] | None) -> dict[str, int]:
    """The rank number each option of a stored ranking shows in the ballot's selects."""
    return {
        rank_field(option_id): position
        for position, group in enumerate(ranking or [], start=1)
        for option_id in group
    }
