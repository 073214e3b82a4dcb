"""A named signatory learns that a charter awaits their signature."""

from __future__ import annotations

from sqlalchemy import select

from partnerstate import jobs
from partnerstate.database import utcnow
from partnerstate.models import OutboxMessage
from tests import factories
from tests.partnerstate.test_mail_delivery import settings_for
from tests.reports.conftest import issue


def test_the_named_signatory_is_told(app, db, session_factory, scene):
    signatory = factories.make_user(db, name="Yusuf Demir")
    body = issue(
        app, db, scene,
        commons={"signatory_email": signatory.email, "signatory_role": "Co-chair"},
    ).json  # fmt: skip
    jobs.run_due(session_factory, settings_for(), utcnow())
    [notice] = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "charter_to_sign"))
    assert notice.user_id == signatory.id
    assert notice.link.endswith(f"/charters/{body['id']}")
    assert "awaits your signature" in notice.subject
