"""Partnerships' business rules: draft, edit (versioned), move through the lifecycle.

Views call these with ``request.db``; nothing here commits or knows about HTTP.
Every move goes through :func:`move`, which asks the pure ``lifecycle`` module
whether it is in order, allowed for the actor's roles and ready, then stamps the
dates and writes the audit log. The votes and charters packages call
:func:`start_voting`, :func:`record_outcome`, :func:`mark_signed` — never the
columns directly.

Refusals are :mod:`partnerstate.partnerships.errors`: ``Conflict`` (409, naming the
current state), ``Forbidden`` (403), ``Invalid`` (422, with fields).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session, selectinload

from partnerstate.commons import taxonomy as commons_tx
from partnerstate.commons.models import Commons
from partnerstate.database import utcnow
from partnerstate.i18n import _
from partnerstate.ids import is_id
from partnerstate.localized import pick
from partnerstate.models import AuditEntry, User
from partnerstate.partnerships import lifecycle, membership, validation
from partnerstate.partnerships import vocabulary as vocab
from partnerstate.partnerships.errors import Conflict, Forbidden, Invalid
from partnerstate.partnerships.lifecycle import Role, Status
from partnerstate.partnerships.models import CONTENT_FIELDS, Partnership, PartnershipVersion
from partnerstate.services import audit

OBJECT_TYPE = "partnership"

# Messages for the lifecycle's precondition codes.
PROBLEMS = {
    "title_missing": _("Give the partnership a title."),
    "purpose_missing": _("Describe the purpose and general interest."),
    "city_commitments_missing": _("List at least one of the city's enabling commitments."),
    "commons_commitments_missing": _("List at least one of the commoners' commitments."),
    "duration_missing": _("Give the duration in months."),
    "commons_not_published": _("The commons must be published in the register first."),
    "deadline_not_in_future": _("The end of the deliberation must be in the future."),
    "reason_missing": _("Give a reason."),
}


# --- reading --------------------------------------------------------------------------------------


def get(db: Session, partnership_id: int) -> Partnership | None:
    return db.get(Partnership, partnership_id)


class _AllDrafts:
    """Every assembly's drafts (an official reads them all)."""

    def __repr__(self) -> str:
        return "ALL_DRAFTS"


ALL_DRAFTS = _AllDrafts()
# Whose drafts a list may show: ALL_DRAFTS, or the ids of some assemblies (the security
# policy decides, see resources.readable_drafts); by default none.
Drafts = _AllDrafts | frozenset[int]


@dataclass(frozen=True)
class Query:
    status: str | None = None
    commons_id: int | None = None
    assembly_id: int | None = None
    drafts: Drafts = frozenset()


def _filtered(statement: Any, query: Query) -> Any:
    wanted_ids = (query.commons_id, query.assembly_id)
    if any(wanted is not None and not is_id(wanted) for wanted in wanted_ids):
        # No row has an id beyond the database's integers (which would refuse the number).
        return statement.where(false())
    if query.drafts is not ALL_DRAFTS:
        statement = statement.where(
            (Partnership.status != Status.DRAFT) | Partnership.assembly_id.in_(sorted(query.drafts))  # type: ignore[arg-type]
        )
    if query.status:
        statement = statement.where(Partnership.status == query.status)
    if query.commons_id:
        statement = statement.where(Partnership.commons_id == query.commons_id)
    if query.assembly_id:
        statement = statement.where(Partnership.assembly_id == query.assembly_id)
    return statement


def search(db: Session, query: Query, limit: int = 50, offset: int = 0) -> Sequence[Partnership]:
    """Partnerships matching ``query``, most recently changed first.

    Their commons come in one more query: every list of partnerships names them.
    """
    statement = _filtered(select(Partnership).options(selectinload(Partnership.commons)), query)
    statement = statement.order_by(Partnership.updated_at.desc(), Partnership.id.desc())
    return db.scalars(statement.limit(limit).offset(offset)).all()


def count(db: Session, query: Query) -> int:
    return db.scalar(_filtered(select(func.count(Partnership.id)), query)) or 0


