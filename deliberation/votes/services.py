"""Votes' business rules: open, cast, close and count, import paper ballots, publish.

Views and the command line call these with a session; nothing here commits or knows
about HTTP. Refusals are :mod:`partnerstate.partnerships.errors` (``Invalid`` 422,
``Conflict`` 409, ``Forbidden`` 403), as in the rest of the deliberation package.

Counting is delegated to the pure :mod:`deliberation.tally` after the database has
grouped identical ballots (``GROUP BY ranking``), so a close reads each distinct
ranking once however many ballots there are. How ballots stay secret is told in
:mod:`deliberation.votes.models` and ``docs/ballot-secrecy.md``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import math
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from deliberation import tally as counting
from deliberation.blt import BltError, format_blt, parse_blt
from deliberation.votes import ballots as ballot_data
from deliberation.votes import keys as voter_keys
from deliberation.votes import storage
from deliberation.votes.models import (
    CLOSED,
    ELECTION,
    ONLINE,
    OPEN,
    PAPER,
    PARTNERSHIP,
    Ballot,
    BallotKey,
    Vote,
    VoteElector,
    VoteOption,
)
from deliberation.votes.turnout import figures as turnout_figures
from partnerstate.database import utcnow
from partnerstate.i18n import LOCALES, _
from partnerstate.localized import normalize, pick
from partnerstate.markup import contains_markup
from partnerstate.models import User
from partnerstate.partnerships import membership
from partnerstate.partnerships.errors import Conflict, Forbidden, Invalid
from partnerstate.services import audit

OBJECT_TYPE = "vote"

PARTNERSHIP_METHODS = ("schulze", "ranked-pairs", "irv")
ELECTION_METHODS = ("stv", "schulze-stv")
# Methods that count equal ranks as ties; the others take one option per rank.
EQUAL_RANKS = frozenset(counting.CONDORCET)

MAX_CANDIDATES = 100
MAX_LABEL = 200
MAX_TITLE = 200

STATUS_QUO_LABEL = _("Status quo: no partnership")

# Outcomes (the contract's values).
ADOPTED = "adopted"
REJECTED = "rejected"
NO_QUORUM = "no_quorum"
ELECTED = "elected"

RANKING_MESSAGES = {
    "empty": _("Rank at least one option."),
    "empty_group": _("An equal rank must hold at least one option."),
    "equal_ranks": _("This voting method does not allow equal ranks: one option per rank."),
    "unknown": _("This ballot ranks an option that is not on it."),
    "twice": _("An option may be ranked only once."),
}

# Paper ballots are written in batches of this many rows (progress is reported per batch).
IMPORT_BATCH = 5_000
# How many paper ballots a vote may take (all imports together). Without a declared
# count (``--expected``), no more than its electorate or a meeting room of
# PAPER_ROOM, whichever is larger: a file that holds more is a mistake, not a meeting.
# With the assembly's declared count, up to MAX_PAPER_BALLOTS, which keeps every
# grouped weight of the published BLT far below what `tally` reads on one line.
PAPER_ROOM = 1_000
MAX_PAPER_BALLOTS = 1_000_000


# --- reading --------------------------------------------------------------------------


def get(db: Session, vote_id: int) -> Vote | None:
    return db.get(Vote, vote_id)


def votes_for_partnership(db: Session, partnership_id: int) -> list[Vote]:
    """Every vote held on a partnership, newest first (a vote without quorum may be redone)."""
    query = select(Vote).where(Vote.partnership_id == partnership_id).order_by(Vote.id.desc())
    return list(db.scalars(query))


@dataclass(frozen=True)
class VoteQuery:
    """Filters of ``GET /api/v1/votes``; None means any."""

    assembly_id: int | None = None
    partnership_id: int | None = None
    status: str | None = None


def search_votes(db: Session, query: VoteQuery, *, limit: int, offset: int = 0) -> list[Vote]:
    """Votes matching ``query``, newest first, one page."""
    statement = select(Vote).order_by(Vote.id.desc())
    if query.assembly_id is not None:
        statement = statement.where(Vote.assembly_id == query.assembly_id)
    if query.partnership_id is not None:
        statement = statement.where(Vote.partnership_id == query.partnership_id)
    if query.status is not None:
        statement = statement.where(Vote.status == query.status)
    return list(db.scalars(statement.limit(limit).offset(offset)))


def votes_for_assembly(db: Session, assembly_id: int) -> list[Vote]:
    """The assembly's votes, newest first, with their options (the panel names winners)."""
    query = (
        select(Vote)
        .where(Vote.assembly_id == assembly_id)
        .options(selectinload(Vote.options))
        .order_by(Vote.id.desc())
    )
    return list(db.scalars(query))


def adopting_vote(db: Session, partnership_id: int) -> Vote | None:
    """The closed vote whose outcome was ``adopted`` for this partnership, if any."""
    for vote in votes_for_partnership(db, partnership_id):
        if vote.status == CLOSED and (vote.result or {}).get("outcome") == ADOPTED:
            return vote
    return None


def winning_options(vote: Vote) -> list[VoteOption]:
    """The options the published result elected, in order; [] before the close."""
    by_id = {option.id: option for option in vote.options}
    return [by_id[i] for i in (vote.result or {}).get("winners", []) if i in by_id]


@dataclass(frozen=True)
class Participation:
    """What a person may know about their own part in a vote."""

    elector: bool
    voted_at: dt.datetime | None = None
    # While the vote is open only: their current ballot and its receipt.
    receipt: str | None = None
    ranking: list[list[int]] | None = None


