"""Count preferential votes with pyvotecore, without its traps.

`tally` is the one entry point: it takes opaque candidate keys (strings, e.g. option
ids or names), grouped ballots ``(weight, ranking)`` where a ranking is a list of
groups of equally ranked candidates, most preferred first, and returns a JSON-ready
dict (only dicts, lists, strings, numbers, booleans and None).

Methods: ``schulze`` (SchulzeMethod), ``ranked-pairs`` (RankedPairs), ``irv`` (IRV),
``stv`` (STV), ``schulze-stv`` (SchulzeSTV) and ``plurality`` (Plurality, or
PluralityAtLarge on first preferences, i.e. SNTV, for several seats).

What this module guarantees on top of pyvotecore (traps listed in the PYVOTECORE.md field notes):

* **No randomness.** Every call gets a complete tie-break order: the caller's, else
  the candidate order, or one drawn from a published seed with `draw_tie_break`.
  A tie for a win goes to the earliest candidate in that order; a tie for elimination
  removes the latest. ``tie_broken`` says whether a tie was actually broken.
* **STV always ends.** pyvotecore loops forever once every ballot is exhausted with
  seats left; we detect that moment and fill the remaining seats as the standard rules
  do: continuing candidates (all on zero votes) are excluded in tie-break order until
  as many remain as there are seats.
* **Equal ranks in IRV/STV** follow the rule used in Burlington's official count: a
  ballot goes to the first group that still has a continuing candidate; if that group
  has one continuing candidate the ballot counts for it, if it has several it is an
  overvote and the ballot is exhausted for good. Plurality counts a ballot only if
  its first group is a single candidate. Condorcet methods use equal ranks as ties.
* Candidates nobody ranked still take part; unranked candidates rank below every
  ranked one (Condorcet); withdrawn candidates are struck from every ballot; empty
  ballots are dropped; the library never sees the caller's objects.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from py3votecore.abstract_classes import AbstractSingleWinnerVotingSystem  # type: ignore[import-untyped]
from py3votecore.irv import IRV  # type: ignore[import-untyped]
from py3votecore.plurality import Plurality  # type: ignore[import-untyped]
from py3votecore.plurality_at_large import PluralityAtLarge  # type: ignore[import-untyped]
from py3votecore.ranked_pairs import RankedPairs  # type: ignore[import-untyped]
from py3votecore.schulze_method import SchulzeMethod  # type: ignore[import-untyped]
from py3votecore.stv import STV  # type: ignore[import-untyped]
from pygraph.classes.digraph import digraph  # type: ignore[import-untyped]

from deliberation.schulze_stv import FastSchulzeSTV

METHODS = ("schulze", "ranked-pairs", "irv", "stv", "schulze-stv", "plurality")
#: Methods that elect exactly one candidate.
SINGLE_WINNER = frozenset({"schulze", "ranked-pairs", "irv"})
#: Methods that work from the pairwise matrix.
CONDORCET = frozenset({"schulze", "ranked-pairs", "schulze-stv"})

#: Schulze STV's work: one proportional completion per candidate and set of ``seats``
#: others, each reading the ballots (a fixed share, calibrated on ten thousand
#: truncated ballots, over every candidate) and completing up to 3**seats voter
#: patterns. The budget is what a Govan-sized count (11 candidates, 4 seats) took in
#: 7 to 9 s on the project's 2-core machine (benchmarks/schulze_stv.py); elections
#: beyond it are refused when they are opened. The GNOME 2018 board's shape (11
#: candidates, 7 seats) is beyond it.
SCHULZE_STV_BUDGET = 1_400_000
_BALLOT_READING = 250  # per completion, in the budget's units


def schulze_stv_cost(candidates: int, seats: int) -> int:
    """The work of a Schulze STV count, in the units of `SCHULZE_STV_BUDGET`."""
    if seats >= candidates:
        return 0  # everyone is elected: nothing to compute
    completions = math.comb(candidates, seats + 1) * (seats + 1)
    # Each completion reads relations over every candidate, and more candidates make
    # more distinct ones: measured, 14 candidates for 3 seats cost 3x Govan's per
    # completion, hence the square (1 at Govan's 11 candidates).
    return completions * (3**seats * seats + _BALLOT_READING) * candidates**2 // 121


def schulze_stv_max_candidates(seats: int) -> int:
    """The most candidates a Schulze STV election of ``seats`` seats may have.

    Never fewer than ``seats`` (everyone elected costs nothing).
    """
    candidates = seats
    while schulze_stv_cost(candidates + 1, seats) <= SCHULZE_STV_BUDGET:
        candidates += 1
    return candidates


#: The limits as a table, for documentation and the benchmark: seats -> most candidates.
SCHULZE_STV_LIMITS = {
    seats: schulze_stv_max_candidates(seats)
    for seats in range(1, 9)
    if schulze_stv_max_candidates(seats) > seats
}

# A round's ``note`` is one of these codes: this module is pure, so the words are chosen
# where the note is shown (pages and PDF in the reader's language, `NOTES` for the CLI).
NO_MORE_CANDIDATES_THAN_SEATS = "no_more_candidates_than_seats"
NO_BALLOTS = "no_ballots"
ELECTED_WITHOUT_QUOTA = "elected_without_quota"
BALLOTS_EXHAUSTED = "ballots_exhausted"
#: The notes in English (the command line's report).
NOTES = {
    NO_MORE_CANDIDATES_THAN_SEATS: "no more candidates than seats",
    NO_BALLOTS: "no ballots: the tie-break decides",
    ELECTED_WITHOUT_QUOTA: "elected without the quota: no more continuing candidates than seats",
    BALLOTS_EXHAUSTED: "every ballot is exhausted: the tie-break order fills the remaining seats",
}

#: ``(weight, ranking)``: a ranking is a sequence of groups of equally ranked candidates.
Ballot = tuple[int, Sequence[Sequence[str]]]
Result = dict[str, Any]

_GROUPING = SchulzeMethod.BALLOT_NOTATION_GROUPING


class TallyError(ValueError):
    """The count cannot be run as asked (unknown method or candidate, bad seats...)."""


def tally(
    method: str,
    candidates: Sequence[str],
    ballots: Iterable[Ballot],
    *,
    seats: int = 1,
    tie_break: Sequence[str] | None = None,
    withdrawn: Iterable[str] = (),
) -> Result:
    """Count ``ballots`` for ``candidates`` with ``method`` and explain the result.

    Returns a dict with ``method``, ``candidates`` (those standing, in order),
    ``withdrawn``, ``seats``, ``ballots`` (total weight of non-empty ballots),
    ``winners`` (in order of election), ``rounds``, ``tie_break`` (the full order
    used) and ``tie_broken``; plus ``pairwise``, ``condorcet_winner`` for Condorcet
    methods, ``strongest_paths`` for Schulze, ``locked_pairs`` for Ranked Pairs and
    ``quota`` for IRV/STV; ``majority_cycle`` (Condorcet methods: whether the head-to-head
    majorities form a cycle) and ``tie`` (the tie among winners that the tie-break order
    decided: ``{"candidates", "winners"}``, else None). With fewer candidates than seats,
    all are elected.
    """
    if method not in METHODS:
        raise TallyError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    names = _candidate_list(candidates)
    gone = set(_known(withdrawn, names, "withdrawn"))
    standing = [c for c in names if c not in gone]
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise TallyError(f"seats must be a positive whole number, not {seats!r}")
    if method in SINGLE_WINNER and seats != 1:
        raise TallyError(f"{method} elects one winner; use stv or schulze-stv for {seats} seats")
    if not standing:
        raise TallyError("every candidate has withdrawn")
    order = _tie_break_order(standing, names, tie_break)
    profile = _normalise(ballots, set(names), gone)

    result: Result = {
        "method": method,
        "candidates": standing,
        "withdrawn": [c for c in names if c in gone],
        "seats": seats,
        "ballots": sum(weight for weight, _ in profile),
        "winners": [],
        "rounds": [],
        "tie_break": order,
        "tie_broken": False,
    }
    if method in CONDORCET:
        pairwise = pairwise_matrix(standing, profile)
        result["pairwise"] = pairwise
        result["condorcet_winner"] = _condorcet_winner(standing, pairwise)
        if method == "schulze":
            result["strongest_paths"] = strongest_paths(standing, pairwise)
        if method == "ranked-pairs":
            result["locked_pairs"] = []
    if method in ("irv", "stv"):
        valid = sum(w for w, r in profile if len(r[0]) == 1)
        result["quota"] = valid // (seats + 1) + 1  # pyvotecore's integer Droop quota

    # Short cuts where the library would crash or has nothing to decide.
    if len(standing) <= seats:
        result["winners"] = standing
        result["rounds"] = [_round(1, elected=standing, note=NO_MORE_CANDIDATES_THAN_SEATS)]
    elif not profile:
        result["winners"] = order[:seats]
        result["tie_broken"] = True
        result["rounds"] = [_round(1, elected=order[:seats], tied=standing, note=NO_BALLOTS)]
    elif method in ("irv", "stv"):
        result.update(_runoff(method, standing, profile, seats, order))
    elif method == "plurality":
        result.update(_plurality(standing, profile, seats, order))
    else:
        result.update(_condorcet(method, standing, profile, seats, order, result["pairwise"]))
    if method in CONDORCET:
        result["majority_cycle"] = majority_cycle(standing, result["pairwise"])
    result["tie"] = _deciding_tie(result)
    return result


def majority_cycle(candidates: Sequence[str], pairwise: dict[str, dict[str, int]]) -> bool:
    """Do head-to-head majorities go round in a cycle (A beats B beats C beats A)?

    Only strict majorities count: a 1–1 between two options is a tie, not a cycle.
    Options that beat nobody left are peeled off; a cycle is what cannot be peeled.
    """
    left = set(candidates)
    while True:
        peeled = {
            a for a in left if not any(pairwise[a][b] > pairwise[b][a] for b in left if b != a)
        }
        if not peeled:
            return bool(left)
        left -= peeled


def _deciding_tie(result: Result) -> dict[str, Any] | None:
    """The tie the tie-break order decided the winners from, if any: who was tied, who won.

    For a tie that decided only an elimination (IRV, STV), ``tie_broken`` says so and the
    rounds tell which; this names the tie among the winners, which readers ask about.
    """
    if not result["tie_broken"] or not result["rounds"]:
        return None
    tied = result["rounds"][-1].get("tied") or []
    if not tied or not all(isinstance(c, str) for c in tied):
        return None  # Schulze STV ties sets of winners; its rounds show them
    winners = [c for c in result["winners"] if c in tied]
    return {"candidates": tied, "winners": winners} if winners else None


def draw_tie_break(candidates: Sequence[str], seed: str) -> list[str]:
    """A tie-break order anyone can recompute from a seed published after the vote.

    Candidates are sorted by ``sha256(seed + "\\n" + candidate)`` in hex, so
    ``printf '%s\\n%s' SEED CANDIDATE | sha256sum`` checks it by hand. The global
    `random` is never used: the order depends on the seed and the names only.
    """

    def digest(candidate: str) -> str:
        return hashlib.sha256(f"{seed}\n{candidate}".encode()).hexdigest()

    return sorted(_candidate_list(candidates), key=digest)


def pairwise_matrix(
    candidates: Sequence[str], ballots: Iterable[Ballot]
) -> dict[str, dict[str, int]]:
    """``matrix[a][b]``: total weight of ballots ranking ``a`` above ``b``.

    Candidates a ballot leaves out rank equal, below all those it ranks.
    """
    index = {c: i for i, c in enumerate(candidates)}
    size = len(candidates)
    everyone = (1 << size) - 1
    # A ranked candidate beats exactly those not placed yet when its group is reached
    # (later groups and the unranked). Ballots are summed per (candidate, that set):
    # a hundred thousand rankings over ten options give a few thousand such pairs,
    # which are then spread over the matrix.
    beats: dict[int, int] = {}
    get = beats.get
    for weight, ranking in ballots:
        placed = 0
        for group in ranking:
            if len(group) == 1:  # most groups: no list to build
                a = index.get(group[0])
                if a is None:
                    continue
                placed |= 1 << a
                key = (everyone ^ placed) * size + a
                beats[key] = get(key, 0) + weight
                continue
            members = [index[c] for c in group if c in index]
            for a in members:
                placed |= 1 << a
            below = everyone ^ placed
            for a in members:
                key = below * size + a
                beats[key] = get(key, 0) + weight
    matrix = [[0] * size for _ in range(size)]
    for key, weight in beats.items():
        below, a = divmod(key, size)
        row = matrix[a]
        while below:
            lowest = below & -below
            row[lowest.bit_length() - 1] += weight
            below ^= lowest
    return {
        a: {b: matrix[i][j] for j, b in enumerate(candidates) if j != i}
        for i, a in enumerate(candidates)
    }


def strongest_paths(
    candidates: Sequence[str], pairwise: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    """Schulze's strongest path strengths (winning votes), by Floyd–Warshall.

    The Schulze winners are the candidates ``x`` with ``p[x][y] >= p[y][x]`` for all ``y``.
    """
    p = {
        a: {
            b: (pairwise[a][b] if pairwise[a][b] > pairwise[b][a] else 0)
            for b in candidates
            if b != a
        }
        for a in candidates
    }
    for k in candidates:
        for i in candidates:
            if i == k:
                continue
            for j in candidates:
                if j not in (i, k):
                    p[i][j] = max(p[i][j], min(p[i][k], p[k][j]))
    return p


# --- input checking -------------------------------------------------------------------------------


def _candidate_list(candidates: Sequence[str]) -> list[str]:
    if isinstance(candidates, str):
        raise TallyError("candidates must be a list of keys, not one string")
    names = list(candidates)
    for name in names:
        if not isinstance(name, str):
            raise TallyError(f"candidate keys must be strings, not {name!r}")
    if len(set(names)) != len(names):
        raise TallyError("a candidate appears twice in the candidate list")
    return names


def _known(keys: Iterable[str], names: list[str], what: str) -> list[str]:
    if isinstance(keys, str):
        raise TallyError(f"{what} must be a list of candidates, not one string")
    listed = list(keys)
    for key in listed:
        if key not in names:
            raise TallyError(f"{what}: unknown candidate {key!r}")
    if len(set(listed)) != len(listed):
        raise TallyError(f"{what}: a candidate appears twice")
    return listed


def _tie_break_order(
    standing: list[str], names: list[str], given: Sequence[str] | None
) -> list[str]:
    """The full order over standing candidates: the given ones first, the rest in order.

    pyvotecore needs every candidate in the list (a missing one raises KeyError: None),
    so a partial order is completed rather than passed on.
    """
    listed = [] if given is None else _known(given, names, "tie-break")
    first = [c for c in listed if c in standing]
    return first + [c for c in standing if c not in first]


def _normalise(
    ballots: Iterable[Ballot], names: set[str], gone: set[str]
) -> list[tuple[int, list[list[str]]]]:
    """Checked copies of the ballots: withdrawn and empty groups struck, empty ballots and
    zero weights dropped (pyvotecore crashes on empty ballots and mutates what it gets)."""
    profile = []
    for ballot in ballots:
        try:
            weight, ranking = ballot
        except (TypeError, ValueError):
            raise TallyError(f"a ballot must be (weight, ranking), not {ballot!r}") from None
        if isinstance(weight, bool) or not isinstance(weight, int) or weight < 0:
            raise TallyError(f"a ballot weight must be a whole number >= 0, not {weight!r}")
        if isinstance(ranking, str) or any(isinstance(group, str) for group in ranking):
            # Iterating a string would split "Alice" into letters (pyvotecore's own trap).
            raise TallyError(f"a ranking must be a list of groups (lists), not {ranking!r}")
        groups = [list(group) for group in ranking]
        flat = [c for group in groups for c in group]
        if not names.issuperset(flat):
            unknown = next(c for c in flat if c not in names)
            raise TallyError(f"a ballot ranks unknown candidate {unknown!r}")
        if len(set(flat)) != len(flat):
            twice = next(c for c in flat if flat.count(c) > 1)
            raise TallyError(f"a ballot ranks {twice!r} twice")
        if gone and not gone.isdisjoint(flat):
            groups = [[c for c in group if c not in gone] for group in groups]
        groups = [group for group in groups if group]
        if groups and weight:
            profile.append((weight, groups))
    return profile


# --- Condorcet methods ----------------------------------------------------------------------------


class _FromMatrix:
    """Feeds a pyvotecore Condorcet class the pairwise matrix instead of the ballots.

    Its decision code (Schwartz sets, pair locking, tie-breaks) runs unchanged; only the
    counting of pairs, one pass over all ballots per ordered pair in the library (90 for
    ten candidates), is replaced by `pairwise_matrix` (one pass), as pyvotecore's own
    SchulzeMethodByGraph does.
    """

    def __init__(
        self, candidates: list[str], pairwise: dict[str, dict[str, int]], tie_breaker: list[str]
    ) -> None:
        self.standing = candidates
        self.pairwise = pairwise
        super().__init__([], tie_breaker=tie_breaker)  # type: ignore[call-arg]

    def standardize_ballots(self, ballots: Any, ballot_notation: Any) -> None:
        self.ballots: list[Any] = []
        self.candidates = set(self.standing)

    def ballots_into_graph(self, candidates: Any, ballots: Any) -> Any:
        graph = digraph()
        graph.add_nodes(self.standing)
        for a in self.standing:
            for b in self.standing:
                if a != b:
                    graph.add_edge((a, b), self.pairwise[a][b])
        return graph


class _Schulze(_FromMatrix, SchulzeMethod):  # type: ignore[misc]
    pass


class _RankedPairs(_FromMatrix, RankedPairs):  # type: ignore[misc]
    pass


def _condorcet(
    method: str,
    standing: list[str],
    profile: list[tuple[int, list[list[str]]]],
    seats: int,
    order: list[str],
    pairwise: dict[str, dict[str, int]],
) -> Result:
    plain = _Plain(order)
    if method == "schulze":
        schulze = _Schulze(standing, pairwise, tie_breaker=list(order))
        rounds = _schulze_actions(getattr(schulze, "actions", []), plain, pairwise)
        tied = plain(getattr(schulze, "tied_winners", []))
        rounds.append(_round(len(rounds) + 1, elected=[schulze.winner], tied=tied))
        return {"winners": [schulze.winner], "rounds": rounds, "tie_broken": _broke(schulze)}
    if method == "ranked-pairs":
        pairs = _RankedPairs(standing, pairwise, tie_breaker=list(order))
        winner, tied, broke = pairs.winner, plain(getattr(pairs, "tied_winners", [])), _broke(pairs)
        if not hasattr(pairs, "rounds"):
            # With a Condorcet winner the library stops before locking pairs; lock them
            # anyway so voters see the whole table. It cannot change that winner.
            pairs.condorcet_completion_method()
        rounds = []
        for number, step in enumerate(pairs.rounds, start=1):
            a, b = step["pair"]
            entry: dict[str, Any] = {
                "round": number,
                "pair": [a, b],
                "strength": pairwise[a][b],
                "action": "locked" if step["action"] == "added" else "skipped",
            }
            if "tied_pairs" in step:
                entry["tied"] = plain(step["tied_pairs"])
            rounds.append(entry)
        locked = [r["pair"] for r in rounds if r["action"] == "locked"]
        rounds.append(_round(len(rounds) + 1, elected=[winner], tied=tied))
        return {"winners": [winner], "rounds": rounds, "locked_pairs": locked, "tie_broken": broke}
    # Schulze STV needs the ballots themselves (proportional completion), as groups.
    ballots = []
    for weight, ranking in profile:
        ranked = {c for group in ranking for c in group}
        rest = [c for c in standing if c not in ranked]
        # Naming the unranked explicitly makes every candidate known to the library
        # (it only knows candidates that appear on ballots); their meaning is unchanged.
        ballots.append({"count": weight, "ballot": ranking + ([rest] if rest else [])})
    stv = FastSchulzeSTV(
        ballots, tie_breaker=list(order), required_winners=seats, ballot_notation=_GROUPING
    )
    winners = [c for c in standing if c in stv.winners]
    rounds = _schulze_actions(getattr(stv, "actions", []), plain)
    tied = plain(getattr(stv, "tied_winners", []))
    rounds.append(_round(len(rounds) + 1, elected=winners, tied=tied))
    return {"winners": winners, "rounds": rounds, "tie_broken": _broke(stv)}


def _schulze_actions(
    actions: list[dict[str, Any]], plain: _Plain, pairwise: dict[str, dict[str, int]] | None = None
) -> list[dict[str, Any]]:
    # The library's Schwartz-set steps: drop candidates (or, for Schulze STV, sets of
    # winners) beaten from outside a cycle, else drop the weakest links of the cycles.
    rounds = []
    for number, action in enumerate(actions, start=1):
        if "nodes" in action:
            rounds.append({"round": number, "removed": plain(action["nodes"])})
        else:
            step = {"round": number, "dropped_pairs": plain(action["edges"])}
            if pairwise is not None:  # links between candidates: show how weak they were
                a, b = step["dropped_pairs"][0]
                step["strength"] = pairwise[a][b]
            rounds.append(step)
    return rounds


# --- IRV and STV ----------------------------------------------------------------------------------


class _BallotsExhausted(Exception):
    """Raised from inside pyvotecore's STV loop when it is about to loop forever."""

    def __init__(self, count: _RankedSTV) -> None:
        super().__init__("every ballot is exhausted")
        self.count = count


