"""Properties of the count on random profiles (hypothesis).

Besides the voting-theory properties, these pin our two departures from calling
pyvotecore naively: the Condorcet classes fed our pairwise matrix decide exactly as
when fed the ballots, and IRV driven one choice at a time equals the library's IRV
whenever there are no equal ranks. STV, counted in exact fractions over a prefix tree,
is checked round by round against a plain recount of every ballot (`plain_stv`).
"""

from __future__ import annotations

import contextlib
import random
import signal
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from py3votecore.irv import IRV
from py3votecore.ranked_pairs import RankedPairs
from py3votecore.schulze_method import SchulzeMethod

from deliberation.tally import METHODS, tally
from tests.deliberation.stv_reference import plain_stv

Ballots = list[tuple[int, list[list[str]]]]
NAMES = ["ana", "ben", "cy", "dee", "eli", "fay"]

PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still counting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def rankings(draw: st.DrawFn, candidates: list[str], ties: bool = True) -> list[list[str]]:
    """A possibly truncated ranking; with ``ties``, neighbours may share a rank."""
    order = draw(st.permutations(candidates))[: draw(st.integers(0, len(candidates)))]
    groups: list[list[str]] = []
    for candidate in order:
        if groups and ties and draw(st.integers(0, 4)) == 0:
            groups[-1].append(candidate)
        else:
            groups.append([candidate])
    return groups


@st.composite
def profiles(
    draw: st.DrawFn, ties: bool = True, min_candidates: int = 2
) -> tuple[list[str], Ballots]:
    candidates = NAMES[: draw(st.integers(min_candidates, len(NAMES)))]
    ballots = draw(
        st.lists(st.tuples(st.integers(1, 9), rankings(candidates, ties)), min_size=1, max_size=12)
    )
    return candidates, ballots


def schulze_winners(candidates: list[str], paths: dict[str, dict[str, int]]) -> set[str]:
    return {x for x in candidates if all(paths[x][y] >= paths[y][x] for y in candidates if y != x)}


@PROPERTIES
@given(profiles())
def test_a_condorcet_winner_wins_schulze_and_ranked_pairs(case: tuple[list[str], Ballots]) -> None:
    candidates, ballots = case
    schulze = tally("schulze", candidates, ballots)
    winner = schulze["condorcet_winner"]
    if winner is not None:
        assert schulze["winners"] == [winner]
        assert tally("ranked-pairs", candidates, ballots)["winners"] == [winner]
        assert schulze["tie_broken"] is False


@PROPERTIES
@given(profiles())
def test_schulze_picks_from_the_strongest_path_winners(case: tuple[list[str], Ballots]) -> None:
    candidates, ballots = case
    result = tally("schulze", candidates, ballots)
    best = schulze_winners(candidates, result["strongest_paths"])
    assert result["winners"][0] in best
    if len(best) == 1:
        assert result["tie_broken"] is False


def unique_schulze_winner(candidates: list[str], ballots: Ballots) -> str | None:
    result = tally("schulze", candidates, ballots)
    best = schulze_winners(candidates, result["strongest_paths"])
    return result["winners"][0] if best == {result["winners"][0]} else None


@PROPERTIES
@given(profiles(), st.integers(1, 5))
def test_adding_ballots_for_the_schulze_winner_never_makes_it_lose(
    case: tuple[list[str], Ballots], weight: int
) -> None:
    # Ballots that rank the winner first and nobody else (Woodall's mono-add-plump).
    candidates, ballots = case
    winner = unique_schulze_winner(candidates, ballots)
    if winner is not None:  # else a tie-break decided: the property is about the vote
        assert unique_schulze_winner(candidates, [*ballots, (weight, [[winner]])]) == winner


