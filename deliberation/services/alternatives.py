"""Alternatives: competing versions of a partnership that go on the ballot.

LiquidFeedback's competing initiatives, Decidim's amendments: a member proposes a
title, a summary and the partnership's fields it would change. It becomes a ballot
option unless a facilitator declines it before voting opens — as a duplicate,
outside the partnership's scope, or unlawful — and the reason is shown in its place.
Its author may revise it while the deliberation lasts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from deliberation.debate_models import Alternative
from deliberation.services.arguments import require_open
from partnerstate.choices import one_of
from partnerstate.database import utcnow
from partnerstate.i18n import _
from partnerstate.models import User
from partnerstate.partnerships import membership, validation
from partnerstate.partnerships import vocabulary as vocab
from partnerstate.partnerships.errors import Conflict, Forbidden, Invalid
from partnerstate.partnerships.models import CONTENT_FIELDS, Partnership
from partnerstate.services import audit

DECLINE_REASONS = {
    "duplicate": _("Duplicate of another option"),
    "out_of_scope": _("Outside the partnership's scope"),
    "unlawful": _("Unlawful"),
}

MAX_TITLE = 200
MAX_SUMMARY = 5_000
# The partnership fields an alternative may change, by their API names.
CHANGEABLE = tuple("type" if name == "kind" else name for name in CONTENT_FIELDS)
OBJECT_TYPE = "alternative"


def get(db: Session, partnership: Partnership, alternative_id: int) -> Alternative | None:
    alternative = db.get(Alternative, alternative_id)
    if alternative is None or alternative.partnership_id != partnership.id:
        return None
    return alternative


def all_for(db: Session, partnership: Partnership) -> Sequence[Alternative]:
    return db.scalars(
        select(Alternative)
        .where(Alternative.partnership_id == partnership.id)
        .order_by(Alternative.created_at, Alternative.id)
    ).all()


def _texts(
    title: Any, summary: Any, locale: str, current: Alternative | None
) -> tuple[dict[str, str], dict[str, str]]:
    errors: dict[str, Any] = {}
    cleaner = validation.Cleaner(locale)
    new_title = cleaner.localized(
        "title", title, current.title if current else None, MAX_TITLE, markdown=False
    )
    new_summary = cleaner.localized(
        "summary", summary, current.summary if current else None, MAX_SUMMARY, markdown=True
    )
    errors.update(cleaner.errors)
    if new_title is not None and not new_title and "title" not in errors:
        errors["title"] = _("This field is required.")
    if new_summary is not None and not new_summary and "summary" not in errors:
        errors["summary"] = _("This field is required.")
    if errors:
        raise Invalid(_("Some fields are missing or invalid."), errors)
    return new_title or {}, new_summary or {}


def clean_changes(
    partnership: Partnership, changes: Mapping[str, Any] | None, locale: str
) -> dict[str, Any]:
    """The fields that really differ from the partnership's text, as column values."""
    if not changes:
        return {}
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown:
        raise Invalid(
            _("Some fields are missing or invalid."),
            {f"changes.{name}": _("Unknown field.") for name in unknown},
        )
    current = partnership.content()
    try:
        values = validation.clean(changes, locale, current=current)
    except Invalid as invalid:
        raise Invalid(
            invalid.message, {f"changes.{name}": text for name, text in invalid.fields.items()}
        ) from None
    return {name: value for name, value in values.items() if current.get(name) != value}


def check(
    partnership: Partnership,
    title: Any,
    summary: Any,
    changes: Mapping[str, Any] | None,
    locale: str,
    current: Alternative | None = None,
) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
    """An alternative's title, summary and changes as stored; raises :class:`Invalid`
    naming every problem (of the texts and of the changes alike).

    Saves nothing: a page whose form refused some inputs calls it too, so that every
    problem shows at once. ``current``: the alternative being revised.
    """
    errors: dict[str, Any] = {}
    new_title: dict[str, str] = {}
    new_summary: dict[str, str] = {}
    values: dict[str, Any] = {}
    try:
        new_title, new_summary = _texts(title, summary, locale, current)
    except Invalid as invalid:
        errors.update(invalid.fields)
    try:
        values = clean_changes(partnership, changes, locale)
    except Invalid as invalid:
        errors.update(invalid.fields)
    if errors:
        raise Invalid(_("Some fields are missing or invalid."), errors)
    return new_title, new_summary, values


# Alternatives become options on the ballot: observers, who never vote, argue but add none.
PROPOSER_ROLES = frozenset({"member", "facilitator"})


def require_proposer(db: Session, partnership: Partnership, user: User | None) -> None:
    role = membership.role(db, partnership.assembly_id, user) if user is not None else None
    if role not in PROPOSER_ROLES:
        raise Forbidden(
            _("Only members and facilitators of the assembly may propose alternatives.")
        )