class _Prefix:
    """A node of the rankings' prefix tree: the ballots whose ranking starts this way.

    A close of a million ballots reads ~100,000 distinct rankings, but far fewer
    prefixes matter at any moment: a ballot's path through an IRV or STV count depends
    only on the groups up to its current choice. So the count moves whole prefixes,
    not rankings (hundreds of library ballots instead of a hundred thousand).
    """

    __slots__ = ("children", "ends", "weight")

    def __init__(self) -> None:
        self.weight = 0  # of every ranking that starts with this prefix
        self.ends = 0  # of the rankings that stop here
        self.children: dict[tuple[str, ...], _Prefix] = {}


def _prefix_tree(profile: list[tuple[int, list[list[str]]]]) -> _Prefix:
    root = _Prefix()
    for weight, ranking in profile:
        node = root
        for group in ranking:
            key = tuple(group)
            child = node.children.get(key)
            if child is None:
                child = node.children[key] = _Prefix()
            child.weight += weight
            node = child
        node.ends += weight
    return root


class _Entry(dict):  # type: ignore[type-arg]
    """A library ballot: ``{"count", "ballot": [current choice], "node": its _Prefix}``.

    Its count is an exact fraction: the library turns counts into floats and scales
    surpluses by float ratios, and in floats an exact tie (or a tally exactly at the
    quota) can come out a hair apart, electing someone else. (Exact while a group's
    weight stays below 2**53: the library's float of the count is where it starts.)
    pyvotecore deep-copies its ballots before counting; the tree is shared, not copied.
    """

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, Fraction(value) if key == "count" else value)

    def __deepcopy__(self, memo: Any) -> _Entry:
        copied = type(self)(self)
        copied["ballot"] = list(self["ballot"])
        return copied