@PROPERTIES
@given(profiles(), st.data())
def test_raising_the_schulze_winner_never_makes_it_lose(
    case: tuple[list[str], Ballots], data: st.DataObject
) -> None:
    # Move the winner to the top of some ballots, the rest unchanged (mono-raise).
    candidates, ballots = case
    winner = unique_schulze_winner(candidates, ballots)
    if winner is None:
        return
    raised = data.draw(st.sets(st.integers(0, len(ballots) - 1)))
    changed: Ballots = []
    for index, (weight, ranking) in enumerate(ballots):
        if index in raised:
            rest = [[c for c in group if c != winner] for group in ranking]
            ranking = [[winner], *(group for group in rest if group)]
        changed.append((weight, ranking))
    assert unique_schulze_winner(candidates, changed) == winner


def test_a_ballot_with_the_winner_first_can_still_unseat_it() -> None:
    # Why the properties above add plumped ballots only: a full ballot with the winner
    # first also strengthens its rivals against others, and Schulze does not promise
    # mono-add-top. Found by hypothesis, checked by hand with a plain Floyd-Warshall.
    candidates = ["ana", "ben", "cy", "dee", "eli", "fay"]
    ballots: Ballots = [
        (3, [["dee", "eli"]]),
        (1, [["ana", "eli", "cy"]]),
        (5, [["ana", "cy", "eli"]]),
        (8, [["dee", "ben"], ["cy"]]),
        (4, [["cy", "eli"]]),
    ]
    assert unique_schulze_winner(candidates, ballots) == "eli"
    assert unique_schulze_winner(candidates, [*ballots, (1, [["eli"]])]) == "eli"
    added = (1, [["eli"], ["ana", "ben", "cy"]])
    assert unique_schulze_winner(candidates, [*ballots, added]) == "cy"


@PROPERTIES
@given(profiles(), st.randoms(use_true_random=False), st.sampled_from(METHODS))
def test_ballot_order_does_not_matter(
    case: tuple[list[str], Ballots], rng: random.Random, method: str
) -> None:
    candidates, ballots = case
    seats = 2 if method in ("stv", "schulze-stv", "plurality") and len(candidates) > 2 else 1
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    with time_limit(20):
        assert tally(method, candidates, shuffled, seats=seats) == tally(
            method, candidates, ballots, seats=seats
        )


@PROPERTIES
@given(profiles(), st.integers(1, 7), st.data())
def test_irv_and_stv_always_end_with_every_seat_filled(
    case: tuple[list[str], Ballots], seats: int, data: st.DataObject
) -> None:
    candidates, ballots = case
    withdrawn = data.draw(
        st.lists(st.sampled_from(candidates), unique=True, max_size=len(candidates) - 1)
    )
    standing = [c for c in candidates if c not in withdrawn]
    for method, wanted in (("irv", 1), ("stv", seats)):
        with time_limit(5):
            result = tally(method, candidates, ballots, seats=wanted, withdrawn=withdrawn)
        winners = result["winners"]
        assert len(winners) == len(set(winners)) == min(wanted, len(standing))
        assert set(winners) <= set(standing)
        elected = [c for step in result["rounds"] for c in step["elected"]]
        assert elected == winners


@PROPERTIES
@given(profiles())
def test_matrix_fed_condorcet_classes_decide_as_the_library_does(
    case: tuple[list[str], Ballots],
) -> None:
    candidates, ballots = case
    grouping = SchulzeMethod.BALLOT_NOTATION_GROUPING
    # What the library computes from the ballots themselves (unranked named last, so
    # it knows every candidate; empty ballots dropped, as it crashes on them).
    library_ballots = []
    for weight, ranking in ballots:
        ranked = {c for group in ranking for c in group}
        rest = [c for c in candidates if c not in ranked]
        groups = [list(g) for g in ranking] + ([rest] if rest else [])
        library_ballots.append({"count": weight, "ballot": groups})
    schulze = SchulzeMethod(
        [dict(b, ballot=[list(g) for g in b["ballot"]]) for b in library_ballots],
        tie_breaker=list(candidates),
        ballot_notation=grouping,
    )
    pairs = RankedPairs(
        [dict(b, ballot=[list(g) for g in b["ballot"]]) for b in library_ballots],
        tie_breaker=list(candidates),
        ballot_notation=grouping,
    )
    ours = tally("schulze", candidates, ballots)
    matrix = ours["pairwise"]
    assert {(a, b): matrix[a][b] for a in candidates for b in candidates if a != b} == schulze.pairs
    assert ours["winners"] == [schulze.winner]
    assert tally("ranked-pairs", candidates, ballots)["winners"] == [pairs.winner]