def propose(
    db: Session,
    partnership: Partnership,
    author: User,
    title: Any,
    summary: Any,
    changes: Mapping[str, Any] | None = None,
    locale: str = "en",
    now: dt.datetime | None = None,
) -> Alternative:
    """A member's alternative version; it is on the ballot unless declined."""
    now = now or utcnow()
    require_proposer(db, partnership, author)
    require_open(partnership, now)
    new_title, new_summary, values = check(partnership, title, summary, changes, locale)
    alternative = Alternative(
        partnership_id=partnership.id,
        author_id=author.id,
        title=new_title,
        summary=new_summary,
        changes=values,
        locale=locale,
        partnership_version=partnership.version,
        revision=1,
        status="proposed",
        created_at=now,
        updated_at=now,
    )
    db.add(alternative)
    db.flush()
    return alternative


def revise(
    db: Session,
    alternative: Alternative,
    user: User,
    data: Mapping[str, Any],
    locale: str,
    now: dt.datetime | None = None,
) -> Alternative:
    """The author revises it while the deliberation lasts (``data``: title, summary, changes)."""
    now = now or utcnow()
    if alternative.author_id != user.id:
        raise Forbidden(_("Only its author may revise an alternative."))
    require_proposer(db, alternative.partnership, user)  # not an author now an observer
    require_open(alternative.partnership, now)
    if alternative.declined:
        raise Conflict(_("This alternative was declined; it can no longer be revised."))
    new_title, new_summary, changes = check(
        alternative.partnership,
        data.get("title", alternative.title),
        data.get("summary", alternative.summary),
        data.get("changes"),
        locale,
        alternative,
    )
    if "changes" not in data:
        changes = alternative.changes
    if (new_title, new_summary, changes) != (
        alternative.title,
        alternative.summary,
        alternative.changes,
    ):
        alternative.title, alternative.summary, alternative.changes = (
            new_title,
            new_summary,
            changes,
        )
        alternative.revision += 1
        alternative.partnership_version = alternative.partnership.version
        alternative.updated_at = now
    return alternative


def _require_facilitator(db: Session, alternative: Alternative, actor: User) -> None:
    if not membership.is_facilitator(db, alternative.partnership.assembly_id, actor):
        raise Forbidden(_("Only a facilitator of the assembly may do this."))


def _require_before_vote(alternative: Alternative) -> None:
    status = alternative.partnership.status
    if status != "deliberation":
        raise Conflict(
            _(
                "Alternatives can be declined only before voting opens; "
                "the partnership is in state “${status}”.",
                mapping={"status": vocab.status_label(status)},
            ),
            {"status": status},
        )


def decline(
    db: Session,
    alternative: Alternative,
    actor: User,
    reason: Any,
    note: Any,
    now: dt.datetime | None = None,
) -> Alternative:
    """A facilitator keeps it off the ballot, before voting opens, saying why."""
    _require_facilitator(db, alternative, actor)
    _require_before_vote(alternative)
    if alternative.declined:
        raise Conflict(_("This alternative was already declined."))
    errors: dict[str, Any] = {}
    if reason not in DECLINE_REASONS:
        errors["reason"] = one_of(DECLINE_REASONS.values())
    try:
        text = validation.clean_reason(note, field="note")
    except Invalid as invalid:
        errors.update(invalid.fields)
    if errors:
        raise Invalid(_("Some fields are missing or invalid."), errors)
    alternative.status = "declined"
    alternative.decline_reason = reason
    alternative.decline_note = text
    alternative.declined_at = now or utcnow()
    alternative.declined_by_id = actor.id
    audit.record(
        db,
        actor,
        "alternative.decline",
        OBJECT_TYPE,
        alternative.id,
        partnership_id=alternative.partnership_id,
        reason=reason,
        note=text,
    )
    return alternative


def reinstate(db: Session, alternative: Alternative, actor: User) -> Alternative:
    """A facilitator undoes a decline (before voting opens): it is on the ballot again."""
    _require_facilitator(db, alternative, actor)
    _require_before_vote(alternative)
    if not alternative.declined:
        raise Conflict(_("This alternative is not declined."))
    alternative.status = "proposed"
    alternative.decline_reason = None
    alternative.decline_note = None
    alternative.declined_at = None
    alternative.declined_by_id = None
    audit.record(
        db,
        actor,
        "alternative.reinstate",
        OBJECT_TYPE,
        alternative.id,
        partnership_id=alternative.partnership_id,
    )
    return alternative


def content(alternative: Alternative) -> dict[str, Any]:
    """The partnership's text as this alternative would have it."""
    return {**alternative.partnership.content(), **alternative.changes}


@dataclass(frozen=True)
class BallotOption:
    """One option the assembly ranks: the proposal itself, or an alternative.

    ``key`` is stable (``proposal`` or ``alternative:7``); ``title`` is locale-keyed;
    ``content`` is the whole text the option stands for (what a charter would print).
    """

    key: str
    title: dict[str, str]
    content: dict[str, Any]
    alternative_id: int | None = None

    @property
    def is_proposal(self) -> bool:
        return self.alternative_id is None


def ballot_options(db: Session, partnership: Partnership) -> list[BallotOption]:
    """The proposal, then every alternative not declined, oldest first.

    The votes package adds the status quo ("no partnership") and opens the vote.
    """
    options = [BallotOption("proposal", dict(partnership.title), partnership.content())]
    for alternative in all_for(db, partnership):
        if alternative.declined:
            continue
        options.append(
            BallotOption(
                f"alternative:{alternative.id}",
                dict(alternative.title),
                content(alternative),
                alternative.id,
            )
        )
    return options