def open_deliberations(
    db: Session, assembly_ids: Sequence[int], limit: int
) -> tuple[list[Partnership], int]:
    """Partnerships in deliberation in these assemblies: the first ``limit`` (the soonest
    to end first, those without an end last) and how many there are in all."""
    if not assembly_ids:
        return [], 0
    conditions = (
        Partnership.status == Status.DELIBERATION,
        Partnership.assembly_id.in_(assembly_ids),
    )
    order = (
        Partnership.deliberation_ends_at.is_(None),
        Partnership.deliberation_ends_at,
        Partnership.id,
    )
    rows = list(db.scalars(select(Partnership).where(*conditions).order_by(*order).limit(limit)))
    total = db.scalar(select(func.count(Partnership.id)).where(*conditions))
    return rows, int(total or 0)


# A commons' or an assembly's page shows its latest partnerships and links to the
# list for the others: years of partnerships must not make those pages heavier.
SECTION_SIZE = 10


def for_commons(
    db: Session, commons_id: int, drafts: Drafts = frozenset(), limit: int = SECTION_SIZE
) -> Sequence[Partnership]:
    """A commons' latest partnerships, most recently changed first (for the commons' page)."""
    return search(db, Query(commons_id=commons_id, drafts=drafts), limit=limit)


def for_assembly(
    db: Session, assembly_id: int, drafts: Drafts = frozenset(), limit: int = SECTION_SIZE
) -> Sequence[Partnership]:
    """An assembly's latest partnerships, most recently changed first (for its page)."""
    return search(db, Query(assembly_id=assembly_id, drafts=drafts), limit=limit)


def versions(db: Session, partnership: Partnership) -> list[PartnershipVersion]:
    return list(partnership.versions)


def get_version(db: Session, partnership: Partnership, number: int) -> PartnershipVersion | None:
    return db.scalar(
        select(PartnershipVersion).where(
            PartnershipVersion.partnership_id == partnership.id,
            PartnershipVersion.number == number,
        )
    )


def history(db: Session, partnership: Partnership) -> list[AuditEntry]:
    """Everything done to the partnership, oldest first (drafts, edits, moves)."""
    return audit.entries_for(db, OBJECT_TYPE, partnership.id)


def published_commons(db: Session) -> Sequence[Commons]:
    """The commons a partnership may be drafted for."""
    return db.scalars(
        select(Commons)
        .where(Commons.status == commons_tx.PUBLISHED)
        .order_by(Commons.sort_name, Commons.id)
    ).all()


def commons_with_partnerships(db: Session, locale: str) -> list[tuple[int, str]]:
    """``(id, name)`` of the commons that have partnerships, by name: the list's filter
    offers only these, not the whole register (ten thousand options would make the
    page as heavy as the register), and reads only their names."""
    having = select(Partnership.commons_id).distinct().scalar_subquery()
    rows = db.execute(
        select(Commons.id, Commons.name)
        .where(Commons.id.in_(having))
        .order_by(Commons.sort_name, Commons.id)
    )
    return [(commons_id, pick(name, locale)) for commons_id, name in rows]


# --- roles ----------------------------------------------------------------------------------------


def roles_of(db: Session, partnership: Partnership, actor: User | None) -> frozenset[Role]:
    """The actor's lifecycle roles for this partnership; no actor is the system itself."""
    if actor is None:
        return frozenset({Role.SYSTEM})
    roles: set[Role] = set()
    if actor.is_official:
        roles.add(Role.OFFICIAL)
    if membership.is_facilitator(db, partnership.assembly_id, actor):
        roles.add(Role.FACILITATOR)
    return frozenset(roles)


def available_moves(
    db: Session, partnership: Partnership, actor: User | None
) -> list[lifecycle.Transition]:
    """The buttons the actor sees on the partnership's page."""
    if actor is None:
        return []
    return lifecycle.available(partnership.status, roles_of(db, partnership, actor))


# --- drafting and editing -------------------------------------------------------------------------


def check_draft(
    db: Session,
    assembly_id: Any,
    commons_id: Any,
    data: Mapping[str, Any],
    locale: str | None = None,
) -> tuple[dict[str, Any], str]:
    """The column values and language of a new draft; raises :class:`Invalid` naming every
    problem. Saves nothing: a page whose form refused some inputs calls it too, so that
    every problem shows at once."""
    errors: dict[str, Any] = {}
    assembly = membership.get_assembly(db, assembly_id) if is_id(assembly_id) else None
    if assembly_id in (None, ""):
        errors["assembly_id"] = _("Choose an assembly.")
    elif assembly is None:
        errors["assembly_id"] = _("There is no assembly with this number.")
    commons = db.get(Commons, commons_id) if is_id(commons_id) else None
    if commons_id in (None, ""):
        errors["commons_id"] = _("Choose a commons.")
    elif commons is None:
        errors["commons_id"] = _("There is no commons with this number.")
    elif commons.status != commons_tx.PUBLISHED:
        errors["commons_id"] = _("The commons must be published in the register first.")
    language = locale or (membership.assembly_locale(assembly, "en") if assembly else "en")
    values: dict[str, Any] = {}
    try:
        values = validation.clean(data, language, creating=True)
    except Invalid as invalid:
        errors = {**invalid.fields, **errors}
    if errors:
        raise Invalid(_("Some fields are missing or invalid."), errors)
    return values, language


