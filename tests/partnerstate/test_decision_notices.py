"""People learn decisions about what they asked for: their commons proposal, their
request to join an assembly (by mail as they chose, and in-app)."""

from __future__ import annotations

from sqlalchemy import select

from assemblies import services as assemblies
from partnerstate import jobs
from partnerstate.commons import services as commons_services
from partnerstate.database import utcnow
from partnerstate.models import OutboxMessage
from tests import factories
from tests.partnerstate.partnerships import helpers
from tests.partnerstate.test_mail_delivery import settings_for


def _notices(db, session_factory, kind):
    jobs.run_due(session_factory, settings_for(), utcnow())
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def test_the_proposer_learns_that_the_commons_was_validated(db, session_factory, official):
    proposal = helpers.make_commons(db, official, published=False)
    commons_services.validate(db, proposal, official)
    db.commit()
    [notice] = _notices(db, session_factory, "commons_validated")
    assert notice.user_id == proposal.proposer_id
    assert notice.link.endswith(f"/commons/{proposal.id}")


def test_the_proposer_learns_why_the_commons_was_refused(db, session_factory, official):
    proposal = helpers.make_commons(db, official, published=False)
    commons_services.reject(db, proposal, official, "This is a private garden, not a commons.")
    db.commit()
    [notice] = _notices(db, session_factory, "commons_rejected")
    assert "This is a private garden, not a commons." in notice.body_text


def test_an_officials_own_entry_sends_nothing(db, session_factory, official):
    helpers.make_commons(db, official, published=True)
    assert _notices(db, session_factory, "commons_validated") == []


def test_the_requester_learns_the_decision_on_joining(db, session_factory, official):
    assembly = helpers.make_assembly(db)
    accepted, refused = factories.make_user(db), factories.make_user(db)
    first, _ = assemblies.request_to_join(db, assembly, accepted, "Hello")
    second, _ = assemblies.request_to_join(db, assembly, refused, "Hi")
    assemblies.approve_request(db, first, official, "member")
    assemblies.refuse_request(db, second, official, "Only residents of Fives.")
    db.commit()
    [welcome] = _notices(db, session_factory, "join_approved")
    [refusal] = _notices(db, session_factory, "join_refused")
    assert (welcome.user_id, refusal.user_id) == (accepted.id, refused.id)
    assert "Only residents of Fives." in refusal.body_text
