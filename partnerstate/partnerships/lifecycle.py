"""The life of a partnership: its states, the moves between them, who may make each
move, and what must be true before it is made.

    draft -> deliberation -> voting -> adopted | rejected | no_quorum
    adopted -> signed -> active -> closed
    no_quorum -> deliberation            (the assembly tries again)
    draft | deliberation -> closed       (the city withdraws its proposal)

Pure: no Pyramid, no SQLAlchemy. The service gathers :class:`Facts` from the
database, asks :func:`check`, then writes. Problems are returned as stable codes;
the service turns them into translated messages.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


class Status(enum.StrEnum):
    DRAFT = "draft"
    DELIBERATION = "deliberation"
    VOTING = "voting"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"
    SIGNED = "signed"
    ACTIVE = "active"
    CLOSED = "closed"


class Role(enum.StrEnum):
    """Who is moving the partnership, as far as the lifecycle cares."""

    OFFICIAL = "official"
    FACILITATOR = "facilitator"
    # Another package acting on its own record: the votes package when a vote
    # closes, the charters package when the last signature arrives.
    SYSTEM = "system"


class Outcome(enum.StrEnum):
    """A partnership vote's outcome (the contract's ``outcome`` values)."""

    ADOPTED = "adopted"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


# Text may change while the assembly has not started voting on it.
EDITABLE = frozenset({Status.DRAFT, Status.DELIBERATION})
# The assembly may argue and propose alternatives only in this state (and before the deadline).
DELIBERATING = frozenset({Status.DELIBERATION})
TERMINAL = frozenset({Status.REJECTED, Status.CLOSED})

DEFAULT_DELIBERATION_DAYS = 21
# The page warns that the deadline is near this long before it.
DEADLINE_NEAR = dt.timedelta(days=3)


@dataclass(frozen=True)
class Facts:
    """What the preconditions look at, gathered by the service at the time of the move."""

    now: dt.datetime
    has_title: bool = True
    has_purpose: bool = True
    city_commitments: int = 1
    commons_commitments: int = 1
    duration_months: int | None = 12
    commons_published: bool = True
    # The deadline the deliberation would have after the move.
    deliberation_ends_at: dt.datetime | None = None
    reason: str = ""


@dataclass(frozen=True)
class Problem:
    """An unmet precondition: a stable code, and the field it concerns."""

    code: str
    field: str


Precondition = Callable[[Facts], Iterable[Problem]]


def text_is_complete(facts: Facts) -> Iterable[Problem]:
    """The assembly deliberates on a whole text: both sides' commitments and a duration."""
    if not facts.has_title:
        yield Problem("title_missing", "title")
    if not facts.has_purpose:
        yield Problem("purpose_missing", "purpose")
    if facts.city_commitments < 1:
        yield Problem("city_commitments_missing", "city_commitments")
    if facts.commons_commitments < 1:
        yield Problem("commons_commitments_missing", "commons_commitments")
    if not facts.duration_months or facts.duration_months < 1:
        yield Problem("duration_missing", "duration_months")


def commons_is_published(facts: Facts) -> Iterable[Problem]:
    if not facts.commons_published:
        yield Problem("commons_not_published", "commons_id")


def deadline_in_future(facts: Facts) -> Iterable[Problem]:
    if facts.deliberation_ends_at is None or facts.deliberation_ends_at <= facts.now:
        yield Problem("deadline_not_in_future", "ends_at")


def reason_given(facts: Facts) -> Iterable[Problem]:
    if not facts.reason.strip():
        yield Problem("reason_missing", "reason")


@dataclass(frozen=True)
class Transition:
    """One move: from which states, to which, by whom, provided what."""

    name: str
    sources: frozenset[Status]
    target: Status
    roles: frozenset[Role]
    preconditions: tuple[Precondition, ...] = ()
    # Offered as a button on the partnership page; the others are made by the
    # votes and charters packages through the service.
    manual: bool = True
    needs_deadline: bool = False
    needs_reason: bool = False


_PEOPLE = frozenset({Role.OFFICIAL, Role.FACILITATOR})
_CITY = frozenset({Role.OFFICIAL})
_VOTE = frozenset({Role.OFFICIAL, Role.FACILITATOR, Role.SYSTEM})

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "open_deliberation",
            frozenset({Status.DRAFT}),
            Status.DELIBERATION,
            _PEOPLE,
            (text_is_complete, commons_is_published, deadline_in_future),
            needs_deadline=True,
        ),
        Transition(
            "reopen_deliberation",
            frozenset({Status.NO_QUORUM}),
            Status.DELIBERATION,
            _PEOPLE,
            (deadline_in_future,),
            needs_deadline=True,
        ),
        # Opening the vote itself is the votes package's job; it calls start_voting.
        Transition(
            "start_voting", frozenset({Status.DELIBERATION}), Status.VOTING, _VOTE, manual=False
        ),
        Transition("adopt", frozenset({Status.VOTING}), Status.ADOPTED, _VOTE, manual=False),
        Transition("reject", frozenset({Status.VOTING}), Status.REJECTED, _VOTE, manual=False),
        Transition(
            "record_no_quorum", frozenset({Status.VOTING}), Status.NO_QUORUM, _VOTE, manual=False
        ),
        Transition(
            "sign",
            frozenset({Status.ADOPTED}),
            Status.SIGNED,
            frozenset({Role.OFFICIAL, Role.SYSTEM}),
            manual=False,
        ),
        Transition("activate", frozenset({Status.SIGNED}), Status.ACTIVE, _CITY),
        Transition(
            "close",
            frozenset({Status.ACTIVE}),
            Status.CLOSED,
            _CITY,
            (reason_given,),
            needs_reason=True,
        ),
        Transition(
            "withdraw",
            frozenset({Status.DRAFT, Status.DELIBERATION}),
            Status.CLOSED,
            _CITY,
            (reason_given,),
            needs_reason=True,
        ),
    )
}

