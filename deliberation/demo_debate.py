"""Demo debate on the garden's pact: arguments both ways, replies, alternatives, a flag.

Runs after ``partnerstate.partnerships.demo``; idempotent (nothing is added to a
partnership that already has posts).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deliberation.debate_models import Argument
from deliberation.services import alternatives, arguments, moderation
from partnerstate.partnerships import membership

# (key, author, stance, locale, body, parent key)
POSTS = (
    ("beds", "member", "for", "en",
     "Sixty households already bring their compost here. A **three-year** pact lets us "
     "plan the fruit trees, which take years to bear.", None),
    ("long", "membre", "against", "fr",
     "Trois ans, c'est long pour un premier pacte : commençons par un an et faisons le "
     "bilan avant de nous engager davantage.", None),
    ("water", "observer", "neutral", "en",
     "Who pays the water bill in August, when the beds need watering every day?", None),
    ("water-answer", "facilitator", "neutral", "en",
     "Commitment 2: the city provides the water connection and pays the bill.", "water"),
    ("long-reply", "member", "for", "en",
     "A one-year pact would end just when the trees are planted. The yearly balance "
     "already gives us the review you ask for.", "long"),
    ("school", "facilitator", "for", "en",
     "The school's workshops need a stable partner; three years matches a school cycle.",
     None),
    ("fence", "observer", "against", "en",
     "The fence is broken half the year. One repair a year is not enough: the city "
     "should commit to repairs within a month.", None),
)  # fmt: skip


def seed(db: Session, demo: dict[str, Any]) -> None:
    partnership = (demo.get("partnerships") or {}).get("garden")
    if partnership is None or partnership.status != "deliberation":
        return
    existing = db.scalar(
        select(func.count(Argument.id)).where(Argument.partnership_id == partnership.id)
    )
    if existing:
        return
    users = demo["users"]
    posted: dict[str, Argument] = {}
    for key, author, stance, locale, body, parent in POSTS:
        user = users.get(author)
        if user is None or not membership.is_participant(db, partnership.assembly_id, user):
            continue
        parent_id = posted[parent].id if parent in posted else None
        if parent is not None and parent_id is None:
            continue
        posted[key] = arguments.post(
            db, partnership, user, body, stance, parent_id=parent_id, locale=locale
        )

    flagger = users.get("newcomer")
    if "fence" in posted and flagger is not None:
        moderation.flag(db, posted["fence"], flagger, "off_topic", "")

    proposer = users.get("membre")
    if proposer is not None and membership.is_participant(db, partnership.assembly_id, proposer):
        alternatives.propose(
            db,
            partnership,
            proposer,
            {"fr": "Un an renouvelable, clôture réparée sous un mois",
             "en": "One year, renewable; fence repaired within a month"},
            {"fr": "Un premier pacte d'un an, renouvelable après le bilan, et un "
                   "engagement de la ville à réparer la clôture sous un mois.",
             "en": "A first one-year pact, renewable after the balance, and the city "
                   "commits to repair the fence within a month."},
            {
                "duration_months": 12,
                "city_commitments": [
                    *partnership.city_commitments[:1],
                    {
                        "kind": "utilities_maintenance",
                        "description": {
                            "fr": "Un branchement d'eau, et la clôture réparée sous un mois",
                            "en": "A water connection, and the fence repaired within a month",
                        },
                    },
                    *partnership.city_commitments[2:],
                ],
            },
            locale="fr",
        )  # fmt: skip
        duplicate = alternatives.propose(
            db,
            partnership,
            proposer,
            {"fr": "Pacte d'un an", "en": "One-year pact"},
            {"fr": "Le même pacte, pour un an.", "en": "The same pact, for one year."},
            {"duration_months": 12},
            locale="fr",
        )
        facilitator = users.get("facilitator")
        if facilitator is not None and membership.is_facilitator(
            db, partnership.assembly_id, facilitator
        ):
            alternatives.decline(
                db,
                duplicate,
                facilitator,
                "duplicate",
                "Already covered by “One year, renewable; fence repaired within a month”.",
            )