class _WholeEntry(_Entry):
    """An IRV ballot: its count stays the library's float of a whole number.

    With one seat no surplus is ever passed on before the count ends, so every tally
    is a sum of whole numbers, exact in floats (below 2**53); fractions only made the
    count a quarter slower.
    """

    __setitem__ = dict.__setitem__


def _next_choices(
    node: _Prefix, scale: Fraction | int, removed: set[str], entry: type[_Entry] = _Entry
) -> tuple[list[_Entry], Fraction | int]:
    """Where the ballots of ``node`` go once its current choice leaves the count.

    Each ballot goes to the first later group that still has a continuing candidate;
    two or more continuing in it is an overvote, which exhausts the ballot for good
    (Burlington's rule); a ranking with nothing left is exhausted. ``scale`` is the
    share of the ballots' weight still counting (below 1 after an STV surplus).
    Returns the new library ballots and the weight exhausted.
    """
    entries: list[_Entry] = []
    exhausted = node.ends * scale
    for group, child in node.children.items():
        continuing = [c for c in group if c not in removed]
        if len(continuing) == 1:
            entries.append(entry(count=child.weight * scale, ballot=continuing, node=child))
        elif continuing:
            exhausted += child.weight * scale
        else:  # every candidate of the group is gone: look further down
            deeper, lost = _next_choices(child, scale, removed, entry)
            entries += deeper
            exhausted += lost
    return entries, exhausted