OUTCOME_TRANSITIONS = {
    Outcome.ADOPTED: "adopt",
    Outcome.REJECTED: "reject",
    Outcome.NO_QUORUM: "record_no_quorum",
}


class LifecycleError(Exception):
    """A move that cannot be made; subclasses say why."""


class UnknownTransition(LifecycleError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no transition named {name!r}")
        self.name = name


class OutOfOrder(LifecycleError):
    """The move does not start from the current state (the API answers 409)."""

    def __init__(self, current: Status, transition: Transition) -> None:
        super().__init__(f"cannot {transition.name} a partnership in state {current}")
        self.current = current
        self.transition = transition


class RoleNotAllowed(LifecycleError):
    """The actor's roles do not include one the move requires (403)."""

    def __init__(self, transition: Transition, roles: frozenset[Role]) -> None:
        super().__init__(f"{transition.name} needs one of {sorted(transition.roles)}")
        self.transition = transition
        self.roles = roles


class PreconditionsFailed(LifecycleError):
    """The move is in order and allowed, but the partnership is not ready (422)."""

    def __init__(self, transition: Transition, problems: list[Problem]) -> None:
        super().__init__(f"{transition.name}: {', '.join(p.code for p in problems)}")
        self.transition = transition
        self.problems = problems


def transition(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise UnknownTransition(name) from None


def check(status: Status | str, name: str, roles: Iterable[Role | str], facts: Facts) -> Transition:
    """Return the transition ``name`` if it may be made now, else raise why not.

    The order of the checks decides the answer when several things are wrong: a move
    out of order is a conflict whoever asks (409 naming the state), then the role (403),
    then the preconditions (422, all of them at once so a form can show every problem).
    """
    move = transition(name)
    current = Status(status)
    if current not in move.sources:
        raise OutOfOrder(current, move)
    held = frozenset(Role(role) for role in roles)
    if not held & move.roles:
        raise RoleNotAllowed(move, held)
    problems = [problem for rule in move.preconditions for problem in rule(facts)]
    if problems:
        raise PreconditionsFailed(move, problems)
    return move


def available(status: Status | str, roles: Iterable[Role | str]) -> list[Transition]:
    """The manual moves these roles could make from ``status`` (preconditions aside)."""
    current = Status(status)
    held = frozenset(Role(role) for role in roles)
    return [
        move
        for move in TRANSITIONS.values()
        if move.manual and current in move.sources and held & move.roles
    ]


def next_statuses(status: Status | str) -> frozenset[Status]:
    current = Status(status)
    return frozenset(move.target for move in TRANSITIONS.values() if current in move.sources)


def is_editable(status: Status | str) -> bool:
    return Status(status) in EDITABLE


def deliberation_is_open(
    status: Status | str, ends_at: dt.datetime | None, now: dt.datetime
) -> bool:
    """Arguments and alternatives are taken in deliberation, until its deadline."""
    return Status(status) in DELIBERATING and (ends_at is None or now < ends_at)


class DeadlineState(enum.StrEnum):
    NONE = "none"
    OPEN = "open"
    NEAR = "near"
    PASSED = "passed"


@dataclass(frozen=True)
class Deadline:
    state: DeadlineState
    ends_at: dt.datetime | None = None
    remaining: dt.timedelta | None = field(default=None)


def deadline(
    status: Status | str,
    ends_at: dt.datetime | None,
    now: dt.datetime,
    near: dt.timedelta = DEADLINE_NEAR,
) -> Deadline:
    """Where the deliberation stands against its deadline, for the page's reminder."""
    if Status(status) not in DELIBERATING or ends_at is None:
        return Deadline(DeadlineState.NONE, ends_at)
    remaining = ends_at - now
    if remaining <= dt.timedelta(0):
        return Deadline(DeadlineState.PASSED, ends_at, dt.timedelta(0))
    if remaining <= near:
        return Deadline(DeadlineState.NEAR, ends_at, remaining)
    return Deadline(DeadlineState.OPEN, ends_at, remaining)


def default_deadline(now: dt.datetime, days: int = DEFAULT_DELIBERATION_DAYS) -> dt.datetime:
    return now + dt.timedelta(days=days)