@PROPERTIES
@given(profiles(ties=False))
def test_irv_without_equal_ranks_matches_the_library(case: tuple[list[str], Ballots]) -> None:
    candidates, ballots = case
    ours = tally("irv", candidates, ballots)
    # The library only knows candidates that appear on ballots, so give it a weight-0
    # ballot naming everyone, as we do.
    library_ballots: list[dict[str, Any]] = [
        {"count": w, "ballot": [g[0] for g in r]} for w, r in ballots if r
    ]
    if not library_ballots:
        return
    library_ballots.append({"count": 0, "ballot": list(candidates)})
    with time_limit(5):
        theirs = IRV(library_ballots, tie_breaker=list(candidates))
    assert ours["winners"] == [theirs.winner]
    assert [r["tallies"] for r in ours["rounds"]] == [r["tallies"] for r in theirs.rounds]


@st.composite
def stv_elections(draw: st.DrawFn, ties: bool) -> tuple[list[str], Ballots, int, list[str] | None]:
    """3-7 candidates, 1-3 seats, up to three dozen small weighted, truncated ballots.

    Small weights make equal tallies, tallies exactly at the quota and fully exhausted
    counts common. The tie-break order is the candidate order (None) or a shuffle.
    """
    candidates = [*NAMES, "gus"][: draw(st.integers(3, 7))]
    ballots = draw(
        st.lists(st.tuples(st.integers(1, 9), rankings(candidates, ties)), min_size=1, max_size=36)
    )
    seats = draw(st.integers(1, 3))
    order = draw(st.none() | st.permutations(candidates))
    return candidates, ballots, seats, order


def shown(value: Fraction | None) -> int | float | None:
    # How the tally publishes a fraction: whole numbers as int, others to 6 decimals.
    if value is None:
        return None
    return int(value) if value.denominator == 1 else round(float(value), 6)


def assert_stv_matches_the_plain_recount(
    candidates: list[str], ballots: Ballots, seats: int, order: list[str] | None
) -> None:
    with time_limit(5):
        ours = tally("stv", candidates, ballots, seats=seats, tie_break=order)
    winners, rounds, quota, broke = plain_stv(candidates, ballots, seats, order or candidates)
    assert ours["winners"] == winners
    assert ours["quota"] == quota
    assert ours["tie_broken"] is broke
    published = [
        {
            "tallies": r.get("tallies"),
            "exhausted": r.get("exhausted"),
            "elected": r["elected"],
            "eliminated": r["eliminated"],
            "tied": r["tied"],
        }
        for r in ours["rounds"]
    ]
    expected = [
        dict(
            r,
            tallies=None
            if r["tallies"] is None
            else {c: shown(v) for c, v in r["tallies"].items()},
            exhausted=shown(r["exhausted"]),
        )
        for r in rounds
    ]
    assert published == expected


@PROPERTIES
@given(stv_elections(ties=False))
def test_stv_matches_a_plain_exact_recount(
    case: tuple[list[str], Ballots, int, list[str] | None],
) -> None:
    assert_stv_matches_the_plain_recount(*case)


@PROPERTIES
@given(stv_elections(ties=True))
def test_stv_with_equal_ranks_matches_a_plain_exact_recount(
    case: tuple[list[str], Ballots, int, list[str] | None],
) -> None:
    # Equal ranks follow the overvote rule (Burlington): a group with several
    # continuing candidates exhausts the ballot for good.
    assert_stv_matches_the_plain_recount(*case)