class _RankedSTV(STV):  # type: ignore[misc]
    """pyvotecore's STV, fed one candidate at a time, and stopped before it can hang.

    Its ballots are `_Entry` prefixes of rankings, each with its current choice only;
    the rest of the ranking is consulted when that choice leaves the count. That is how
    equal ranks follow the overvote rule, which the library's plain lists cannot
    express. One extra ballot of weight 0 (no ``node``) lists every candidate, so
    candidates without votes still appear, at 0, and can be excluded.

    The library's only path to an endless loop is its "reset" once no ballot is live;
    `remove_candidates_from_ballots`, run at the end of every round, notes that state
    and the next `tallies` call, the first thing after the reset, raises instead.
    """

    def __init__(
        self,
        ballots: list[_Entry],
        tie_breaker: Any = None,
        required_winners: int = 1,
        *,
        exhausted: Fraction | int = 0,
    ) -> None:
        self.removed: set[str] = set()
        self.exhausted = Fraction(exhausted)
        self.exhausted_weight: list[Fraction] = []
        self.stuck = not _live(ballots)
        super().__init__(ballots, tie_breaker=tie_breaker, required_winners=required_winners)

    def tallies(self, ballots: list[_Entry]) -> dict[str, Fraction]:
        if self.stuck:
            raise _BallotsExhausted(self)
        if len(self.exhausted_weight) > len(self.candidates):
            # Every round elects or excludes someone; more rounds would be a library bug.
            raise TallyError("the STV count made no progress")
        self.exhausted_weight.append(self.exhausted)
        return super().tallies(ballots)  # type: ignore[no-any-return]

    def remove_candidates_from_ballots(
        self, candidates: Iterable[str], ballots: list[_Entry]
    ) -> list[_Entry]:
        leaving = set(candidates)
        self.removed |= leaving
        kept: list[_Entry] = []
        for ballot in ballots:
            node = ballot.get("node")
            if node is None:  # the weight-0 list of every candidate
                ballot["ballot"] = [c for c in ballot["ballot"] if c not in leaving]
                kept.append(ballot)
            elif ballot["ballot"][0] in leaving:
                # The library has already scaled a surplus's count; pass the share on.
                share = ballot["count"] / node.weight
                moved, lost = _next_choices(node, share, self.removed, type(ballot))
                kept += moved
                self.exhausted += lost
            else:
                kept.append(ballot)
        self.stuck = not _live(kept)
        return kept