def draft(
    db: Session,
    actor: User,
    assembly_id: Any,
    commons_id: Any,
    data: Mapping[str, Any],
    locale: str | None = None,
) -> Partnership:
    """A new draft by an official, for a published commons and an existing assembly.

    ``data`` is shaped like the API's body (``title``, ``type``, ``city_commitments``…);
    plain strings are taken to be in ``locale``, else the assembly's language.
    """
    values, language = check_draft(db, assembly_id, commons_id, data, locale)
    now = utcnow()
    partnership = Partnership(
        assembly_id=assembly_id,
        commons_id=commons_id,
        status=Status.DRAFT.value,
        locale=language,
        kind="ordinary",
        title={},
        purpose={},
        objectives={},
        city_commitments=[],
        commons_commitments=[],
        access_rules={},
        governance={},
        resources={},
        evaluation={},
        dispute_resolution={},
        version=1,
        created_at=now,
        updated_at=now,
        created_by_id=actor.id,
    )
    for column, value in values.items():
        setattr(partnership, column, value)
    db.add(partnership)
    db.flush()
    partnership.versions.append(
        PartnershipVersion(
            number=1,
            content=partnership.content(),
            note="",
            status=partnership.status,
            created_at=now,
            author_id=actor.id,
        )
    )
    audit.record(
        db,
        actor,
        "partnership.draft",
        OBJECT_TYPE,
        partnership.id,
        assembly_id=partnership.assembly_id,
        commons_id=partnership.commons_id,
    )
    return partnership


def check_edit(
    partnership: Partnership, data: Mapping[str, Any], locale: str, note: Any = ""
) -> tuple[dict[str, Any], str]:
    """The column values and note of an edit; raises :class:`Invalid` naming every problem.

    Changes nothing (see :func:`check_draft`).
    """
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    cleaned_note = ""
    try:
        values = validation.clean(data, locale, current=partnership.content())
    except Invalid as invalid:
        errors.update(invalid.fields)
    try:
        cleaned_note = validation.clean_note(note)
    except Invalid as invalid:
        errors.update(invalid.fields)
    if errors:
        raise Invalid(_("Some fields are missing or invalid."), errors)
    return values, cleaned_note


def edit(
    db: Session,
    partnership: Partnership,
    actor: User,
    data: Mapping[str, Any],
    locale: str,
    note: Any = "",
) -> PartnershipVersion | None:
    """Change the text; the new text becomes a new version, the old one stays.

    Only while the text is editable (draft, deliberation); returns None when nothing
    changed (no version is made for a save without changes).
    """
    if not lifecycle.is_editable(partnership.status):
        raise Conflict(
            _(
                "The partnership is in state “${status}”: its text can no longer change.",
                mapping={"status": vocab.status_label(partnership.status)},
            ),
            {"status": partnership.status},
        )
    before = partnership.content()
    values, cleaned_note = check_edit(partnership, data, locale, note)
    for column, value in values.items():
        setattr(partnership, column, value)
    after = partnership.content()
    if after == before:
        return None
    now = utcnow()
    partnership.version += 1
    partnership.updated_at = now
    version = PartnershipVersion(
        number=partnership.version,
        content=after,
        note=cleaned_note,
        status=partnership.status,
        created_at=now,
        author_id=actor.id,
    )
    partnership.versions.append(version)
    changed = [name for name in CONTENT_FIELDS if before.get(name) != after.get(name)]
    audit.record(
        db,
        actor,
        "partnership.edit",
        OBJECT_TYPE,
        partnership.id,
        version=partnership.version,
        fields=changed,
    )
    return version


# --- the lifecycle --------------------------------------------------------------------------------


