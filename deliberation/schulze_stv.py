"""pyvotecore's Schulze STV, with its three slow steps done fast. Pure.

`FastSchulzeSTV` is pyvotecore's `SchulzeSTV` (same sets of winners, same graph, same
Schwartz-set steps, same tie-breaks) in which three methods are overridden:

* ``strength_of_vote_management``: the library iterates ``r ← maxflow(r) / seats``
  with a pure-Python Edmonds–Karp on a small network (source → voter pattern → seat →
  sink, sink edges of capacity ``r``). By max-flow/min-cut that flow is
  ``min over sets B of seats of (seats − |B|)·r + W(B)``, where ``W(B)`` is the weight
  of the patterns supporting some seat of ``B``. So we run the very same iteration,
  stopping rule and rounding, with that closed form: ``W`` once per profile by a
  subset-sum transform, then each step costs a handful of operations.
* ``proportional_completion``: each ballot's relation to every other candidate is
  worked out once per candidate (identical relations grouped with their weight, in
  order of first appearance), not once per set of candidates; the completion rounds
  do the library's arithmetic in the library's order (dict and set orders included),
  grouping the patterns by what a round looks at instead of rebuilding each one.
* ``schwartz_set_heuristic``: the library computes the full transitive closure of a
  graph of every set of winners at every step; the candidates it removes are exactly
  the strongly connected components with an edge coming in from another one, which
  one pass of Tarjan's algorithm finds.

Counts stay floats as in the library, so weights compare exactly as they do there;
`tests/deliberation/test_schulze_stv.py` checks the winners against the library's own.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from py3votecore.schulze_helper import (  # type: ignore[import-untyped]
    PREFERRED_LESS,
    PREFERRED_MORE,
    PREFERRED_SAME,
    STRENGTH_THRESHOLD,
    STRENGTH_TOLERANCE,
)
from py3votecore.schulze_stv import SchulzeSTV  # type: ignore[import-untyped]

Pattern = tuple[int, ...]


def _picker(indexes: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """A function returning ``tuple(row[i] for i in indexes)``, at C speed."""
    if len(indexes) == 1:
        only = indexes[0]
        return lambda row: (row[only],)
    return operator.itemgetter(*indexes)  # type: ignore[return-value]


class FastSchulzeSTV(SchulzeSTV):  # type: ignore[misc]
    """`SchulzeSTV` with fast vote management, completion and Schwartz-set steps."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._relations: dict[Hashable, list[tuple[tuple[int, ...], Any]]] = {}
        super().__init__(*args, **kwargs)

    # --- proportional completion ------------------------------------------------------

    def _relations_of(self, candidate: Hashable) -> list[tuple[tuple[int, ...], Any]]:
        """Each ballot's relation of ``candidate`` to every candidate (in `_order`),
        identical relations summed, in order of first appearance (as the library meets
        them)."""
        if not hasattr(self, "_order"):
            self._order = sorted(self.candidates)
            self._position = {c: i for i, c in enumerate(self._order)}
        cached = self._relations.get(candidate)
        if cached is not None:
            return cached
        grouped: dict[tuple[int, ...], Any] = {}
        for ballot in self.ballots:
            ranks = ballot["ballot"]
            mine = ranks[candidate]
            relation = tuple(
                PREFERRED_LESS
                if mine < ranks[other]
                else PREFERRED_SAME
                if mine == ranks[other]
                else PREFERRED_MORE
                for other in self._order
            )
            if relation in grouped:
                grouped[relation] = grouped[relation] + ballot["count"]
            else:
                grouped[relation] = ballot["count"]
        self._relations[candidate] = cached = list(grouped.items())
        return cached

    def proportional_completion(
        self, candidate: Hashable, other_candidates: Sequence[Hashable]
    ) -> dict[Pattern, Any]:
        # The library's initial tally: completed patterns at int 0, others met at 0.0.
        profile: dict[Pattern, Any] = dict.fromkeys(self.completed_patterns, 0)
        pick = _picker([self._position_of(other) for other in other_candidates])
        for relation, count in self._relations_of(candidate):
            pattern = pick(relation)
            if pattern not in profile:
                profile[pattern] = 0.0
            profile[pattern] += count
        # Patterns with indifference, the most indifferent first, as the library peels them.
        while True:
            most = max(pattern.count(PREFERRED_SAME) for pattern in profile)
            if most == 0:
                return profile
            for pattern in list(profile):
                if pattern.count(PREFERRED_SAME) == most:
                    self._completion_round(pattern, profile)

    def _position_of(self, candidate: Hashable) -> int:
        if not hasattr(self, "_order"):
            self._relations_of(candidate)
        return self._position[candidate]

    @staticmethod
    def _completion_round(completing: Pattern, profile: dict[Pattern, Any]) -> None:
        """The library's ``proportional_completion_round``, same operations, same order."""
        weight = profile.pop(completing)
        same = [i for i, value in enumerate(completing) if value == PREFERRED_SAME]
        project = _picker(same)
        targets: dict[Pattern, set[Pattern]] = {}
        target_of: dict[tuple[int, ...], Pattern | None] = {}
        for pattern in list(profile):
            key = project(pattern)
            if key in target_of:
                target = target_of[key]
            else:
                target = None
                if any(value != PREFERRED_SAME for value in key):
                    filled = list(completing)
                    for position, value in zip(same, key, strict=True):
                        filled[position] = value
                    target = tuple(filled)
                target_of[key] = target
            if target is not None:
                if target not in targets:
                    targets[target] = set()
                targets[target].add(pattern)
        denominator = 0
        for members in list(targets.values()):
            for pattern in members:
                denominator += profile[pattern]
        for target in list(targets):
            if denominator == 0:
                profile[target] += weight / len(targets)
            else:
                if target not in profile:
                    profile[target] = 0
                profile[target] += (
                    sum(profile[member] for member in targets[target]) * weight / denominator
                )

    # --- strength of vote management ------------------------------------------------------

    def strength_of_vote_management(self, voter_profile: dict[Pattern, Any]) -> Any:
        seats = self.required_winners
        full = (1 << seats) - 1
        # contained[C]: weight of the patterns whose supported seats all lie in C.
        contained = [0.0] * (full + 1)
        for pattern in self.pattern_nodes:
            mask = 0
            for i in range(seats):
                if pattern[i] == PREFERRED_LESS:
                    mask |= 1 << i
            contained[mask] += voter_profile[pattern]
        for bit in range(seats):
            step = 1 << bit
            for subset in range(full + 1):
                if subset & step:
                    contained[subset] += contained[subset ^ step]
        total = contained[full]
        # cheapest[k]: the least weight W(B) cut off by k seats B (k = 1..seats).
        cheapest = [float("inf")] * (seats + 1)
        for subset in range(1, full + 1):
            size = subset.bit_count()
            cut = total - contained[full ^ subset]
            if cut < cheapest[size]:
                cheapest[size] = cut
        levels = [(seats - k, cheapest[k]) for k in range(1, seats + 1)]

        def max_flow(capacity: float) -> float:
            flow = seats * capacity
            for free, weight in levels:
                value = free * capacity + weight
                if value < flow:
                    flow = value
            return flow

        everyone_more = voter_profile[tuple([PREFERRED_MORE] * seats)]
        r = [(float(sum(voter_profile.values())) - everyone_more) / seats]
        while len(r) < 2 or r[-2] - r[-1] > STRENGTH_TOLERANCE:
            sink_sum = max_flow(r[-1])
            r.append(sink_sum / seats)
            if sink_sum < STRENGTH_THRESHOLD:
                return 0
        return round(r[-1], 9)

    # --- Schwartz-set heuristic -------------------------------------------------------------

    def schwartz_set_heuristic(self) -> None:
        self.actions = []
        _Schwartz(self.graph, self.actions).run()
        self.graph_winner()


