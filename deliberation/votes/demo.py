"""Demo votes: an open vote on the tool shed's pact, and a counted STV election.

* The Rue Royale tool shed's pact goes through a short deliberation (an alternative
  is proposed) and is now in ``voting``: a Schulze vote with a few ballots cast by
  the demo members, open for ten more days. Log in as a member to rank the options.
* The assembly elected two delegates to the Fives garden's steering committee by
  STV: online ballots from the demo members plus the paper ballots of the meeting
  room (a BLT file), counted and published, so the results page has rounds to show.

Runs after the partnerships seeder; idempotent (found again by title).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from deliberation.votes import services
from deliberation.votes.models import Vote
from partnerstate.database import utcnow
from partnerstate.demo_texts import localized
from partnerstate.partnerships import membership


def _t(en: str, fr: str) -> dict[str, str]:
    # English and French here; Spanish, Catalan, Italian, German, Dutch from demo_texts.
    return localized(en, fr)


TOOLS = {
    "title": _t(
        "Pact for the Rue Royale tool shed", "Pacte pour la cabane à outils de la rue Royale"
    ),
    "type": "ordinary",
    "purpose": _t(
        "The city insures the courtyard shed and lends it a set of garden tools, so that "
        "the street's residents can borrow what they need instead of each buying it.",
        "La ville assure la cabane de la cour et lui prête un lot d'outils de jardin, pour "
        "que les habitants de la rue empruntent ce dont ils ont besoin au lieu de l'acheter.",
    ),
    "city_commitments": [
        {
            "kind": "insurance",
            "description": _t(
                "Insurance of the shed and its tools", "Assurance de la cabane et des outils"
            ),
        },
        {
            "kind": "tools_equipment",
            "description": _t("Twenty garden tools on loan", "Vingt outils de jardin en prêt"),
            "quantity": "20",
        },
    ],
    "commons_commitments": [
        {"description": _t("Open the shed every Saturday", "Ouvrir la cabane chaque samedi")},
        {
            "description": _t(
                "Lend to anyone living in the street", "Prêter à tout habitant de la rue"
            )
        },
    ],
    "duration_months": 24,
}

ALTERNATIVE = {
    "title": _t("One year, and the whole district", "Un an, et tout le quartier"),
    "summary": _t(
        "A one-year pact, and the tools are lent to anyone in Vieux-Lille, not only the street.",
        "Un pacte d'un an, et les outils sont prêtés à tout le Vieux-Lille, "
        "pas seulement à la rue.",
    ),
    "changes": {"duration_months": 12},
}

# Who ranks what, as (user short name, [option keys, most preferred first]).
TOOLS_BALLOTS = (
    ("member", ["proposal", "alternative", "status_quo"]),
    ("facilitator", ["alternative", "proposal"]),
)

ELECTION_TITLE = _t(
    "Delegates to the Fives garden's steering committee",
    "Délégués au comité de pilotage du jardin de Fives",
)
CANDIDATES = ("Amina Benali", "Bruno Lefebvre", "Chloé Martin", "David Nguyen", "Élise Moreau")
ELECTION_BALLOTS = (
    ("member", [0, 2, 4]),
    ("membre", [1, 0]),
    ("facilitator", [2, 0, 3]),
)
# The meeting room's paper ballots (candidates in the options' order).
PAPER_BLT = """5 2
# Paper ballots counted at the assembly's meeting
9 1 3 0
7 2 1 0
6 3 5 1 0
5 4 2 0
4 5 3 0
3 2 4 5 0
2 1 0
2 4 0
1 5 1 3 0
0
"Amina Benali"
"Bruno Lefebvre"
"Chloé Martin"
"David Nguyen"
"Élise Moreau"
"Delegates to the Fives garden's steering committee"
"""

PAPER_COUNT = 39


def _assembly(demo: dict[str, Any]) -> Any:
    if demo.get("assembly") is not None:
        return demo["assembly"]
    return next(iter((demo.get("assemblies") or {}).values()), None)


def _existing(db: Session, assembly_id: int, title: str) -> Vote | None:
    for vote in db.scalars(select(Vote).where(Vote.assembly_id == assembly_id)):
        if vote.title.get("en") == title:
            return vote
    return None


def _cast(db: Session, vote: Vote, users: dict[str, Any], ballots: Any, key_of: Any) -> None:
    for name, ranking in ballots:
        user = users.get(name)
        if user is not None and services.is_elector(db, vote, user):
            services.cast_ballot(db, vote, user, [key_of(item) for item in ranking])


def seed_tools_vote(db: Session, demo: dict[str, Any]) -> Vote | None:
    """The tool shed's pact, in voting, with two ballots cast."""
    from partnerstate.partnerships import services as partnerships
    from partnerstate.partnerships.models import Partnership

    users = demo["users"]
    official, assembly = users["official"], _assembly(demo)
    commons = (demo.get("commons") or {}).get("tools")
    if assembly is None or commons is None:
        return None
    found = demo.setdefault("partnerships", {})
    vote = _existing(db, assembly.id, TOOLS["title"]["en"])
    if vote is not None:
        found["tools"] = db.get(Partnership, vote.partnership_id)
        return vote
    partnership = partnerships.draft(db, official, assembly.id, commons.id, TOOLS, locale="en")
    partnerships.open_deliberation(db, partnership, official, utcnow() + dt.timedelta(days=7))
    db.flush()
    proposer = users.get("membre")
    if proposer is not None and membership.is_participant(db, assembly.id, proposer):
        from deliberation.services import alternatives

        alternatives.propose(
            db,
            partnership,
            proposer,
            ALTERNATIVE["title"],
            ALTERNATIVE["summary"],
            ALTERNATIVE["changes"],
            locale="fr",
        )
        db.flush()
    vote = services.open_partnership_vote(
        db, partnership, official, closes_at=utcnow() + dt.timedelta(days=10)
    )
    db.flush()
    by_key = {}
    for option in vote.options:
        by_key["alternative" if option.key.startswith("alternative") else option.key] = option.id
    keyed = [(name, [k for k in ranking if k in by_key]) for name, ranking in TOOLS_BALLOTS]
    _cast(db, vote, users, keyed, by_key.__getitem__)
    found["tools"] = partnership
    return vote


def seed_election(db: Session, demo: dict[str, Any]) -> Vote | None:
    """An STV election of two delegates: online and paper ballots, counted."""
    users = demo["users"]
    official, assembly = users["official"], _assembly(demo)
    if assembly is None:
        return None
    vote = _existing(db, assembly.id, ELECTION_TITLE["en"])
    if vote is not None:
        return vote
    vote = services.open_election(
        db, assembly, official, ELECTION_TITLE, "stv", 2, list(CANDIDATES), locale="en"
    )
    db.flush()
    ids = [option.id for option in vote.options]
    _cast(db, vote, users, ELECTION_BALLOTS, ids.__getitem__)
    # The count the assembly declared at its meeting (`ballots import --expected`).
    services.import_paper_ballots(db, vote, PAPER_BLT, actor=official, expected=PAPER_COUNT)
    services.close_vote(db, vote, official)
    return vote


def seed(db: Session, demo: dict[str, Any]) -> None:
    votes = demo.setdefault("votes", {})
    tools = seed_tools_vote(db, demo)
    if tools is not None:
        votes["tools"] = tools
    election = seed_election(db, demo)
    if election is not None:
        votes["delegates"] = election
