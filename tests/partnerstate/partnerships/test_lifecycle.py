"""The lifecycle, exhaustively: every state x every move x every set of roles."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from partnerstate.partnerships import lifecycle as lc
from partnerstate.partnerships.lifecycle import Facts, Role, Status

NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=10)

# The whole table, written out independently of the module: move -> (sources, target, roles).
EXPECTED = {
    "open_deliberation": ({"draft"}, "deliberation", {"official", "facilitator"}),
    "reopen_deliberation": ({"no_quorum"}, "deliberation", {"official", "facilitator"}),
    "start_voting": ({"deliberation"}, "voting", {"official", "facilitator", "system"}),
    "adopt": ({"voting"}, "adopted", {"official", "facilitator", "system"}),
    "reject": ({"voting"}, "rejected", {"official", "facilitator", "system"}),
    "record_no_quorum": ({"voting"}, "no_quorum", {"official", "facilitator", "system"}),
    "sign": ({"adopted"}, "signed", {"official", "system"}),
    "activate": ({"signed"}, "active", {"official"}),
    "close": ({"active"}, "closed", {"official"}),
    "withdraw": ({"draft", "deliberation"}, "closed", {"official"}),
}

ROLE_SETS = [
    frozenset(combo)
    for size in range(len(Role) + 1)
    for combo in itertools.combinations(list(Role), size)
]


def ready(**overrides):
    """Facts under which every precondition holds."""
    values = {"now": NOW, "deliberation_ends_at": LATER, "reason": "end of term"}
    values.update(overrides)
    return Facts(**values)


def test_the_table_is_exactly_the_expected_one():
    assert set(lc.TRANSITIONS) == set(EXPECTED)
    for name, (sources, target, roles) in EXPECTED.items():
        move = lc.TRANSITIONS[name]
        assert {s.value for s in move.sources} == sources, name
        assert move.target.value == target, name
        assert {r.value for r in move.roles} == roles, name


@pytest.mark.parametrize(
    ("status", "name", "roles"),
    list(itertools.product(list(Status), sorted(EXPECTED), ROLE_SETS)),
)
def test_every_state_move_and_role_combination(status, name, roles):
    sources, target, allowed = EXPECTED[name]
    if status.value not in sources:
        with pytest.raises(lc.OutOfOrder) as raised:
            lc.check(status, name, roles, ready())
        assert raised.value.current == status
        assert status.value in str(raised.value)
    elif not {r.value for r in roles} & allowed:
        with pytest.raises(lc.RoleNotAllowed):
            lc.check(status, name, roles, ready())
    else:
        assert lc.check(status, name, roles, ready()).target.value == target


def test_the_documented_path_is_reachable_end_to_end():
    status = Status.DRAFT
    for name in ("open_deliberation", "start_voting", "adopt", "sign", "activate", "close"):
        status = lc.check(status, name, {Role.OFFICIAL}, ready()).target
    assert status is Status.CLOSED


def test_out_of_order_is_checked_before_the_role():
    # A member asking to activate a draft hears about the state, not about their role.
    with pytest.raises(lc.OutOfOrder):
        lc.check("draft", "activate", set(), ready())


def test_unknown_transition():
    with pytest.raises(lc.UnknownTransition):
        lc.check("draft", "teleport", {Role.OFFICIAL}, ready())


@pytest.mark.parametrize(
    ("overrides", "codes"),
    [
        ({"has_title": False}, ["title_missing"]),
        ({"has_purpose": False}, ["purpose_missing"]),
        ({"city_commitments": 0}, ["city_commitments_missing"]),
        ({"commons_commitments": 0}, ["commons_commitments_missing"]),
        ({"duration_months": None}, ["duration_missing"]),
        ({"duration_months": 0}, ["duration_missing"]),
        ({"commons_published": False}, ["commons_not_published"]),
        ({"deliberation_ends_at": None}, ["deadline_not_in_future"]),
        ({"deliberation_ends_at": NOW}, ["deadline_not_in_future"]),
        ({"deliberation_ends_at": NOW - dt.timedelta(seconds=1)}, ["deadline_not_in_future"]),
        (
            {"has_title": False, "city_commitments": 0, "commons_published": False},
            ["title_missing", "city_commitments_missing", "commons_not_published"],
        ),
    ],
)
def test_opening_deliberation_reports_every_missing_piece(overrides, codes):
    with pytest.raises(lc.PreconditionsFailed) as raised:
        lc.check("draft", "open_deliberation", {Role.FACILITATOR}, ready(**overrides))
    assert [problem.code for problem in raised.value.problems] == codes


def test_reopening_needs_only_a_future_deadline():
    facts = ready(has_title=False, city_commitments=0)
    assert lc.check("no_quorum", "reopen_deliberation", {Role.OFFICIAL}, facts)
    with pytest.raises(lc.PreconditionsFailed):
        lc.check(
            "no_quorum", "reopen_deliberation", {Role.OFFICIAL}, ready(deliberation_ends_at=NOW)
        )


@pytest.mark.parametrize("name", ["close", "withdraw"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_closing_and_withdrawing_need_a_reason(name, reason):
    status = "active" if name == "close" else "draft"
    with pytest.raises(lc.PreconditionsFailed) as raised:
        lc.check(status, name, {Role.OFFICIAL}, ready(reason=reason))
    assert raised.value.problems[0].field == "reason"


def test_preconditions_come_after_the_role():
    with pytest.raises(lc.RoleNotAllowed):
        lc.check("active", "close", {Role.FACILITATOR}, ready(reason=""))


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("roles", ROLE_SETS)
def test_available_lists_exactly_the_manual_moves_allowed(status, roles):
    names = {move.name for move in lc.available(status, roles)}
    expected = {
        name
        for name, (sources, _target, allowed) in EXPECTED.items()
        if lc.TRANSITIONS[name].manual
        and status.value in sources
        and {r.value for r in roles} & allowed
    }
    assert names == expected


def test_moves_of_the_votes_and_charters_are_not_manual():
    manual = {name for name, move in lc.TRANSITIONS.items() if move.manual}
    assert manual == {"open_deliberation", "reopen_deliberation", "activate", "close", "withdraw"}


def test_next_statuses():
    assert lc.next_statuses("voting") == {Status.ADOPTED, Status.REJECTED, Status.NO_QUORUM}
    assert lc.next_statuses("draft") == {Status.DELIBERATION, Status.CLOSED}
    assert lc.next_statuses("rejected") == frozenset()
    assert lc.next_statuses("closed") == frozenset()


def test_outcomes_map_to_moves():
    assert {o.value: lc.TRANSITIONS[n].target.value for o, n in lc.OUTCOME_TRANSITIONS.items()} == {
        "adopted": "adopted",
        "rejected": "rejected",
        "no_quorum": "no_quorum",
    }


@pytest.mark.parametrize("status", list(Status))
def test_editable_only_before_voting(status):
    assert lc.is_editable(status) == (status in {Status.DRAFT, Status.DELIBERATION})


@pytest.mark.parametrize("status", list(Status))
def test_deliberation_open_only_in_deliberation_and_before_the_deadline(status):
    in_deliberation = status is Status.DELIBERATION
    assert lc.deliberation_is_open(status, LATER, NOW) == in_deliberation
    assert lc.deliberation_is_open(status, None, NOW) == in_deliberation
    assert lc.deliberation_is_open(status, NOW, NOW) is False
    assert lc.deliberation_is_open(status, NOW - dt.timedelta(days=1), NOW) is False


@pytest.mark.parametrize(
    ("status", "ends_at", "state"),
    [
        ("deliberation", NOW + dt.timedelta(days=10), "open"),
        ("deliberation", NOW + lc.DEADLINE_NEAR + dt.timedelta(seconds=1), "open"),
        ("deliberation", NOW + lc.DEADLINE_NEAR, "near"),
        ("deliberation", NOW + dt.timedelta(hours=1), "near"),
        ("deliberation", NOW, "passed"),
        ("deliberation", NOW - dt.timedelta(days=2), "passed"),
        ("deliberation", None, "none"),
        ("draft", NOW + dt.timedelta(days=10), "none"),
        ("voting", NOW - dt.timedelta(days=2), "none"),
    ],
)
def test_deadline_reminders(status, ends_at, state):
    deadline = lc.deadline(status, ends_at, NOW)
    assert deadline.state == state
    if state == "near":
        assert deadline.remaining == ends_at - NOW


def test_default_deadline_is_three_weeks():
    assert lc.default_deadline(NOW) == NOW + dt.timedelta(days=21)
