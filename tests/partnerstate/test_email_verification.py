"""Email verification: a signed link; unverified accounts are told and are not mailed
notifications until they confirm."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from partnerstate import jobs
from partnerstate.database import utcnow
from partnerstate.mail import notices
from partnerstate.models import OutboxMessage
from partnerstate.services import email_verification
from tests import factories
from tests.conftest import csrf_token, log_in
from tests.partnerstate.test_mail_delivery import settings_for


def _unverified(db, email="unsure@example.org"):
    user = factories.make_user(db, email=email)
    user.email_verified_at = None
    db.commit()
    return user


def test_a_link_is_refused_when_forged_expired_or_for_an_old_address(db):
    settings = settings_for()
    user = _unverified(db)
    token = email_verification.make_token(settings, user)
    # One character changed (a token that ends in "0" gets a "1": it must differ).
    forged = token[:-1] + ("1" if token.endswith("0") else "0")
    assert email_verification.verify(db, settings, forged) is None
    later = utcnow() + email_verification.LIFETIME + dt.timedelta(minutes=1)
    assert email_verification.verify(db, settings, token, later) is None
    user.email = "changed@example.org"
    assert email_verification.verify(db, settings, token) is None
    assert email_verification.verify(db, settings, "1.2.3") is None
    assert not user.email_verified


def test_an_invalid_link_page_is_410(app):
    app.get("/verify-email/1.abc.1.def", status=410)


def test_unverified_accounts_are_told_and_can_get_a_new_link(app, db):
    user = _unverified(db)
    log_in(app, user.email)
    assert "is not confirmed yet" in app.get("/").text
    token = csrf_token(app, "/profile")
    app.post("/profile/verify-email", {"csrf_token": token}, status=303)
    [mail] = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "email_verification"))
    assert mail.recipient == user.email


def test_unverified_accounts_get_notices_in_app_only(db, session_factory):
    unsure = _unverified(db)
    sure = factories.make_user(db, email="sure@example.org")
    notices.announce(
        db, kind="vote_opened", template="mail/vote_opened.jinja2",
        user_ids=[unsure.id, sure.id], path="/votes/1",
        params={"title": {"en": "A vote"}, "closes_at": None},
    )  # fmt: skip
    db.commit()
    jobs.run_due(session_factory, settings_for(), utcnow())
    statuses = {
        row.recipient: row.status
        for row in db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "vote_opened"))
    }
    assert statuses == {unsure.email: "in_app", sure.email: "pending"}