class _RankedIRV(IRV):  # type: ignore[misc]
    """pyvotecore's IRV (its STV for one seat) running on `_RankedSTV`."""

    def __init__(self, ballots: list[_Entry], tie_breaker: Any, exhausted: Fraction | int) -> None:
        count = functools.partial(_RankedSTV, exhausted=exhausted)
        AbstractSingleWinnerVotingSystem.__init__(self, ballots, count, tie_breaker=tie_breaker)


def _live(ballots: list[_Entry]) -> bool:
    # The library's own test for "votes left to count".
    return any(b["count"] > 0 and b["ballot"] for b in ballots)


def _runoff(
    method: str,
    standing: list[str],
    profile: list[tuple[int, list[list[str]]]],
    seats: int,
    order: list[str],
) -> Result:
    entry = _WholeEntry if method == "irv" else _Entry
    ballots, exhausted = _next_choices(_prefix_tree(profile), 1, set(), entry)
    ballots.append(entry(count=0, ballot=list(standing)))
    fill: dict[str, Any] | None = None
    try:
        if method == "irv":
            irv = _RankedIRV(ballots, tie_breaker=list(order), exhausted=exhausted)
            count = irv.multiple_winner_instance
        else:
            count = _RankedSTV(
                ballots, tie_breaker=list(order), required_winners=seats, exhausted=exhausted
            )
    except _BallotsExhausted as stop:
        count = stop.count
        fill = _fill_exhausted(count, seats, order, len(count.rounds) + 1)
    rank = {c: i for i, c in enumerate(order)}
    rounds: list[dict[str, Any]] = []
    winners: list[str] = []
    for number, step in enumerate(count.rounds, start=1):
        tallies = step["tallies"]
        # IRV renames the library's "winners" set to "winner" in the rounds it shares.
        elected = step.get("winners") or ([step["winner"]] if "winner" in step else [])
        elected = sorted(elected, key=lambda c: (-tallies[c], rank[c]))
        winners += elected
        rounds.append(
            _round(
                number,
                quota=count.quota,
                tallies={c: _number(tallies[c]) for c in standing if c in tallies},
                exhausted=_number(count.exhausted_weight[number - 1]),
                elected=elected,
                eliminated=[step["loser"]] if "loser" in step else [],
                tied=sorted(step.get("tied_losers", []), key=rank.__getitem__),
            )
        )
    broke = _broke(count)
    if fill is not None:
        rounds.append(fill)
        winners += fill["elected"]
        broke = broke or bool(fill["tied"])
    else:
        # The library elects the last continuing candidates without a new round.
        rest = [c for c in order if c in count.winners and c not in winners]
        if rest:
            if not rounds:
                rounds.append(_round(1, quota=count.quota))
            rounds[-1]["elected"] += rest
            rounds[-1]["note"] = ELECTED_WITHOUT_QUOTA
            winners += rest
    return {"winners": winners, "rounds": rounds, "quota": count.quota, "tie_broken": broke}