def facts(
    partnership: Partnership,
    now: dt.datetime,
    ends_at: dt.datetime | None = None,
    reason: str = "",
) -> lifecycle.Facts:
    return lifecycle.Facts(
        now=now,
        has_title=bool(partnership.title),
        has_purpose=bool(partnership.purpose),
        city_commitments=len(partnership.city_commitments or []),
        commons_commitments=len(partnership.commons_commitments or []),
        duration_months=partnership.duration_months,
        commons_published=partnership.commons.status == commons_tx.PUBLISHED,
        deliberation_ends_at=ends_at,
        reason=reason,
    )


def wrong_state(partnership: Partnership, action: Any) -> Conflict:
    """The 409 of a move out of order: it names the current state."""
    return Conflict(
        _(
            "The partnership is in state “${status}”; it cannot be moved this way (${action}).",
            mapping={
                "status": vocab.status_label(partnership.status),
                "action": vocab.TRANSITIONS.get(action, action),
            },
        ),
        {"status": partnership.status},
    )


def move(
    db: Session,
    partnership: Partnership,
    name: str,
    actor: User | None,
    *,
    ends_at: dt.datetime | None = None,
    reason: Any = "",
    roles: Iterable[Role] | None = None,
    now: dt.datetime | None = None,
    details: Mapping[str, Any] | None = None,
) -> Partnership:
    """Make the lifecycle move ``name`` (e.g. ``open_deliberation``) and audit it.

    ``roles`` overrides the actor's roles (the votes package acting as the system
    with a user recorded as the actor); ``details`` are added to the audit entry.
    """
    now = now or utcnow()
    held = frozenset(roles) if roles is not None else roles_of(db, partnership, actor)
    move_ = lifecycle.transition(name)
    if move_.needs_deadline and ends_at is None:
        ends_at = lifecycle.default_deadline(now)
    text = reason.strip() if isinstance(reason, str) else ""
    try:
        lifecycle.check(partnership.status, name, held, facts(partnership, now, ends_at, text))
    except lifecycle.OutOfOrder:
        raise wrong_state(partnership, name) from None
    except lifecycle.RoleNotAllowed:
        raise Forbidden(_("Your role does not allow this step.")) from None
    except lifecycle.PreconditionsFailed as failed:
        fields = {problem.field: PROBLEMS[problem.code] for problem in failed.problems}
        raise Invalid(_("The partnership is not ready for this step."), fields) from None
    if move_.needs_reason:
        text = validation.clean_reason(text)

    previous = partnership.status
    partnership.status = move_.target.value
    partnership.updated_at = now
    _stamp(partnership, move_.target, now, ends_at, text)
    audit.record(
        db,
        actor,
        "partnership.transition",
        OBJECT_TYPE,
        partnership.id,
        transition=name,
        from_status=previous,
        to_status=move_.target.value,
        assembly_id=partnership.assembly_id,
        **({"reason": text} if text else {}),
        **({"ends_at": ends_at.isoformat()} if move_.needs_deadline and ends_at else {}),
        **dict(details or {}),
    )
    if name in ("open_deliberation", "reopen_deliberation"):
        _announce_deliberation(db, partnership)
    return partnership


def _announce_deliberation(db: Session, partnership: Partnership) -> None:
    """Tell the assembly's participants, by mail as each chose and in-app (one job)."""
    from partnerstate.mail import notices

    assembly = membership.get_assembly(db, partnership.assembly_id)
    ends_at = partnership.deliberation_ends_at
    notices.announce(
        db,
        kind="deliberation_opened",
        template="mail/deliberation_opened.jinja2",
        user_ids=membership.participant_ids(db, partnership.assembly_id),
        path=f"/partnerships/{partnership.id}",
        params={
            "title": dict(partnership.title),
            "ends_at": ends_at.isoformat() if ends_at else None,
        },
        assembly_locale=membership.assembly_locale(assembly, partnership.locale),
    )


def _stamp(
    partnership: Partnership,
    target: Status,
    now: dt.datetime,
    ends_at: dt.datetime | None,
    reason: str,
) -> None:
    if target is Status.DELIBERATION:
        partnership.deliberation_opened_at = now
        partnership.deliberation_ends_at = ends_at
    elif target is Status.VOTING:
        partnership.voting_started_at = now
    elif target in (Status.ADOPTED, Status.REJECTED, Status.NO_QUORUM):
        partnership.decided_at = now
    elif target is Status.SIGNED:
        partnership.signed_at = now
    elif target is Status.ACTIVE:
        partnership.activated_at = now
    elif target is Status.CLOSED:
        partnership.closed_at = now
        partnership.closing_reason = reason or None


