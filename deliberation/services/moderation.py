"""Moderation: anyone signed in may flag a post; a facilitator hides it with a reason.

A hidden post keeps its text in the database (for the record and for an appeal)
but the page shows the facilitator's reason in its place. Every flag, hiding,
restoring and dismissal goes to the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from deliberation.debate_models import Argument, ArgumentFlag
from partnerstate.choices import one_of
from partnerstate.database import utcnow
from partnerstate.i18n import _
from partnerstate.models import User
from partnerstate.partnerships import membership, validation
from partnerstate.partnerships.errors import Conflict, Forbidden, Invalid
from partnerstate.partnerships.models import Partnership
from partnerstate.services import audit

FLAG_REASONS = {
    "offensive": _("Offensive or abusive"),
    "spam": _("Spam or advertising"),
    "off_topic": _("Off topic"),
    "personal_data": _("Reveals personal data"),
    "unlawful": _("Unlawful"),
    "other": _("Other"),
}

OBJECT_TYPE = "argument"


def check_flag(reason: Any, note: Any) -> str:
    """A flag's note as stored; raises :class:`Invalid` naming every problem of the
    reason and the note (required for "other"). Records nothing: a page whose form
    refused some inputs calls it too, so that every problem shows at once."""
    errors: dict[str, Any] = {}
    if reason not in FLAG_REASONS:
        errors["reason"] = one_of(FLAG_REASONS.values())
    text = ""
    try:
        text = validation.clean_reason(note, field="note", required=reason == "other")
    except Invalid as invalid:
        errors.update(invalid.fields)
    if errors:
        raise Invalid(_("Some fields are missing or invalid."), errors)
    return text


def flag(
    db: Session,
    argument: Argument,
    user: User,
    reason: Any,
    note: Any = "",
    now: dt.datetime | None = None,
) -> ArgumentFlag:
    """Report a post to the facilitators; once per person and post."""
    if argument.deleted:
        raise Conflict(_("This post was deleted."))
    if argument.author_id == user.id:
        raise Conflict(_("You cannot flag your own post; you may delete it."))
    text = check_flag(reason, note)
    existing = db.scalar(
        select(ArgumentFlag).where(
            ArgumentFlag.argument_id == argument.id, ArgumentFlag.user_id == user.id
        )
    )
    if existing is not None:
        raise Conflict(_("You already flagged this post."))
    entry = ArgumentFlag(
        argument_id=argument.id,
        user_id=user.id,
        reason=reason,
        note=text,
        created_at=now or utcnow(),
    )
    db.add(entry)
    db.flush()
    audit.record(
        db,
        user,
        "argument.flag",
        OBJECT_TYPE,
        argument.id,
        partnership_id=argument.partnership_id,
        reason=reason,
    )
    return entry


def _require_facilitator(db: Session, argument: Argument, actor: User) -> None:
    if not membership.is_facilitator(db, argument.partnership.assembly_id, actor):
        raise Forbidden(_("Only a facilitator of the assembly may moderate."))


def _resolve_flags(argument: Argument, now: dt.datetime) -> None:
    for entry in argument.flags:
        if entry.resolved_at is None:
            entry.resolved_at = now


def hide(
    db: Session, argument: Argument, actor: User, reason: Any, now: dt.datetime | None = None
) -> Argument:
    """A facilitator hides a post; the reason is shown in its place."""
    _require_facilitator(db, argument, actor)
    if argument.deleted:
        raise Conflict(_("This post was deleted."))
    if argument.hidden:
        raise Conflict(_("This post is already hidden."))
    text = validation.clean_reason(reason)
    now = now or utcnow()
    argument.hidden_at = now
    argument.hidden_by_id = actor.id
    argument.hidden_reason = text
    _resolve_flags(argument, now)
    audit.record(
        db,
        actor,
        "argument.hide",
        OBJECT_TYPE,
        argument.id,
        partnership_id=argument.partnership_id,
        author_id=argument.author_id,
        reason=text,
    )
    return argument


def restore(db: Session, argument: Argument, actor: User) -> Argument:
    """A facilitator shows a hidden post again (e.g. after an appeal)."""
    _require_facilitator(db, argument, actor)
    if not argument.hidden:
        raise Conflict(_("This post is not hidden."))
    argument.hidden_at = None
    argument.hidden_by_id = None
    argument.hidden_reason = None
    audit.record(
        db, actor, "argument.restore", OBJECT_TYPE, argument.id,
        partnership_id=argument.partnership_id,
    )  # fmt: skip
    return argument


def dismiss_flags(
    db: Session, argument: Argument, actor: User, now: dt.datetime | None = None
) -> Argument:
    """A facilitator looked at the flags and leaves the post as it is."""
    _require_facilitator(db, argument, actor)
    pending = [entry for entry in argument.flags if entry.resolved_at is None]
    if not pending:
        raise Conflict(_("This post has no open flags."))
    _resolve_flags(argument, now or utcnow())
    audit.record(
        db, actor, "argument.dismiss_flags", OBJECT_TYPE, argument.id,
        partnership_id=argument.partnership_id, flags=len(pending),
    )  # fmt: skip
    return argument


def open_flags(db: Session, partnership: Partnership) -> Sequence[Argument]:
    """Posts with flags no facilitator has looked at yet, oldest flag first."""
    flagged = select(ArgumentFlag.argument_id).where(ArgumentFlag.resolved_at.is_(None))
    return db.scalars(
        select(Argument)
        .where(Argument.partnership_id == partnership.id, Argument.id.in_(flagged))
        .order_by(Argument.id)
    ).all()


def open_flag_count(db: Session, partnership: Partnership) -> int:
    return len(open_flags(db, partnership))
