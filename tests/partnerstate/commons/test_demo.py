"""The demo register: varied, bilingual, in Lille, and idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from partnerstate import demo
from partnerstate.commons.models import Commons


def test_demo_seeds_a_varied_bilingual_register_once(db):
    demo.seed(db)
    demo.seed(db)  # harmless the second time
    records = db.scalars(select(Commons)).all()
    assert len(records) >= 12
    assert db.scalar(select(func.count(func.distinct(Commons.category)))) >= 8
    statuses = {record.status for record in records}
    assert {"published", "proposed", "rejected"} <= statuses
    for record in records:
        assert record.name.get("en") and record.name.get("fr"), record
        assert record.description.get("en") and record.description.get("fr"), record
        if record.latitude is not None:  # digital commons may have no place
            assert 50.55 < record.latitude < 50.70 and 2.95 < record.longitude < 3.15, record
    assert sum(r.latitude is not None for r in records) >= 10
    rejected = [r for r in records if r.status == "rejected"]
    assert len(rejected) == 1 and rejected[0].rejection_reason
    assert all(r.ostrom_score is not None for r in records if r.status != "rejected")
    assert any(r.balances for r in records)
