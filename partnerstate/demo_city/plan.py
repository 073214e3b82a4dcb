"""How big each part of a synthetic city of N residents is (no database here).

The proportions follow the scale issue's city of a million: 1,000,000 census lines,
50,000 verified members in 10 assemblies, 10,000 commons, 500 partnerships,
20,000 arguments (one deliberation with 1,000), 100 closed votes holding
300,000 ballots plus one open vote, 2,000 meetings and 200 charters. Small cities
keep minimums so that every kind of page has something to show.
"""

from __future__ import annotations

from dataclasses import dataclass

# Outcomes a closed vote's partnership is taken to, in turn. "signed" is not among
# them: the last signature puts a partnership in force at once (signed, then
# active, in one step), so a partnership is never left in "signed".
CLOSED_VOTE_FATES = ("adopted", "rejected", "no_quorum", "active", "closed", "adopted")
# What becomes of the partnerships that never reached a vote, in turn.
UNVOTED_FATES = ("deliberation", "draft", "deliberation", "withdrawn")


@dataclass(frozen=True)
class CityPlan:
    residents: int
    assemblies: int
    members: int
    commons: int
    partnerships: int
    closed_votes: int
    ballots: int
    arguments: int
    largest_deliberation: int
    meetings: int
    charters: int

    @property
    def members_per_assembly(self) -> int:
        return self.members // self.assemblies


def plan_for(residents: int) -> CityPlan:
    """The plan of a city with ``residents`` census lines (at least 1,000)."""
    if residents < 1_000:
        raise ValueError("a synthetic city has at least 1,000 residents")
    assemblies = min(10, max(2, residents // 100_000))
    closed_votes = max(len(CLOSED_VOTE_FATES), residents // 10_000)
    partnerships = max(closed_votes + 1 + len(UNVOTED_FATES), residents // 2_000)
    members = residents // 20
    # A vote's ballots come from one assembly's electorate: at most 60% turnout.
    ballot_room = (closed_votes + 1) * (members // assemblies) * 6 // 10
    return CityPlan(
        residents=residents,
        assemblies=assemblies,
        members=members,
        commons=max(partnerships, residents // 100),
        partnerships=partnerships,
        closed_votes=closed_votes,
        ballots=min(residents * 3 // 10, ballot_room),
        arguments=max(40, residents // 50),
        largest_deliberation=max(20, residents // 1_000),
        meetings=max(2 * assemblies, residents // 500),
        charters=max(1, residents // 5_000),
    )