def open_deliberation(
    db: Session, partnership: Partnership, actor: User, ends_at: dt.datetime | None = None
) -> Partnership:
    """Draft -> deliberation (official or facilitator), until ``ends_at`` (default 21 days)."""
    return move(db, partnership, "open_deliberation", actor, ends_at=ends_at)


def reopen_deliberation(
    db: Session, partnership: Partnership, actor: User, ends_at: dt.datetime | None = None
) -> Partnership:
    """No quorum -> deliberation: the assembly tries again."""
    return move(db, partnership, "reopen_deliberation", actor, ends_at=ends_at)


def start_voting(
    db: Session, partnership: Partnership, actor: User | None, **details: Any
) -> Partnership:
    """Deliberation -> voting. Called by the votes package when it opens the vote."""
    return move(db, partnership, "start_voting", actor, details=details)


def record_outcome(
    db: Session, partnership: Partnership, outcome: str, actor: User | None, **details: Any
) -> Partnership:
    """Voting -> adopted | rejected | no_quorum. Called by the votes package at the close.

    The vote's close was already authorised by the votes package, so the move is
    made with the system's role; ``actor`` (who closed it) goes to the audit log.
    """
    try:
        name = lifecycle.OUTCOME_TRANSITIONS[lifecycle.Outcome(outcome)]
    except ValueError:
        raise Invalid(
            _("Unknown outcome."), {"outcome": _("Must be adopted, rejected or no_quorum.")}
        ) from None
    return move(db, partnership, name, actor, roles={Role.SYSTEM}, details=details)


def mark_signed(
    db: Session, partnership: Partnership, actor: User | None, **details: Any
) -> Partnership:
    """Adopted -> signed. Called by the charters package when the last party signed."""
    return move(db, partnership, "sign", actor, roles={Role.SYSTEM}, details=details)


def activate(db: Session, partnership: Partnership, actor: User) -> Partnership:
    """Signed -> active (an official)."""
    return move(db, partnership, "activate", actor)


def close(db: Session, partnership: Partnership, actor: User, reason: Any) -> Partnership:
    """Active -> closed (an official, with a reason)."""
    return move(db, partnership, "close", actor, reason=reason)


def withdraw(db: Session, partnership: Partnership, actor: User, reason: Any) -> Partnership:
    """Draft or deliberation -> closed: the city withdraws its proposal (with a reason)."""
    return move(db, partnership, "withdraw", actor, reason=reason)


def set_deadline(
    db: Session,
    partnership: Partnership,
    actor: User,
    ends_at: dt.datetime,
    now: dt.datetime | None = None,
) -> Partnership:
    """Move the end of the deliberation (an official or a facilitator, during deliberation)."""
    now = now or utcnow()
    if partnership.status != Status.DELIBERATION:
        raise wrong_state(partnership, _("Change the deadline"))
    if not roles_of(db, partnership, actor) & {Role.OFFICIAL, Role.FACILITATOR}:
        raise Forbidden(_("Your role does not allow this step."))
    if ends_at <= now:
        raise Invalid(
            _("The partnership is not ready for this step."),
            {"ends_at": PROBLEMS["deadline_not_in_future"]},
        )
    previous = partnership.deliberation_ends_at
    partnership.deliberation_ends_at = ends_at
    partnership.updated_at = now
    audit.record(
        db,
        actor,
        "partnership.deadline",
        OBJECT_TYPE,
        partnership.id,
        ends_at=ends_at.isoformat(),
        previous=previous.isoformat() if previous else None,
        assembly_id=partnership.assembly_id,
    )
    return partnership


def deliberation_is_open(partnership: Partnership, now: dt.datetime | None = None) -> bool:
    return lifecycle.deliberation_is_open(
        partnership.status, partnership.deliberation_ends_at, now or utcnow()
    )


def deadline(partnership: Partnership, now: dt.datetime | None = None) -> lifecycle.Deadline:
    return lifecycle.deadline(partnership.status, partnership.deliberation_ends_at, now or utcnow())


def title_of(partnership: Partnership, locale: str) -> str:
    return pick(partnership.title, locale, partnership.locale)
