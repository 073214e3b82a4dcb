"""Housekeeping: expired reset requests, old delivered mail and jobs, old login failures go."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from partnerstate import housekeeping
from partnerstate.database import utcnow
from partnerstate.models import Job, LoginFailure, OutboxMessage, PasswordReset
from partnerstate.services import password_reset, throttle
from partnerstate.services.throttle import ThrottlePolicy
from partnerstate.worker import SCHEDULED_TASKS
from tests import factories
from tests.partnerstate.test_mail_delivery import queue, settings_for


def _count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def test_purge_removes_only_what_expired(db, session_factory):
    settings = settings_for()
    now = utcnow()
    long_ago = now - dt.timedelta(days=40)
    user = factories.make_user(db, email="keep@example.org")
    password_reset.request_reset(db, settings, ThrottlePolicy(), user.email, "192.0.2.1", long_ago)
    password_reset.request_reset(db, settings, ThrottlePolicy(), user.email, "192.0.2.1", now)
    old_sent, new_sent, old_failed = queue(db, settings), queue(db, settings), queue(db, settings)
    old_notice = queue(db, settings)
    old_notice.status, old_notice.created_at = "in_app", long_ago
    old_sent.status, old_sent.sent_at = "sent", long_ago
    new_sent.status, new_sent.sent_at = "sent", now
    old_failed.status, old_failed.created_at = "failed", long_ago
    db.add(Job(kind="x", key="old", status="done", done_at=long_ago))
    db.add(Job(kind="x", key="new", status="done", done_at=now))
    throttle.record_failure(db, "a@example.org", "192.0.2.1")
    db.flush()
    db.query(LoginFailure).update({"created_at": long_ago})
    db.commit()
    ids = old_sent.id, new_sent.id, old_failed.id, old_notice.id

    assert housekeeping.purge(session_factory, settings, now) > 0
    db.expire_all()
    assert [
        r.created_at >= now - dt.timedelta(minutes=1) for r in db.scalars(select(PasswordReset))
    ] == [True]
    remaining = {m.id for m in db.scalars(select(OutboxMessage))}
    assert remaining & set(ids) == {ids[1], ids[2]}  # failed mail waits for an official
    assert [job.key for job in db.scalars(select(Job))] == ["new"]
    assert _count(db, LoginFailure) == 0


def test_housekeeping_is_scheduled():
    assert any(task.target == "partnerstate.housekeeping:purge" for task in SCHEDULED_TASKS)