class _Schwartz:
    """The library's Schwartz-set loop on bit sets, applied to its graph as it goes.

    Each step either removes every node beaten from outside its strongly connected
    component (the components with an edge coming in from another one), or, when
    there are none, every edge of the least weight. Components are kept between
    steps: only a component that lost edges can split, so only it is recomputed, and
    a piece of it can only be entered from another piece of it.
    """

    def __init__(self, graph: Any, actions: list[dict[str, Any]]) -> None:
        self.graph = graph
        self.actions = actions
        self.nodes = list(graph.nodes())
        number = {node: i for i, node in enumerate(self.nodes)}
        self.succ = [0] * len(self.nodes)
        self.pred = [0] * len(self.nodes)
        edges = []
        for a, b in graph.edges():
            i, j = number[a], number[b]
            self.succ[i] |= 1 << j
            self.pred[j] |= 1 << i
            edges.append((graph.edge_weight((a, b)), i, j))
        # Weakest first; ties keep together (the library drops all the weakest at once).
        self.edges = sorted(edges, key=lambda edge: edge[0])
        self.next_edge = 0
        self.alive = (1 << len(self.nodes)) - 1

    def run(self) -> None:
        pieces = self._split(self.alive)
        self.components = list(pieces)
        entered = self._entered(pieces, self.alive)
        while self._has_edges():
            if entered:
                beaten = 0
                for piece in entered:
                    beaten |= piece
                self.components = [c for c in self.components if not c & beaten]
                self.alive &= ~beaten
                removed = self._members(beaten)
                self.actions.append({"nodes": {self.nodes[i] for i in removed}})
                for i in removed:
                    self.graph.del_node(self.nodes[i])
                entered = []
                continue
            dropped = self._weakest_edges()
            self.actions.append({"edges": {(self.nodes[i], self.nodes[j]) for i, j in dropped}})
            touched = 0
            for i, j in dropped:
                self.succ[i] &= ~(1 << j)
                self.pred[j] &= ~(1 << i)
                self.graph.del_edge((self.nodes[i], self.nodes[j]))
                touched |= 1 << i
            for component in [c for c in self.components if c & touched]:
                pieces = self._split(component)
                if len(pieces) > 1:
                    self.components.remove(component)
                    self.components += pieces
                    entered += self._entered(pieces, component)

    def _has_edges(self) -> bool:
        alive = self.alive
        return any(self.succ[i] & alive for i in self._members(alive))

    def _weakest_edges(self) -> list[tuple[int, int]]:
        """Every remaining edge of the least weight (compared exactly, as the library does)."""
        alive, edges = self.alive, self.edges
        while True:
            weight, i, j = edges[self.next_edge]
            if alive >> i & 1 and alive >> j & 1 and self.succ[i] >> j & 1:
                break
            self.next_edge += 1
        dropped = []
        position = self.next_edge
        while position < len(edges) and edges[position][0] == weight:
            _, i, j = edges[position]
            if alive >> i & 1 and alive >> j & 1 and self.succ[i] >> j & 1:
                dropped.append((i, j))
            position += 1
        return dropped

    def _reach(self, start: int, links: list[int], within: int) -> int:
        seen = frontier = 1 << start
        while frontier:
            grown = 0
            for i in self._members(frontier):
                grown |= links[i]
            frontier = grown & within & ~seen
            seen |= frontier
        return seen

    def _split(self, nodes: int) -> list[int]:
        """The strongly connected components of the nodes in the bit set ``nodes``."""
        pieces = []
        rest = nodes
        while rest:
            first = (rest & -rest).bit_length() - 1
            piece = self._reach(first, self.succ, rest) & self._reach(first, self.pred, rest)
            pieces.append(piece)
            rest &= ~piece
        return pieces

    def _entered(self, pieces: list[int], within: int) -> list[int]:
        """The pieces with an edge coming in from another node of ``within``."""
        entered = []
        for piece in pieces:
            incoming = 0
            for i in self._members(piece):
                incoming |= self.pred[i]
            if incoming & within & ~piece:
                entered.append(piece)
        return entered

    @staticmethod
    def _members(bits: int) -> list[int]:
        members = []
        while bits:
            lowest = bits & -bits
            members.append(lowest.bit_length() - 1)
            bits ^= lowest
        return members