def _fill_exhausted(count: _RankedSTV, seats: int, order: list[str], number: int) -> dict[str, Any]:
    """Finish a count whose ballots are all exhausted, as ERS/Scottish rules do.

    Every continuing candidate has 0 votes, so exclusions are a tie: the latest in the
    tie-break order go first, as in pyvotecore's own exclusions, until the continuing
    candidates fit the seats left; they are elected.
    """
    continuing = [c for c in order if c not in count.removed]
    left = seats - len(count.winners)
    elected, excluded = continuing[:left], continuing[left:]
    return _round(
        number,
        quota=count.quota,
        tallies=dict.fromkeys(continuing, 0),
        exhausted=_number(count.exhausted),
        elected=elected,
        eliminated=excluded,
        tied=continuing if excluded else [],
        note=BALLOTS_EXHAUSTED,
    )


# --- plurality ------------------------------------------------------------------------------------


def _plurality(
    standing: list[str], profile: list[tuple[int, list[list[str]]]], seats: int, order: list[str]
) -> Result:
    # First preferences only; an overvote (several candidates first) counts for nobody.
    ballots = [{"count": w, "ballot": [r[0][0]]} for w, r in profile if len(r[0]) == 1]
    ballots += [{"count": 0, "ballot": [c]} for c in standing]  # every candidate, even on 0
    if seats == 1:
        count = Plurality(ballots, tie_breaker=list(order))
        chosen = [count.winner]
    else:
        count = PluralityAtLarge(ballots, tie_breaker=list(order), required_winners=seats)
        chosen = list(count.winners)
    rank = {c: i for i, c in enumerate(order)}
    winners = sorted(chosen, key=lambda c: (-count.tallies[c], rank[c]))
    overvotes = sum(w for w, r in profile if len(r[0]) > 1)
    step = _round(
        1,
        tallies={c: count.tallies[c] for c in standing},
        exhausted=overvotes,
        elected=winners,
        tied=_Plain(order)(getattr(count, "tied_winners", [])),
    )
    return {"winners": winners, "rounds": [step], "tie_broken": _broke(count)}


