"""A deliberation's deadline passes: its facilitators are told, once; no vote opens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from partnerstate.database import utcnow
from partnerstate.models import OutboxMessage
from partnerstate.partnerships import deadlines
from partnerstate.worker import SCHEDULED_TASKS, Worker
from tests.partnerstate.partnerships import helpers
from tests.partnerstate.test_mail_delivery import settings_for


def _passed(db, official, hours=1):
    cast = helpers.make_cast(db, official)
    partnership = helpers.make_partnership(
        db, official, cast.assembly, cast.commons, "deliberation"
    )
    partnership.deliberation_ends_at = utcnow() - dt.timedelta(hours=hours)
    db.commit()
    return cast, partnership


def _mails(db):
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.kind == deadlines.KIND)))


def test_the_facilitators_are_told_once(db, session_factory, official):
    cast, partnership = _passed(db, official)
    settings = settings_for()
    assert deadlines.notify_passed(session_factory, settings, utcnow()) == 1
    [mail] = _mails(db)
    assert mail.recipient == cast.facilitator.email
    assert f"https://participate.example.org/partnerships/{partnership.id}" in mail.body_text
    assert "open the vote" in mail.body_text
    assert deadlines.notify_passed(session_factory, settings, utcnow()) == 0
    assert len(_mails(db)) == 1
    db.expire_all()
    assert partnership.status == "deliberation"  # no vote opened by itself


def test_a_deadline_moved_later_gets_its_own_notice(db, session_factory, official):
    _cast, partnership = _passed(db, official)
    settings = settings_for()
    deadlines.notify_passed(session_factory, settings, utcnow())
    partnership.deliberation_ends_at = utcnow() + dt.timedelta(hours=1)
    db.commit()
    assert deadlines.notify_passed(session_factory, settings, utcnow()) == 0
    later = utcnow() + dt.timedelta(hours=2)
    assert deadlines.notify_passed(session_factory, settings, later) == 1
    assert len(_mails(db)) == 2


def test_deadlines_not_passed_or_long_gone_are_not_announced(db, session_factory, official):
    _passed(db, official, hours=-1)  # an hour from now
    _passed(db, official, hours=24 * 30)  # a month ago
    assert deadlines.notify_passed(session_factory, settings_for(), utcnow()) == 0


def test_the_mail_reaches_the_facilitator_over_smtp(db, session_factory, official, mail_server):
    cast, partnership = _passed(db, official)
    cast.facilitator.locale = "fr"
    db.commit()
    settings = settings_for(mail_server)
    deadlines.notify_passed(session_factory, settings, utcnow())
    Worker(settings, session_factory).deliver()
    [mail] = mail_server.messages
    assert mail["To"] == cast.facilitator.email
    assert mail["Content-Language"] == "fr"
    assert f"/partnerships/{partnership.id}" in mail.get_body(("plain",)).get_content()


def test_the_worker_checks_every_minute():
    [task] = [t for t in SCHEDULED_TASKS if t.target.endswith(":notify_passed")]
    assert task.every <= dt.timedelta(minutes=1)
