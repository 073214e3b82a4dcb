"""Turnout as readers should see it: online voters against the electorate, paper apart. Pure.

Paper ballots are counted in the room and imported anonymously (`ballots import`);
nothing ties them to the frozen electorate, so adding them to the online voters and
dividing by the electorate gave turnouts like 1,400 %. The share is therefore taken
of online voters only (never above 100 %), paper ballots are a figure of their own,
and the quorum, which counts every ballot, says so where it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def figures(turnout: Mapping[str, Any]) -> dict[str, Any]:
    """``{online, paper, ballots, electorate, online_share}`` from a result's ``turnout``.

    Results published before ``online`` was stored count every ballot as online.
    ``online_share`` is None without an electorate.
    """
    ballots = int(turnout.get("ballots") or 0)
    paper = int(turnout.get("paper") or 0)
    online = int(turnout.get("online", ballots - paper) or 0)
    electorate = int(turnout.get("electorate") or 0)
    share = min(online / electorate, 1.0) if electorate else None
    return {
        "online": online,
        "paper": paper,
        "ballots": ballots,
        "electorate": electorate,
        "online_share": share,
    }