# --- output helpers -------------------------------------------------------------------------------


def _round(number: int, **fields: Any) -> dict[str, Any]:
    """A round with the keys every round has, in a stable order."""
    step: dict[str, Any] = {"round": number}
    for key in ("quota", "tallies", "exhausted", "elected", "eliminated", "tied", "note"):
        if key in fields:
            step[key] = fields[key]
        elif key in ("elected", "eliminated", "tied"):
            step[key] = []
    return step


def _broke(count: Any) -> bool:
    # pyvotecore reports its tie-breaker only when it actually broke a tie.
    return "tie_breaker" in count.as_dict()


def _number(value: float | Fraction) -> int | float:
    """Whole numbers as int; fractional STV transfers rounded to 6 decimals for display.

    A value a hair below a whole number is shown as that number (rounded, not cut).
    """
    return round(value) if float(value).is_integer() else round(float(value), 6)


def _condorcet_winner(standing: list[str], pairwise: dict[str, dict[str, int]]) -> str | None:
    for a in standing:
        if all(pairwise[a][b] > pairwise[b][a] for b in standing if b != a):
            return a
    return None


class _Plain:
    """Turns the library's sets and tuples into lists, sets sorted by the tie-break order."""

    def __init__(self, order: list[str]) -> None:
        self.rank = {c: i for i, c in enumerate(order)}

    def __call__(self, value: Any) -> Any:
        if isinstance(value, (set, frozenset)):
            return sorted((self(v) for v in value), key=self._key)
        if isinstance(value, (tuple, list)):
            return [self(v) for v in value]
        return value

    def _key(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._key(v) for v in value]
        return self.rank.get(value, len(self.rank))
