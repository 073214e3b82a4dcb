"""The demo city has an open vote to try, and a counted election to read."""

from __future__ import annotations

from sqlalchemy import func, select

from deliberation.votes import demo as votes_demo
from deliberation.votes import services
from deliberation.votes.models import Ballot, Vote
from partnerstate import demo
from partnerstate.models import User
from partnerstate.partnerships.models import Partnership


def test_the_demo_votes(db):
    demo.seed(db)
    demo.seed(db)  # twice: nothing is added again
    titles = (votes_demo.TOOLS["title"]["en"], votes_demo.ELECTION_TITLE["en"])
    votes = [v for v in db.scalars(select(Vote).order_by(Vote.id)) if v.title["en"] in titles]
    assert [(v.kind, v.status) for v in votes] == [("partnership", "open"), ("election", "closed")]
    tools, delegates = votes
    # The contract's demo: a partnership in deliberation, and an open vote.
    statuses = set(db.scalars(select(Partnership.status)))
    assert {"deliberation", "voting"} <= statuses
    assert tools.method == "schulze" and services.accepting_ballots(tools)
    assert [o.key.split(":")[0] for o in tools.options] == ["proposal", "alternative", "status_quo"]
    ballots = db.scalar(select(func.count()).where(Ballot.vote_id == tools.id))
    assert ballots == 2 and tools.electorate_size == 3
    # A demo member who has not voted yet can try the ballot.
    membre = db.scalars(select(User).where(User.email.like("membre@%"))).one()
    mine = services.participation(db, tools, membre)
    assert mine.elector and mine.voted_at is None
    result = delegates.result
    assert result["outcome"] == "elected" and len(result["winners"]) == 2
    assert result["turnout"]["paper"] == 39 and result["turnout"]["online"] == 3
