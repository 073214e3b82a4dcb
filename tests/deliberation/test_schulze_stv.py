"""Fast Schulze STV: pyvotecore's own result, minutes sooner.

The property test runs the library's `SchulzeSTV` and our `FastSchulzeSTV` on the
same random profiles (equal ranks, truncation, weights) and wants the same winners,
the same Schwartz-set steps and the same ties; it also compares the strengths of
vote management on the way.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from py3votecore.schulze_stv import SchulzeSTV

from deliberation.blt import parse_blt
from deliberation.schulze_stv import FastSchulzeSTV
from deliberation.tally import tally

GROUPING = SchulzeSTV.BALLOT_NOTATION_GROUPING
NAMES = ["ana", "ben", "cy", "dee", "eli", "fay"]
ELECTIONS = Path(__file__).parent.parent / "data" / "elections"


@st.composite
def profiles(draw: st.DrawFn) -> tuple[list[str], int, list[dict]]:
    candidates = NAMES[: draw(st.integers(3, 6))]
    seats = draw(st.integers(1, min(3, len(candidates) - 1)))
    ballots = []
    for _ in range(draw(st.integers(1, 9))):
        order = draw(st.permutations(candidates))[: draw(st.integers(1, len(candidates)))]
        groups: list[list[str]] = []
        for candidate in order:
            if groups and draw(st.integers(0, 3)) == 0:
                groups[-1].append(candidate)  # an equal rank
            else:
                groups.append([candidate])
        rest = [c for c in candidates if c not in order]
        ballots.append(
            {"count": draw(st.integers(1, 6)), "ballot": groups + ([rest] if rest else [])}
        )
    return candidates, seats, ballots


def _both(candidates: list[str], seats: int, ballots: list[dict]) -> tuple:
    counts = []
    for kind in (SchulzeSTV, FastSchulzeSTV):
        counts.append(
            kind(
                copy.deepcopy(ballots),
                tie_breaker=list(candidates),
                required_winners=seats,
                ballot_notation=GROUPING,
            )
        )
    return tuple(counts)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_the_same_result_as_pyvotecore(profile: tuple[list[str], int, list[dict]]) -> None:
    library, fast = _both(*profile)
    assert fast.winners == library.winners
    assert getattr(fast, "actions", None) == getattr(library, "actions", None)
    assert getattr(fast, "tied_winners", None) == getattr(library, "tied_winners", None)
    assert fast.as_dict() == library.as_dict()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_the_same_strengths_of_vote_management(profile: tuple) -> None:
    candidates, seats, ballots = profile
    library, fast = _both(candidates, seats, ballots)
    if not hasattr(library, "completed_patterns"):
        return  # every candidate elected: nothing was computed
    others = sorted(candidates)[1 : seats + 1]
    first = sorted(candidates)[0]
    completed = library.proportional_completion(first, others)
    assert fast.proportional_completion(first, others) == completed
    assert fast.strength_of_vote_management(completed) == (
        library.strength_of_vote_management(completed)
    )


def test_a_real_ward_is_counted_in_seconds() -> None:
    # Glasgow 2007, Calton ward: pyvotecore alone took 74 s here (benchmarks/schulze_stv.py).
    election = parse_blt((ELECTIONS / "glasgow_2007_calton.blt").read_text(encoding="utf-8"))
    names = election.candidates
    ballots = [(w, [[names[i] for i in g] for g in r]) for w, r in election.ballots]
    result = tally("schulze-stv", names, ballots, seats=3)
    assert sorted(result["winners"]) == ["Alison E Thewliss", "George Redmond", "Ruth Simpson"]


@pytest.mark.parametrize("seats", [1, 2])
def test_one_or_two_seats_match_too(seats: int) -> None:
    ballots = [
        {"count": 3, "ballot": [["ana"], ["ben"], ["cy", "dee"]]},
        {"count": 2, "ballot": [["ben", "cy"], ["ana"], ["dee"]]},
        {"count": 2, "ballot": [["dee"], ["cy"], ["ana", "ben"]]},
    ]
    library, fast = _both(["ana", "ben", "cy", "dee"], seats, ballots)
    assert fast.winners == library.winners
