"""The demo assembly: Lille's, with every role, a pending request and two meetings."""

from __future__ import annotations

from sqlalchemy import func, select

from assemblies import services
from assemblies.models import Assembly, Meeting
from partnerstate import demo
from partnerstate.database import utcnow


def test_demo_assembly_is_seeded_once(db):
    demo.seed(db)
    demo.seed(db)  # harmless the second time
    assembly = db.scalars(select(Assembly)).one()
    assert assembly.name["fr"] == "Assemblée des communs de Lille"
    assert assembly.city == "Lille" and assembly.default_locale == "fr"
    assert assembly.requires_verification
    roles = {m.user.email.split("@")[0]: m.role for m in services.members(db, assembly.id)}
    assert roles == {
        "facilitator": "facilitator",
        "member": "member",
        "membre": "member",
        "observer": "observer",
    }
    pending = services.pending_requests(db, assembly.id)
    assert [r.user.email.split("@")[0] for r in pending] == ["newcomer"]
    voters = services.voting_members(db, assembly.id)
    assert len(voters) == 3
    meetings = db.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    assert len(meetings) == 2
    past, upcoming = meetings
    assert past.ends_at < utcnow() < upcoming.starts_at
    assert past.minutes and sum(1 for a in past.attendance if a.attended) == 3
    assert upcoming.minutes is None and upcoming.agenda and upcoming.online_url
    assert services.census_stats(db, assembly.id) == (6, 0)
    assert db.scalar(select(func.count()).select_from(Assembly)) == 1


def test_demo_census_entry_verifies_the_newcomer(db):
    demo.seed(db)
    assembly = db.scalars(select(Assembly)).one()
    newcomer = next(r.user for r in services.pending_requests(db, assembly.id))
    services.verify_with_census(db, assembly, newcomer, "LIL-0006", "59800")
    assert services.is_verified(db, assembly.id, newcomer.id)
