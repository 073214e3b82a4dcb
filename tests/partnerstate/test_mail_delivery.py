"""The outbox and its delivery: recorded with the action, sent once, retried, never lost."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import func, select

from partnerstate.database import utcnow
from partnerstate.mail import delivery, outbox
from partnerstate.mail.transport import FolderTransport, SmtpTransport
from partnerstate.models import OutboxMessage
from partnerstate.settings import load_settings
from partnerstate.worker import Worker


def settings_for(mail_server=None, **extra):
    ini = {
        "partnerstate.base_url": "https://participate.example.org",
        "partnerstate.mail_from": "Ville <civic@example.org>",
        **({"partnerstate.smtp_url": mail_server.url} if mail_server else {}),
        **{f"partnerstate.{name}": value for name, value in extra.items()},
    }
    return load_settings(ini, environ={})


def queue(db, settings, to="ana@example.org", locale="en", name="Ana"):
    message = outbox.enqueue(
        db,
        settings,
        kind="password_reset",
        to=to,
        template="mail/password_reset.jinja2",
        locale=locale,
        name=name,
        link="https://participate.example.org/password-reset/abc",
    )
    db.commit()
    return message


def test_a_message_is_recorded_only_if_its_transaction_commits(db, session_factory):
    settings = settings_for()
    outbox.enqueue(
        db,
        settings,
        kind="password_reset",
        to="x@example.org",
        template="mail/password_reset.jinja2",
        locale="en",
        name="X",
        link="https://e/1",
    )
    db.rollback()
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    queue(db, settings)
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_delivered_over_smtp_with_text_html_and_headers(db, session_factory, mail_server):
    settings = settings_for(mail_server)
    message = queue(db, settings, locale="fr", name="Ana")
    worker = Worker(settings, session_factory)
    worker.deliver()

    [sent] = mail_server.messages
    assert sent["To"] == "ana@example.org"
    assert sent["From"] == "Ville <civic@example.org>"
    assert sent["Message-ID"] == message.message_id
    assert sent["Message-ID"].endswith("@participate.example.org>")
    assert sent["Content-Language"] == "fr"
    text = sent.get_body(("plain",)).get_content()
    html = sent.get_body(("html",)).get_content()
    assert "https://participate.example.org/password-reset/abc" in text
    assert 'href="https://participate.example.org/password-reset/abc"' in html
    assert '<html lang="fr"' in html
    db.expire_all()
    stored = db.get(OutboxMessage, message.id)
    assert (stored.status, stored.attempts, stored.delivered_to) == ("sent", 1, "smtp")
    # Delivered once: another round sends nothing more.
    worker.deliver()
    assert len(mail_server.messages) == 1


def test_server_down_keeps_the_message_and_sends_it_once_when_back(
    db, session_factory, mail_server
):
    settings = settings_for(mail_server)
    first, second = queue(db, settings, to="a@example.org"), queue(db, settings, to="b@example.org")
    mail_server.stop()
    now = utcnow()
    assert delivery.deliver_due(session_factory, SmtpTransport(mail_server.url), settings) == 0
    db.expire_all()
    for message in (first, second):
        stored = db.get(OutboxMessage, message.id)
        assert stored.status == "pending"
        assert stored.attempts == 1
        assert stored.last_error  # the reason officials see
        assert stored.next_attempt_at >= now + delivery.FIRST_RETRY

    mail_server.start()
    # Not due yet: nothing is sent before the backoff ends.
    assert delivery.deliver_due(session_factory, SmtpTransport(mail_server.url), settings) == 0
    later = lambda: utcnow() + dt.timedelta(minutes=2)  # noqa: E731
    assert (
        delivery.deliver_due(session_factory, SmtpTransport(mail_server.url), settings, later) == 2
    )
    assert (
        delivery.deliver_due(session_factory, SmtpTransport(mail_server.url), settings, later) == 0
    )
    assert sorted(m["To"] for m in mail_server.messages) == ["a@example.org", "b@example.org"]


def test_a_4xx_answer_is_retried_and_a_5xx_answer_fails(db, session_factory, mail_server):
    settings = settings_for(mail_server)
    message = queue(db, settings)
    mail_server.recorder.reply = "451 4.3.0 Mailbox busy, try later"
    delivery.deliver_due(session_factory, SmtpTransport(mail_server.url), settings)
    db.expire_all()
    stored = db.get(OutboxMessage, message.id)
    assert stored.status == "pending"
    assert stored.last_error.startswith("451")

    mail_server.recorder.reply = "550 5.1.1 No such mailbox"
    later = lambda: utcnow() + dt.timedelta(hours=2)  # noqa: E731
    delivery.deliver_due(session_factory, SmtpTransport(mail_server.url), settings, later)
    db.expire_all()
    stored = db.get(OutboxMessage, message.id)
    assert stored.status == "failed"
    assert stored.last_error.startswith("550")
    assert mail_server.messages == []


def test_a_day_of_temporary_failures_makes_a_message_failed(db, session_factory, mail_server):
    settings = settings_for(mail_server)
    message = queue(db, settings)
    mail_server.recorder.reply = "421 Service not available"
    start = utcnow()
    delivery.deliver_due(session_factory, SmtpTransport(mail_server.url), settings, lambda: start)
    db.expire_all()
    assert db.get(OutboxMessage, message.id).status == "pending"
    next_day = lambda: start + delivery.GIVE_UP_AFTER + dt.timedelta(minutes=1)  # noqa: E731
    delivery.deliver_due(session_factory, SmtpTransport(mail_server.url), settings, next_day)
    db.expire_all()
    assert db.get(OutboxMessage, message.id).status == "failed"


def test_backoff_grows_and_is_capped():
    assert delivery.retry_delay(1) == dt.timedelta(minutes=1)
    assert delivery.retry_delay(3) == dt.timedelta(minutes=4)
    assert delivery.retry_delay(30) == delivery.LONGEST_RETRY


def test_without_a_mail_server_messages_become_eml_files(db, session_factory, tmp_path):
    settings = settings_for(mail_folder=str(tmp_path / "mail"))
    message = queue(db, settings, to="eve@example.org")
    Worker(settings, session_factory).deliver()
    [name] = os.listdir(tmp_path / "mail")
    assert name.endswith(".eml")
    content = (tmp_path / "mail" / name).read_text()
    assert "To: eve@example.org" in content
    assert f"Message-ID: {message.message_id}" in content
    db.expire_all()
    assert db.get(OutboxMessage, message.id).delivered_to == name


def test_a_claimed_message_is_not_claimed_again_until_its_lease_ends(db, session_factory):
    settings = settings_for()
    message = queue(db, settings)
    now = utcnow()
    assert [m.id for m in delivery.claim_due(session_factory, now)] == [message.id]
    assert delivery.claim_due(session_factory, now) == []
    # The worker that claimed it died: after the lease it is due again, nothing is lost.
    again = delivery.claim_due(session_factory, now + delivery.LEASE + dt.timedelta(seconds=1))
    assert [m.id for m in again] == [message.id]


def test_smtp_urls_are_understood():
    plain = SmtpTransport("smtp://mail.example.org:2525")
    assert (plain.host, plain.port, plain.starttls, plain.implicit_tls) == (
        "mail.example.org",
        2525,
        False,
        False,
    )
    secured = SmtpTransport("smtp://me%40x.org:p%2Fss@mail.example.org:587?starttls=1")
    assert (secured.username, secured.password, secured.starttls) == ("me@x.org", "p/ss", True)
    implicit = SmtpTransport("smtps://mail.example.org")
    assert (implicit.port, implicit.implicit_tls) == (465, True)
    with pytest.raises(ValueError, match="PARTNERSTATE_SMTP_URL"):
        SmtpTransport("http://mail.example.org")


def test_folder_transport_writes_whole_files(tmp_path):
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["Message-ID"] = "<abc.1@example.org>"
    mail.set_content("hello")
    assert FolderTransport(str(tmp_path)).send(mail) == "abc.1@example.org.eml"
    assert [p.name for p in tmp_path.iterdir()] == ["abc.1@example.org.eml"]


def test_a_failing_task_does_not_stop_the_others_nor_delivery(db, session_factory, tmp_path):
    from partnerstate import worker as worker_module

    settings = settings_for(mail_folder=str(tmp_path))
    queue(db, settings)
    ran = []
    worker_module.broken_task = lambda *_args: 1 / 0
    worker_module.counting_task = lambda *_args: ran.append(1) or 1
    tasks = (
        worker_module.ScheduledTask("partnerstate.worker:broken_task", dt.timedelta(minutes=1)),
        worker_module.ScheduledTask("partnerstate.worker:counting_task", dt.timedelta(minutes=1)),
    )
    try:
        Worker(settings, session_factory, tasks=tasks).run_once(force=True)
    finally:
        del worker_module.broken_task, worker_module.counting_task
    assert ran == [1]
    assert len(os.listdir(tmp_path)) == 1  # the mail went out all the same
