"""The officials' outbox page: what waits or failed and why, what went out, retry."""

from __future__ import annotations

import html

from partnerstate.models import AuditEntry, OutboxMessage
from tests.conftest import csrf_token
from tests.partnerstate.test_mail_delivery import queue, settings_for


def _failed(db, to="lost@example.org"):
    message = queue(db, settings_for(), to=to)
    message.status = "failed"
    message.attempts = 3
    message.last_error = "550 5.1.1 No such mailbox"
    db.commit()
    return message


def test_officials_see_failed_mail_with_the_reason(official_app, db):
    _failed(db)
    page = official_app.get("/outbox")
    assert "lost@example.org" in page.text
    assert "550 5.1.1 No such mailbox" in page.text
    assert "Send again now" in page.text


def test_the_demo_folder_is_named_when_no_mail_server_is_set(official_app):
    assert ".eml files to the folder" in official_app.get("/outbox").text


def test_a_message_can_be_read_on_its_page(official_app, db):
    message = _failed(db)
    page = official_app.get(f"/outbox/{message.id}")
    assert "https://participate.example.org/password-reset/abc" in page.text
    assert html.escape(message.message_id) in page.text


def test_retry_makes_the_message_due_now_and_is_audited(official_app, db, official):
    message = _failed(db)
    token = csrf_token(official_app, "/outbox")
    response = official_app.post(f"/outbox/{message.id}/retry", {"csrf_token": token})
    assert response.status_int == 303
    db.expire_all()
    stored = db.get(OutboxMessage, message.id)
    assert stored.status == "pending"
    entry = db.query(AuditEntry).filter_by(action="mail.retry").one()
    assert entry.actor_id == official.id


def test_retry_needs_the_csrf_token(official_app, db):
    message = _failed(db)
    official_app.post(f"/outbox/{message.id}/retry", status=400)
    db.expire_all()
    assert db.get(OutboxMessage, message.id).status == "failed"


def test_members_and_visitors_cannot_see_the_outbox(app, member_app, db):
    message = _failed(db)
    member_app.get("/outbox", status=403)
    member_app.get(f"/outbox/{message.id}", status=403)


def test_an_unknown_message_is_a_404(official_app):
    official_app.get("/outbox/999999", status=404)
    official_app.get("/outbox/99999999999999999999999", status=404)


def test_an_in_app_notice_cannot_be_sent_by_retry(official_app, db):
    message = queue(db, settings_for(), to="quiet@example.org")
    message.status = "in_app"
    db.commit()
    token = csrf_token(official_app, "/profile")
    official_app.post(f"/outbox/{message.id}/retry", {"csrf_token": token}, status=303)
    db.expire_all()
    assert db.get(OutboxMessage, message.id).status == "in_app"
