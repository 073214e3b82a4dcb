"""Fixtures of the votes tests: an assembly with people in every role, a partnership in
deliberation, and votes opened through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from deliberation.votes import services
from tests import factories
from tests.partnerstate.partnerships import helpers


@dataclass
class People:
    official: Any
    facilitator: Any
    member: Any
    voter: Any  # a second member
    observer: Any  # takes part in the debate, does not vote
    outsider: Any
    assembly: Any
    commons: Any


@pytest.fixture
def people(db, official) -> People:
    cast = helpers.make_cast(db, official)
    voter = factories.make_user(db, name="Vera Voter")
    helpers.add_member(db, cast.assembly, voter, "member")
    return People(
        official=cast.official,
        facilitator=cast.facilitator,
        member=cast.member,
        voter=voter,
        observer=cast.observer,
        outsider=cast.outsider,
        assembly=cast.assembly,
        commons=cast.commons,
    )


@pytest.fixture
def partnership(db, people):
    return helpers.make_partnership(
        db, people.official, people.assembly, people.commons, "deliberation"
    )


@pytest.fixture
def vote(db, people, partnership):
    """An open Schulze vote: the proposal and the status quo."""
    vote = services.open_partnership_vote(db, partnership, people.facilitator)
    db.commit()
    return vote


@pytest.fixture
def election(db, people):
    vote = services.open_election(
        db, people.assembly, people.official, "Steering committee", "stv", 2,
        ["Ana", "Bo", "Cy", "Di"],
    )  # fmt: skip
    db.commit()
    return vote


def option_ids(vote) -> list[int]:
    return [option.id for option in vote.options]


@pytest.fixture
def closed(db, people, vote):
    """``vote`` closed after three ballots; with the member's receipt."""
    proposal, status_quo = option_ids(vote)
    receipt = services.cast_ballot(db, vote, people.member, [proposal, status_quo]).receipt
    services.cast_ballot(db, vote, people.voter, [status_quo, proposal])
    services.cast_ballot(db, vote, people.facilitator, [proposal])
    services.close_vote(db, vote, people.official)
    db.commit()
    return vote, receipt