def participation(db: Session, vote: Vote, user: User | None) -> Participation:
    """Whether ``user`` is in the electorate, voted, and (while open) their ballot."""
    if user is None:
        return Participation(False)
    elector = db.get(VoteElector, (vote.id, user.id))
    if elector is None:
        return Participation(False)
    if elector.voted_at is None or not vote.is_open or vote.secret is None:
        return Participation(True, elector.voted_at)
    key = db.get(BallotKey, (vote.id, ballot_data.voter_key(vote.secret, vote.id, user.id)))
    ballot = (
        db.get(Ballot, {"vote_id": vote.id, "receipt": key.receipt}) if key is not None else None
    )
    if ballot is None:
        return Participation(True, elector.voted_at)
    return Participation(True, elector.voted_at, ballot.receipt, ballot_data.parse(ballot.ranking))


def awaiting_ballot(
    db: Session, user_id: int, limit: int, now: dt.datetime | None = None
) -> tuple[list[Vote], int]:
    """Open votes still accepting ballots in which the person is an elector and has not
    voted: the first ``limit``, soonest to close first (no closing time last), and how
    many there are in all."""
    now = now or utcnow()
    conditions = (
        VoteElector.user_id == user_id,
        VoteElector.voted_at.is_(None),
        Vote.status == OPEN,
        (Vote.closes_at.is_(None)) | (Vote.closes_at > now),
    )
    joined = select(Vote).join(VoteElector, VoteElector.vote_id == Vote.id).where(*conditions)
    order = (Vote.closes_at.is_(None), Vote.closes_at, Vote.id)
    votes = list(db.scalars(joined.order_by(*order).limit(limit)))
    total = db.scalar(
        select(func.count(Vote.id))
        .join(VoteElector, VoteElector.vote_id == Vote.id)
        .where(*conditions)
    )
    return votes, int(total or 0)


def is_elector(db: Session, vote: Vote, user: User | None) -> bool:
    return user is not None and is_elector_id(db, vote, user.id)


def is_elector_id(db: Session, vote: Vote, user_id: int) -> bool:
    return db.get(VoteElector, (vote.id, user_id)) is not None


def may_manage(db: Session, vote_or_assembly_id: Vote | int, user: User | None) -> bool:
    """Officials and the assembly's facilitators open and close votes."""
    if user is None:
        return False
    assembly_id = (
        vote_or_assembly_id.assembly_id
        if isinstance(vote_or_assembly_id, Vote)
        else vote_or_assembly_id
    )
    return bool(user.is_official) or membership.is_facilitator(db, assembly_id, user)


def receipt_counted(db: Session, vote: Vote, receipt: str) -> bool:
    """Was the ballot with this receipt counted? Only answered after the close."""
    normal = ballot_data.normalize_receipt(receipt)
    if normal is None or vote.status != CLOSED:
        return False
    found = db.scalar(
        select(Ballot.receipt).where(Ballot.receipt == normal, Ballot.vote_id == vote.id)
    )
    return found is not None


def counted_receipts(
    db: Session, vote: Vote, after: str = "", limit: int | None = None, source: str = ONLINE
) -> list[str]:
    """The receipts of the counted ballots in alphabetical order (a page after ``after``)."""
    query = (
        select(Ballot.receipt)
        .where(Ballot.vote_id == vote.id, Ballot.source == source, Ballot.receipt > after)
        .order_by(Ballot.receipt)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.scalars(query))


def turnout_so_far(db: Session, vote: Vote) -> dict[str, int]:
    """Who has voted so far (online voters, paper ballots): public while the vote is open."""
    online = db.scalar(
        select(func.count())
        .select_from(VoteElector)
        .where(VoteElector.vote_id == vote.id, VoteElector.voted_at.is_not(None))
    )
    paper = paper_ballots_so_far(db, vote)
    return {"online": int(online or 0), "paper": paper, "ballots": int(online or 0) + paper}


# --- labels ---------------------------------------------------------------------------


@functools.cache
def _localizer(locale: str) -> Any:
    from pyramid.i18n import Localizer

    from partnerstate.i18n import load_translations

    return Localizer(locale_name=locale, translations=load_translations(locale))


def in_every_language(message: Any) -> dict[str, str]:
    """A gettext message as stored data: ``{"en": ..., "fr": ...}`` for every UI language."""
    return {locale: _localizer(locale).translate(message) for locale in LOCALES}


def option_names(vote: Vote) -> list[str]:
    """The options' names in the BLT export (and for the tie-break draw): unique, one line."""
    return ballot_data.blt_names([option.display_label(vote.locale) for option in vote.options])


# --- opening --------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionSpec:
    """An option to put on a new ballot."""

    key: str
    label: dict[str, str]
    alternative_id: int | None = None
    content: dict[str, Any] | None = None
    status_quo: bool = False


def _check_method(method: Any, allowed: Sequence[str]) -> str:
    if method not in allowed:
        raise Invalid(
            _("Unknown voting method."),
            {"method": _("Must be one of: ${allowed}.", mapping={"allowed": ", ".join(allowed)})},
        )
    return str(method)


def _check_quorum(quorum_percent: Any) -> float | None:
    if quorum_percent is None:
        return None
    if isinstance(quorum_percent, bool) or not isinstance(quorum_percent, (int, float)):
        raise Invalid(_("Invalid quorum."), {"quorum_percent": _("Give a percentage.")})
    if not 0 <= quorum_percent <= 100 or math.isnan(quorum_percent):
        raise Invalid(
            _("Invalid quorum."), {"quorum_percent": _("Give a percentage between 0 and 100.")}
        )
    return float(quorum_percent)


