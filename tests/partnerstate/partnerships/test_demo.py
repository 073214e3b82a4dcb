"""The demo city has a partnership in deliberation with a debate, and a draft."""

from __future__ import annotations

from sqlalchemy import func, select

from deliberation.debate_models import Alternative, Argument
from partnerstate import demo
from partnerstate.partnerships.models import Partnership


def test_demo_partnerships_and_debate_are_seeded_once(db):
    demo.seed(db)
    demo.seed(db)
    partnerships = db.scalars(select(Partnership).order_by(Partnership.id)).all()
    # The first two are this seeder's; the votes' seeder adds one in voting after them.
    assert [p.status for p in partnerships][:2] == ["deliberation", "draft"]
    garden = partnerships[0]
    assert garden.title["fr"] == "Pacte pour le jardin partagé de Fives"
    assert len(garden.city_commitments) == 4
    stances = dict(
        db.execute(
            select(Argument.stance, func.count())
            .where(Argument.partnership_id == garden.id, Argument.parent_id.is_(None))
            .group_by(Argument.stance)
        ).all()
    )
    assert stances["for"] >= 1 and stances["against"] >= 1
    assert db.scalar(select(func.count()).where(Argument.parent_id.is_not(None))) >= 1
    statuses = sorted(
        a.status
        for a in db.scalars(select(Alternative).where(Alternative.partnership_id == garden.id))
    )
    assert statuses == ["declined", "proposed"]
