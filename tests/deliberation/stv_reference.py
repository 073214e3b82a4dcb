"""STV recounted the plain way, in exact fractions, to check `deliberation.tally` against.

Deliberately simple: every weighted ballot is a paper of its own that carries a value
and the candidate it counts for, and each round adds the papers up again. No prefix
tree, no pyvotecore. The rules are the ones `tally` states for ``stv`` (pyvotecore's
STV counted exactly, plus the project's tie-break order, fill and equal-rank rules):

1. Empty ballots and zero weights are dropped. With no more candidates than seats,
   all are elected at once; with no ballots left, the tie-break order fills the seats.
2. A paper counts for the first group of its ranking that still has a continuing
   candidate; two or more continuing in that group is an overvote and exhausts the
   paper for good, as does running out of groups (Burlington's rule).
3. Quota: ``floor(valid / (seats + 1)) + 1`` (pyvotecore's integer Droop quota), where
   ``valid`` is the weight counting for someone in the first round (overvotes left out).
4. Every candidate at or above the quota is elected in the same round, listed by
   tally (highest first), equal tallies by the tie-break order.
5. The surplus moves by the Gregory method on all of a winner's papers: each keeps
   ``(tally - quota) / tally`` of its current value and goes to its next choice.
6. Otherwise the lowest candidate is excluded, a tie excluding the latest in the
   tie-break order; its papers move on at their current value.
7. The count stops once the seats are filled, or once no more candidates continue than
   seats are left: those are elected without the quota (tie-break order), in the last
   round.
8. If every paper is exhausted (nobody continuing has any value) with seats left, the
   continuing candidates are taken in tie-break order: the first fill the seats, the
   rest are excluded (a tie broken).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

Round = dict[str, Any]


@dataclass
class Paper:
    ranking: list[list[str]]
    value: Fraction
    at: str | None = None  # the candidate it counts for; None once exhausted


def next_choice(ranking: list[list[str]], continuing: set[str]) -> str | None:
    """Rule 2: the only continuing candidate of the first group that has any, else None."""
    for group in ranking:
        live = [c for c in group if c in continuing]
        if live:
            return live[0] if len(live) == 1 else None  # several: an overvote
    return None  # nobody left on the ballot


def plain_stv(
    candidates: Sequence[str],
    ballots: Sequence[tuple[int, Sequence[Sequence[str]]]],
    seats: int,
    tie_break: Sequence[str],
) -> tuple[list[str], list[Round], int, bool]:
    """Returns winners (in order of election), rounds, quota and whether a tie was broken.

    Each round is ``{"tallies", "exhausted", "elected", "eliminated", "tied"}`` with exact
    fractions, taken at the start of the round (before its transfers). ``tie_break``
    lists every candidate.
    """
    order = list(tie_break)
    rank = {c: i for i, c in enumerate(order)}
    # Rule 1: drop empty ballots; the short cuts.
    kept = [(w, [list(g) for g in r if g]) for w, r in ballots if w > 0]
    continuing = set(candidates)
    papers = [Paper(r, Fraction(w)) for w, r in kept if r]
    for paper in papers:
        paper.at = next_choice(paper.ranking, continuing)
    # Rule 3: the quota from the first round's valid votes, fixed for the whole count.
    quota: int = sum((p.value for p in papers if p.at is not None), Fraction(0)) // (seats + 1) + 1
    if len(candidates) <= seats:
        return list(candidates), [_step(elected=list(candidates))], quota, False
    if not papers:
        winners = order[:seats]
        return winners, [_step(elected=winners, tied=list(candidates))], quota, True

    winners: list[str] = []
    rounds: list[Round] = []
    broke = False
    while len(winners) < seats and len(continuing) > seats - len(winners):
        tallies = {c: Fraction(0) for c in continuing}
        exhausted = Fraction(0)
        for paper in papers:
            if paper.at is None:
                exhausted += paper.value
            else:
                tallies[paper.at] += paper.value
        left = [c for c in order if c in continuing]

        if not any(tallies.values()):
            # Rule 8: nothing left to count; the tie-break order fills the seats.
            elected, excluded = left[: seats - len(winners)], left[seats - len(winners) :]
            rounds.append(_step(tallies, exhausted, elected, excluded, left if excluded else []))
            return winners + elected, rounds, quota, broke or bool(excluded)

        reached = [c for c in left if tallies[c] >= quota]
        if reached:
            # Rules 4 and 5: elect them all, every paper of theirs keeps the surplus share.
            leaving = sorted(reached, key=lambda c: (-tallies[c], rank[c]))
            for paper in papers:
                if paper.at in reached:
                    paper.value *= (tallies[paper.at] - quota) / tallies[paper.at]
            winners += leaving
            rounds.append(_step(tallies, exhausted, elected=leaving))
        else:
            # Rule 6: exclude the lowest; a tie excludes the latest in the tie-break order.
            lowest = min(tallies.values())
            tied = [c for c in left if tallies[c] == lowest]
            leaving = [tied[-1]]
            broke = broke or len(tied) > 1
            rounds.append(
                _step(tallies, exhausted, eliminated=leaving, tied=tied if len(tied) > 1 else [])
            )
        continuing -= set(leaving)
        for paper in papers:
            if paper.at in leaving:
                paper.at = next_choice(paper.ranking, continuing)

    if len(winners) < seats:
        # Rule 7: as many continuing as seats left; elected without the quota.
        rest = [c for c in order if c in continuing]
        rounds[-1]["elected"] = rounds[-1]["elected"] + rest
        winners += rest
    return winners, rounds, quota, broke


def _step(
    tallies: dict[str, Fraction] | None = None,
    exhausted: Fraction | None = None,
    elected: list[str] | None = None,
    eliminated: list[str] | None = None,
    tied: list[str] | None = None,
) -> Round:
    return {
        "tallies": tallies,
        "exhausted": exhausted,
        "elected": elected or [],
        "eliminated": eliminated or [],
        "tied": tied or [],
    }