def _check_closes_at(closes_at: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
    if closes_at is None:
        return None
    if closes_at.tzinfo is None:
        closes_at = closes_at.replace(tzinfo=dt.UTC)
    if closes_at <= now:
        raise Invalid(
            _("The closing time must be in the future."),
            {"closes_at": _("The closing time must be in the future.")},
        )
    return closes_at


def _raise_all(refusals: Sequence[Invalid]) -> None:
    """One refusal as it is; several as one :class:`Invalid` naming each field."""
    if len(refusals) == 1:
        raise refusals[0]
    if refusals:
        fields = {name: text for refusal in refusals for name, text in refusal.fields.items()}
        raise Invalid(_("Some fields are missing or invalid."), fields)


def check_settings(
    method: Any,
    allowed: Sequence[str],
    quorum_percent: Any,
    closes_at: dt.datetime | None,
    now: dt.datetime | None = None,
) -> tuple[str, float | None, dt.datetime | None]:
    """A new vote's method, quorum and closing time; raises :class:`Invalid` naming every
    problem. Opens nothing: a page whose form refused some inputs calls it too, so that
    every problem shows at once."""
    now = now or utcnow()
    refusals: list[Invalid] = []
    checked: list[Any] = []
    for check in (
        functools.partial(_check_method, method, allowed),
        functools.partial(_check_quorum, quorum_percent),
        functools.partial(_check_closes_at, closes_at, now),
    ):
        try:
            checked.append(check())
        except Invalid as refusal:
            refusals.append(refusal)
    _raise_all(refusals)
    return checked[0], checked[1], checked[2]


@dataclass(frozen=True)
class ElectionSpec:
    """A new election's checked settings (see :func:`check_election`)."""

    title: dict[str, str]
    locale: str
    method: str
    seats: int
    candidates: list[dict[str, str]]
    quorum_percent: float | None
    closes_at: dt.datetime | None


def check_election(
    assembly: Any,
    title: Any,
    method: Any,
    seats: Any,
    candidates: Sequence[Any],
    quorum_percent: Any = None,
    closes_at: dt.datetime | None = None,
    locale: str | None = None,
    now: dt.datetime | None = None,
) -> ElectionSpec:
    """A new election's settings; raises :class:`Invalid` naming every problem.

    Opens nothing (see :func:`check_settings`). Texts are in the assembly's language.
    """
    locale = getattr(assembly, "default_locale", None) or locale or "en"
    problems: dict[str, Any] = {}
    title_text = _text(title, locale)
    if not title_text:
        problems["title"] = _("Give the election a title.")
    elif any(len(text) > MAX_TITLE for text in title_text.values()):
        problems["title"] = _("Too long: at most ${max} characters.", mapping={"max": MAX_TITLE})
    elif any(contains_markup(text) for text in title_text.values()):
        problems["title"] = _("HTML is not allowed here.")
    names = [_text(candidate, locale) for candidate in candidates]
    if not names:
        problems["candidates"] = _("List at least one candidate.")
    elif len(names) > MAX_CANDIDATES:
        problems["candidates"] = _("At most ${max} candidates.", mapping={"max": MAX_CANDIDATES})
    elif any(not name for name in names):
        problems["candidates"] = _("Every candidate needs a name.")
    elif any(len(text) > MAX_LABEL for name in names for text in name.values()):
        problems["candidates"] = _(
            "A name is too long: at most ${max} characters.", mapping={"max": MAX_LABEL}
        )
    elif any(contains_markup(text) for name in names for text in name.values()):
        problems["candidates"] = _("HTML is not allowed here.")
    elif len({pick(name, locale).casefold() for name in names}) != len(names):
        problems["candidates"] = _("A candidate is listed twice.")
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        problems["seats"] = _("Give the number of seats (at least 1).")
    elif names and seats > len(names):
        problems["seats"] = _("More seats than candidates.")
    elif method == "schulze-stv" and len(names) > counting.schulze_stv_max_candidates(seats):
        # Its count grows combinatorially: refused now rather than never finishing later.
        problems["candidates"] = _(
            "Schulze STV can count at most ${max} candidates for ${seats} seats; "
            "choose STV, or fewer candidates.",
            mapping={"max": counting.schulze_stv_max_candidates(seats), "seats": seats},
        )
    refusals = [Invalid(_("Some fields are missing or invalid."), problems)] if problems else []
    settings: tuple[Any, ...] = (None, None, None)
    try:
        settings = check_settings(method, ELECTION_METHODS, quorum_percent, closes_at, now)
    except Invalid as refusal:
        refusals.append(refusal)
    _raise_all(refusals)
    method, quorum, closes = settings
    return ElectionSpec(title_text, locale, method, seats, names, quorum, closes)


def _assembly(db: Session, assembly_id: int) -> Any:
    return membership.get_assembly(db, assembly_id)


def _electorate(db: Session, assembly_id: int) -> list[int]:
    """User ids of the assembly's members with voting rights (verified if required)."""
    from assemblies import services as assemblies

    return sorted(set(assemblies.voting_members(db, assembly_id)))


def _require_manager(db: Session, assembly_id: int, actor: User) -> None:
    if not may_manage(db, assembly_id, actor):
        raise Forbidden(_("Only an official or a facilitator of the assembly may do this."))


def _create(
    db: Session,
    *,
    kind: str,
    assembly_id: int,
    partnership_id: int | None,
    title: dict[str, str],
    locale: str,
    method: str,
    seats: int,
    quorum_percent: float | None,
    closes_at: dt.datetime | None,
    options: Sequence[OptionSpec],
    actor: User,
    now: dt.datetime,
) -> Vote:
    electorate = _electorate(db, assembly_id)
    if not electorate:
        raise Invalid(
            _("Nobody can vote: the assembly has no members with voting rights."),
            {"electorate": _("The assembly has no members with voting rights.")},
        )
    vote = Vote(
        kind=kind,
        assembly_id=assembly_id,
        partnership_id=partnership_id,
        title=title,
        locale=locale,
        method=method,
        seats=seats,
        quorum_percent=quorum_percent,
        status=OPEN,
        opened_at=now,
        closes_at=closes_at,
        opened_by_id=actor.id,
        tie_break_seed=secrets.token_hex(16),
        electorate_size=len(electorate),
        secret=ballot_data.new_secret(),
    )
    vote.options = [
        VoteOption(
            position=position,
            key=spec.key,
            label=spec.label,
            status_quo=spec.status_quo,
            alternative_id=spec.alternative_id,
            content=spec.content,
        )
        for position, spec in enumerate(options)
    ]
    db.add(vote)
    db.flush()
    # The tie-break order is drawn over the names of the BLT export, so that
    # `partnerstate tally ballots.blt --seed SEED` draws the very same order. It lists
    # every option: a cast checks rankings against it (`option_ids`).
    names = option_names(vote)
    by_name = dict(zip(names, vote.options, strict=True))
    vote.tie_break = [
        by_name[name].id for name in counting.draw_tie_break(names, vote.tie_break_seed)
    ]
    # The electorate is frozen now: later members of the assembly do not vote.
    db.execute(insert(VoteElector), [{"vote_id": vote.id, "user_id": uid} for uid in electorate])
    voter_keys.prepare(db, vote.id)
    storage.prepare(db, vote.id)
    return vote


def open_partnership_vote(
    db: Session,
    partnership: Any,
    actor: User,
    method: str = "schulze",
    quorum_percent: float | None = None,
    closes_at: dt.datetime | None = None,
    options: Sequence[OptionSpec] | None = None,
    now: dt.datetime | None = None,
) -> Vote:
    """End the deliberation and open the assembly's vote on ``partnership``.

    Options: the proposal and every alternative not declined (from the debate, or
    ``options`` if given), then the status quo. The quorum defaults to the
    assembly's. The electorate is frozen and the tie-break order drawn from a seed
    published now. The partnership moves to ``voting``.
    """
    from partnerstate.partnerships import services as partnerships

    now = now or utcnow()
    _require_manager(db, partnership.assembly_id, actor)
    if partnership.status != "deliberation":
        raise partnerships.wrong_state(partnership, "start_voting")
    if quorum_percent is None:
        quorum_percent = getattr(_assembly(db, partnership.assembly_id), "quorum_percent", None)
    method, quorum, closes = check_settings(
        method, PARTNERSHIP_METHODS, quorum_percent, closes_at, now
    )
    if options is None:
        from deliberation.services import ballot_options

        options = [
            OptionSpec(o.key, dict(o.title), o.alternative_id, o.content)
            for o in ballot_options(db, partnership)
        ]
    specs = [
        *options,
        OptionSpec("status_quo", in_every_language(STATUS_QUO_LABEL), status_quo=True),
    ]
    vote = _create(
        db,
        kind=PARTNERSHIP,
        assembly_id=partnership.assembly_id,
        partnership_id=partnership.id,
        title=dict(partnership.title),
        locale=partnership.locale or "en",
        method=method,
        seats=1,
        quorum_percent=quorum,
        closes_at=closes,
        options=specs,
        actor=actor,
        now=now,
    )
    partnerships.start_voting(db, partnership, actor, vote_id=vote.id)
    _audit_open(db, vote, actor)
    return vote


def open_election(
    db: Session,
    assembly: Any,
    actor: User,
    title: Any,
    method: str,
    seats: int,
    candidates: Sequence[Any],
    quorum_percent: float | None = None,
    closes_at: dt.datetime | None = None,
    locale: str | None = None,
    now: dt.datetime | None = None,
) -> Vote:
    """Open a multi-winner election (STV or Schulze STV) among ``candidates`` (names)."""
    now = now or utcnow()
    _require_manager(db, assembly.id, actor)
    spec = check_election(
        assembly, title, method, seats, candidates, quorum_percent, closes_at, locale, now
    )
    vote = _create(
        db,
        kind=ELECTION,
        assembly_id=assembly.id,
        partnership_id=None,
        title=spec.title,
        locale=spec.locale,
        method=spec.method,
        seats=spec.seats,
        quorum_percent=spec.quorum_percent,
        closes_at=spec.closes_at,
        options=[OptionSpec("candidate", name) for name in spec.candidates],
        actor=actor,
        now=now,
    )
    _audit_open(db, vote, actor)
    return vote


def _text(value: Any, locale: str) -> dict[str, str]:
    try:
        return normalize(value, locale)
    except TypeError:
        return {}


def _audit_open(db: Session, vote: Vote, actor: User) -> None:
    audit.record(
        db,
        actor,
        "vote.open",
        OBJECT_TYPE,
        vote.id,
        kind=vote.kind,
        method=vote.method,
        seats=vote.seats,
        assembly_id=vote.assembly_id,
        partnership_id=vote.partnership_id,
        electorate=vote.electorate_size,
        quorum_percent=vote.quorum_percent,
        closes_at=vote.closes_at.isoformat() if vote.closes_at else None,
        tie_break_seed=vote.tie_break_seed,
    )


# --- casting --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    receipt: str
    replaced: bool


def accepting_ballots(vote: Vote, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    return vote.is_open and (vote.closes_at is None or now < vote.closes_at)


def _require_accepting(vote: Vote, now: dt.datetime) -> None:
    if vote.status != OPEN:
        raise Conflict(_("This vote is closed."), {"status": vote.status})
    if vote.closes_at is not None and now >= vote.closes_at:
        raise Conflict(
            _("Voting time is over; the vote is waiting to be closed."), {"status": vote.status}
        )


def option_ids(db: Session, vote: Vote) -> list[int]:
    """The vote's option ids, without loading the options (their texts can be long).

    In position order when they are read; otherwise in the tie-break order, which was
    drawn over every option when the vote opened and is on the vote's row already.
    Checking a ranking needs only the set.
    """
    if "options" in vote.__dict__:  # already loaded
        return [option.id for option in vote.options]
    if vote.tie_break:
        return list(vote.tie_break)
    return list(db.scalars(_OPTION_IDS, {"vote_id": vote.id}))


def check_ranking(
    vote: Vote, ranking: Sequence[Any], ids: Sequence[int] | None = None
) -> list[list[int]]:
    """The ranking as groups of option ids, or `Invalid` (422) naming the problem."""
    if ids is None:
        ids = [option.id for option in vote.options]
    try:
        return ballot_data.check_ranking(ranking, ids, equal_ranks=vote.method in EQUAL_RANKS)
    except ballot_data.RankingError as error:
        raise Invalid(
            RANKING_MESSAGES[error.code], {"ranking": RANKING_MESSAGES[error.code]}
        ) from None


# The cast's statements, built once: building a statement and its cache key cost about
# as much as running it. They address the tables, not the mapped classes: the ORM's
# execution layer cost twice the statement itself, and a cast runs four or five.
_OPTION_IDS = (
    select(VoteOption.id)
    .where(VoteOption.vote_id == bindparam("vote_id"))
    .order_by(VoteOption.position)
)
_ELECTORS = VoteElector.__table__
_BALLOTS = Ballot.__table__
_KEYS = BallotKey.__table__
_ELECTOR = select(_ELECTORS.c.vote_id, _ELECTORS.c.user_id, _ELECTORS.c.voted_at).where(
    _ELECTORS.c.vote_id == bindparam("vote_id"), _ELECTORS.c.user_id == bindparam("user_id")
)
_ELECTOR_LOCKED = _ELECTOR.with_for_update()
# PostgreSQL: the vote's status under a shared lock, which waits for a close (it holds
# the row FOR UPDATE) and lets casts run side by side.
_VOTE_STATUS_SHARED = (
    select(Vote.__table__.c.status)
    .where(Vote.__table__.c.id == bindparam("vote_id"))
    .with_for_update(read=True)
)
_NEW_BALLOT = insert(_BALLOTS)
_NEW_KEY = insert(_KEYS)
# (Update statements cannot name a parameter after a column, hence "b_".)
# A replacement overwrites the ballot the voter's key points to, in one statement.
_REPLACE = (
    update(_BALLOTS)
    .where(
        _BALLOTS.c.vote_id == bindparam("b_vote_id"),
        _BALLOTS.c.receipt
        == select(_KEYS.c.receipt)
        .where(_KEYS.c.vote_id == bindparam("b_vote_id"), _KEYS.c.voter_key == bindparam("b_key"))
        .scalar_subquery(),
    )
    .values(ranking=bindparam("b_ranking"))
    .returning(_BALLOTS.c.receipt)
)
_VOTED = (
    update(_ELECTORS)
    .where(
        _ELECTORS.c.vote_id == bindparam("b_vote_id"),
        _ELECTORS.c.user_id == bindparam("b_user_id"),
    )
    .values(voted_at=bindparam("b_now"))
)


class Elector(NamedTuple):
    """A voter's row in a vote's frozen electorate, as a cast reads it."""

    vote_id: int
    user_id: int
    voted_at: dt.datetime | None
    # The vote's status read under a lock (PostgreSQL); None where the write lock the
    # request holds already makes the loaded vote current (SQLite).
    vote_status: str | None = None


def elector_for_cast(db: Session, vote: Vote, user: User) -> Elector | None:
    """The voter's row in the electorate, locked for a cast; None if they are not in it.

    On PostgreSQL the vote's row is read first under a shared lock, so a cast that
    arrives during a close waits for it and then sees the vote closed (rather than
    write a ballot the count never saw); then the voter's row is locked
    (``SELECT … FOR UPDATE``), so two tabs voting at once cannot make two ballots.
    On SQLite the request already holds the write lock.
    """
    params = {"vote_id": vote.id, "user_id": user.id}
    if db.get_bind().dialect.name == "sqlite":
        row = db.execute(_ELECTOR, params).first()
        return Elector(*row) if row is not None else None
    status = db.scalar(_VOTE_STATUS_SHARED, params)
    row = db.execute(_ELECTOR_LOCKED, params).first()
    return Elector(*row, vote_status=status) if row is not None else None


def cast_ballot(
    db: Session,
    vote: Vote,
    user: User,
    ranking: Sequence[Any],
    now: dt.datetime | None = None,
    elector: Elector | None = None,
) -> Cast:
    """Cast ``user``'s ballot, or replace it; returns the receipt (the same on replacement).

    Keeping the receipt when a ballot is changed means that a receipt shown to
    someone else says nothing about whether the voter changed their mind later.
    ``elector``, if given, is the voter's row as `elector_for_cast` returned it in
    this transaction (the API's context has already read it for the permission check).
    """
    now = now or utcnow()
    if elector is None:
        elector = elector_for_cast(db, vote, user)
    if elector is None or (elector.vote_id, elector.user_id) != (vote.id, user.id):
        raise Forbidden(_("You are not in this vote's electorate."))
    if elector.vote_status not in (None, OPEN):
        raise Conflict(_("This vote is closed."), {"status": elector.vote_status})
    _require_accepting(vote, now)
    text = ballot_data.canonical(check_ranking(vote, ranking, option_ids(db, vote)))
    key = ballot_data.voter_key(vote.secret or "", vote.id, user.id)
    # Plain statements rather than the unit of work: a cast is a handful of rows, and
    # the ORM's flush machinery cost more than the statements themselves.
    if elector.voted_at is not None:
        params = {"b_vote_id": vote.id, "b_key": key, "b_ranking": text}
        receipt = db.scalar(_REPLACE, params)
        if receipt is None:
            # Cannot happen while the keys are intact; refusing keeps one ballot per voter.
            raise Conflict(_("Your ballot cannot be found to be replaced."))
        replaced = True
    else:
        receipt, replaced = ballot_data.new_receipt(), False
        ballot = {"receipt": receipt, "vote_id": vote.id, "ranking": text, "weight": 1}
        db.execute(_NEW_BALLOT, {**ballot, "source": ONLINE})
        db.execute(_NEW_KEY, {"vote_id": vote.id, "voter_key": key, "receipt": receipt})
    db.execute(_VOTED, {"b_vote_id": vote.id, "b_user_id": user.id, "b_now": now})
    # The statement bypassed the session: a row it already holds learns of the vote too.
    loaded = db.identity_map.get(identity_key(VoteElector, (vote.id, user.id)))
    if loaded is not None:
        set_committed_value(loaded, "voted_at", now)
    return Cast(receipt, replaced)


# --- the frozen electorate -------------------------------------------------------------

MAX_REASON = 500


def strike_elector(db: Session, vote: Vote, user_id: int, reason: Any, actor: User | None) -> int:
    """Take someone who has not voted out of an open vote's electorate; returns its new size.

    The electorate is frozen when voting opens: leaving the assembly, being removed
    from it or becoming an observer does not take away a vote already open. A
    facilitator or an official may strike an elector for a stated reason, recorded in
    the audit log. Only before they vote: a cast ballot cannot be told from the others
    (that is the secrecy), so it could not be taken out of the count. The electorate,
    and with it the quorum, shrinks by one.
    """
    # Lock the vote (PostgreSQL) as a close does, so that the two cannot interleave.
    db.execute(select(Vote.id).where(Vote.id == vote.id).with_for_update())
    db.refresh(vote, ["status", "electorate_size"])
    if actor is not None:
        _require_manager(db, vote.assembly_id, actor)
    if vote.status != OPEN:
        raise Conflict(_("This vote is closed."), {"status": vote.status})
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        message = _("Say why this person no longer votes: it goes into the audit log.")
        raise Invalid(message, {"reason": message})
    if len(text) > MAX_REASON:
        message = _("Too long: at most ${max} characters.", mapping={"max": MAX_REASON})
        raise Invalid(message, {"reason": message})
    user = db.get(User, user_id)
    elector = elector_for_cast(db, vote, user) if user is not None else None
    if elector is None:
        message = _("This person is not in the vote's electorate.")
        raise Invalid(message, {"user_id": message})
    if elector.voted_at is not None:
        raise Conflict(
            _(
                "This person has already voted. A cast ballot cannot be told from the "
                "others, so it cannot be taken out of the count."
            ),
            {"user_id": _("Already voted.")},
        )
    db.execute(
        _ELECTORS.delete().where(
            _ELECTORS.c.vote_id == vote.id, _ELECTORS.c.user_id == elector.user_id
        )
    )
    loaded = db.identity_map.get(identity_key(VoteElector, (vote.id, elector.user_id)))
    if loaded is not None:
        db.expunge(loaded)
    vote.electorate_size -= 1
    audit.record(
        db,
        actor,
        "vote.strike",
        OBJECT_TYPE,
        vote.id,
        user_id=elector.user_id,
        reason=text,
        assembly_id=vote.assembly_id,
        electorate=vote.electorate_size,
    )
    return vote.electorate_size


# --- paper ballots ----------------------------------------------------------------------


class PaperBallotError(ValueError):
    """A BLT file that cannot be imported into this vote; ``line`` names where (or None)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message


def _first_data_line(text: str) -> int:
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if line.split("#", 1)[0].strip():
            return number
    return 1


def read_paper_ballots(vote: Vote, blt_text: str) -> list[tuple[int, str]]:
    """Check a BLT file against the vote; ``(weight, canonical ranking)`` for each line.

    Its candidates are the vote's options in the API's order (names are only
    informative). Raises `PaperBallotError` naming the line; nothing is written.
    """
    try:
        election = parse_blt(blt_text)
    except BltError as error:
        raise PaperBallotError(error.message, error.line) from None
    options = list(vote.options)
    if len(election.candidates) != len(options):
        raise PaperBallotError(
            f"the file has {len(election.candidates)} candidates but the vote has "
            f"{len(options)} options (in this order: {', '.join(option_names(vote))})",
            _first_data_line(blt_text),
        )
    if election.withdrawn:
        raise PaperBallotError(
            "the file withdraws candidates; the options of an open vote cannot be withdrawn",
            _first_data_line(blt_text),
        )
    if vote.method not in EQUAL_RANKS:
        _refuse_equal_ranks(vote, blt_text, election.ballots)
    ids = [option.id for option in options]
    return [
        (weight, ballot_data.canonical([[ids[i] for i in group] for group in ranking]))
        for weight, ranking in election.ballots
    ]


def _refuse_equal_ranks(vote: Vote, blt_text: str, ballots: list[tuple[int, Any]]) -> None:
    """Paper follows the online rule: a method that refuses equal ranks refuses them here."""
    for position, (_weight, ranking) in enumerate(ballots):
        if any(len(group) > 1 for group in ranking):
            raise PaperBallotError(
                f"{vote.method} does not allow equal ranks ('='): one option per rank",
                _ballot_line(blt_text, position),
            )


def _ballot_line(text: str, position: int) -> int:
    """The file line of the ballot at ``position`` (0-based), for the error message."""
    seen = -1
    lines = text.removeprefix("\ufeff").splitlines()
    for number, line in enumerate(lines, start=1):
        tokens = line.split("#", 1)[0].split()
        if not tokens:
            continue
        if seen == -1:  # the header line
            seen = 0
            continue
        if tokens[0].startswith("-") and seen == 0:
            continue  # the withdrawn line
        if seen == position:
            return number
        seen += 1
    return 1


def paper_limit(vote: Vote, expected: int | None = None) -> int:
    """The most paper ballots ``vote`` may hold (see `PAPER_ROOM`, `MAX_PAPER_BALLOTS`)."""
    if expected is not None:
        return MAX_PAPER_BALLOTS
    return min(max(vote.electorate_size, PAPER_ROOM), MAX_PAPER_BALLOTS)


def paper_ballots_so_far(db: Session, vote: Vote) -> int:
    total = db.scalar(
        select(func.coalesce(func.sum(Ballot.weight), 0)).where(
            Ballot.vote_id == vote.id, Ballot.source == PAPER
        )
    )
    return int(total or 0)


def check_paper_total(
    db: Session, vote: Vote, rows: Sequence[tuple[int, str]], expected: int | None = None
) -> int:
    """The number of ballots in ``rows``, or `PaperBallotError` if it is not acceptable.

    With ``expected`` (the count the assembly declared), the file must hold exactly
    that many. In every case the vote's paper ballots, earlier imports included, must
    stay within `paper_limit`.
    """
    total = sum(weight for weight, _ in rows)
    if expected is not None and total != expected:
        raise PaperBallotError(
            f"the file holds {total} ballots, not the {expected} expected; nothing imported"
        )
    earlier = paper_ballots_so_far(db, vote)
    limit = paper_limit(vote, expected)
    if earlier + total > limit:
        if expected is None and limit < MAX_PAPER_BALLOTS:
            why = (
                f"without --expected a vote takes at most {limit} paper ballots "
                f"(its electorate of {vote.electorate_size}, or {PAPER_ROOM})"
            )
        else:
            why = f"a vote takes at most {limit} paper ballots"
        already = f"; it already has {earlier}" if earlier else ""
        raise PaperBallotError(f"the file holds {total} ballots: {why}{already}; nothing imported")
    return total


def import_paper_ballots(
    db: Session,
    vote: Vote,
    blt_text: str,
    progress: Callable[[int], Any] | None = None,
    actor: User | None = None,
    expected: int | None = None,
) -> int:
    """Add the anonymous paper ballots of a BLT file to an open vote; returns how many.

    All or nothing: the file is checked whole before anything is written, and the
    caller's transaction holds every row. ``expected`` is the number of paper ballots
    the assembly counted: the file must hold exactly that many (`check_paper_total`).
    ``progress(n)`` is called as batches of ``n`` file lines are written.
    """
    _require_accepting(vote, utcnow())
    rows = read_paper_ballots(vote, blt_text)
    check_paper_total(db, vote, rows, expected)
    total = 0
    for start in range(0, len(rows), IMPORT_BATCH):
        batch = rows[start : start + IMPORT_BATCH]
        db.execute(
            insert(Ballot),
            [
                {
                    "receipt": ballot_data.new_receipt(),
                    "vote_id": vote.id,
                    "ranking": ranking,
                    "weight": weight,
                    "source": PAPER,
                }
                for weight, ranking in batch
            ],
        )
        total += sum(weight for weight, _ in batch)
        if progress is not None:
            progress(len(batch))
    audit.record(
        db, actor, "vote.paper_ballots", OBJECT_TYPE, vote.id, ballots=total, expected=expected
    )
    return total


# --- closing and counting ---------------------------------------------------------------


@contextlib.contextmanager
def _no_cyclic_gc() -> Any:
    """Pause the cyclic garbage collector while building many small, acyclic lists.

    A million-ballot close builds hundreds of thousands of ranking lists; each
    automatic collection would walk all of them again (measured: 4 s instead of 1 s).
    Nothing made here has reference cycles, so nothing waits for the collector.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def grouped_ballots(db: Session, vote: Vote) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """Identical rankings summed in SQL: ``[(weight, ranking text)]`` and weight per source."""
    query = select(Ballot.ranking, Ballot.source, func.sum(Ballot.weight)).where(
        Ballot.vote_id == vote.id
    )
    if vote.status == OPEN:
        # True of every ballot of an open vote; lets SQLite read the ranking index,
        # which holds uncounted ballots only, rather than sort the rows.
        query = query.where(~Ballot.counted)
    rows = db.execute(query.group_by(Ballot.ranking, Ballot.source)).all()
    totals: dict[str, int] = {}
    by_source = {ONLINE: 0, PAPER: 0}
    for ranking, source, weight in rows:
        totals[ranking] = totals.get(ranking, 0) + int(weight)
        by_source[source] = by_source.get(source, 0) + int(weight)
    return [(weight, ranking) for ranking, weight in totals.items()], by_source


def count(vote: Vote, grouped: Iterable[tuple[int, str]]) -> dict[str, Any]:
    """Run the tally on grouped ballots; the result with option ids as integers."""
    keys = [str(option.id) for option in vote.options]
    parse = ballot_data.key_parser()
    profile = [(weight, parse(text)) for weight, text in grouped if text != "[]"]
    result = counting.tally(
        vote.method,
        keys,
        profile,
        seats=vote.seats,
        tie_break=[str(i) for i in vote.tie_break],
    )
    return _ids_as_integers(result)


# Result fields that hold candidate keys (lists, nested lists, or one key).
_KEY_FIELDS = frozenset(
    {
        "candidates",
        "withdrawn",
        "winners",
        "tie_break",
        "condorcet_winner",
        "locked_pairs",
        "elected",
        "eliminated",
        "tied",
        "removed",
        "dropped_pairs",
        "pair",
    }
)


def _ids_as_integers(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: _ids_as_integers(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_ids_as_integers(item, key) for item in value]
    if key in _KEY_FIELDS and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def quorum_needed(vote: Vote) -> int:
    """Ballots needed for the quorum (0 without one)."""
    if not vote.quorum_percent:
        return 0
    return math.ceil(vote.quorum_percent * vote.electorate_size / 100 - 1e-9)


def close_vote(
    db: Session, vote: Vote, actor: User | None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Count, publish the result, and destroy every link between voters and ballots.

    The result is stored once and never changed. Turnout counts online and paper
    ballots (blank paper ballots included) against the frozen electorate. The
    partnership, if any, moves to ``adopted``, ``rejected`` or ``no_quorum``.
    """
    now = now or utcnow()
    # Lock the vote (PostgreSQL) so that two closes cannot both count it.
    db.execute(select(Vote.id).where(Vote.id == vote.id).with_for_update())
    db.refresh(vote, ["status"])
    if vote.status != OPEN:
        raise Conflict(_("This vote is already closed."), {"status": vote.status})
    if actor is not None:
        _require_manager(db, vote.assembly_id, actor)
    with _no_cyclic_gc():
        grouped, by_source = grouped_ballots(db, vote)
        result = count(vote, grouped)
        del grouped
    ballots = by_source.get(ONLINE, 0) + by_source.get(PAPER, 0)
    needed = quorum_needed(vote)
    quorum_met = ballots >= needed
    status_quo = {option.id for option in vote.options if option.status_quo}
    if vote.kind == ELECTION:
        outcome = ELECTED if quorum_met else NO_QUORUM
    elif not quorum_met:
        outcome = NO_QUORUM
    elif status_quo.intersection(result["winners"]):
        outcome = REJECTED
    else:
        outcome = ADOPTED
    result.update(
        {
            "vote_id": vote.id,
            "kind": vote.kind,
            "outcome": outcome,
            # The share is of online voters: paper ballots are not drawn from the
            # electorate (deliberation.votes.turnout), the quorum counts both.
            "turnout": turnout_figures(
                {
                    "ballots": ballots,
                    "online": by_source.get(ONLINE, 0),
                    "paper": by_source.get(PAPER, 0),
                    "electorate": vote.electorate_size,
                }
            ),
            "quorum_percent": vote.quorum_percent,
            "quorum_needed": needed,
            "quorum_met": quorum_met,
            "tie_break_seed": vote.tie_break_seed,
            "options": [
                {
                    "id": option.id,
                    "label": option.display_label(vote.locale),
                    "labels": dict(option.label),
                    "status_quo": option.status_quo,
                }
                for option in vote.options
            ],
            "opened_at": vote.opened_at.isoformat(),
            "closed_at": now.isoformat(),
        }
    )
    vote.result = result
    vote.status = CLOSED
    vote.closed_at = now
    vote.closed_by_id = actor.id if actor is not None else None
    # Secrecy: the order of casting goes from the ballots' storage and from the
    # electors' times (the ballots first: casts lock them before the keys), then the
    # key goes, and with it every voter -> ballot link.
    storage.wipe_order(db, vote.id)
    vote.secret = None
    voter_keys.destroy(db, vote.id)
    if vote.partnership_id is not None:
        from partnerstate.partnerships import services as partnerships
        from partnerstate.partnerships.models import Partnership

        partnership = db.get(Partnership, vote.partnership_id)
        if partnership is not None and partnership.status == "voting":
            partnerships.record_outcome(
                db, partnership, outcome, actor, vote_id=vote.id, winners=result["winners"]
            )
    audit.record(
        db,
        actor,
        "vote.close",
        OBJECT_TYPE,
        vote.id,
        outcome=outcome,
        winners=result["winners"],
        ballots=ballots,
        electorate=vote.electorate_size,
        assembly_id=vote.assembly_id,
        partnership_id=vote.partnership_id,
    )
    return result


# --- publishing ---------------------------------------------------------------------------


def blt_export(db: Session, vote: Vote) -> str:
    """The counted ballots as BLT, identical ones grouped by weight (after the close)."""
    index = {str(option.id): number for number, option in enumerate(vote.options)}
    parse = ballot_data.key_parser()
    with _no_cyclic_gc():
        grouped, _sources = grouped_ballots(db, vote)
        grouped.sort(key=lambda item: (-item[0], item[1]))
        ballots = [
            (weight, [[index[i] for i in group] for group in parse(text)])
            for weight, text in grouped
        ]
    return format_blt(
        option_names(vote), vote.seats, ballots, title=vote.display_title(vote.locale)
    )
