"""Notifications by mail and in-app: one job per event, fanned out by the worker, each
recipient as they chose; List-Unsubscribe one-click; the daily digest; the reminder."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from deliberation.services import arguments
from deliberation.votes import closing, notices, services
from partnerstate import jobs
from partnerstate.database import utcnow
from partnerstate.mail import digest
from partnerstate.mail import notices as core_notices
from partnerstate.models import Job, OutboxMessage
from partnerstate.worker import SCHEDULED_TASKS, Worker
from tests.conftest import bearer, csrf_token, log_in
from tests.partnerstate.test_mail_delivery import settings_for

HOUR = dt.timedelta(hours=1)
DIGEST_TASK = "partnerstate.mail.digest:send_daily"


def _rows(db, kind):
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == kind)
            .order_by(OutboxMessage.recipient)
        )
    )


def _fan_out(session_factory, settings=None):
    return jobs.run_due(session_factory, settings or settings_for(), utcnow())


def test_opening_a_vote_records_one_job_and_the_worker_tells_the_electorate(
    app, db, session_factory, people, partnership, mail_server
):
    people.member.locale = "fr"
    people.voter.email_notifications = "daily"
    people.facilitator.email_notifications = "off"
    db.commit()
    headers = bearer(db, people.facilitator)
    _fan_out(session_factory)  # the notice that the deliberation opened
    jobs_before = db.scalar(select(func.count()).select_from(Job))
    mails_before = db.scalar(select(func.count()).select_from(OutboxMessage))
    response = app.post_json(f"/api/v1/partnerships/{partnership.id}/vote", {}, headers=headers)
    vote_id = response.json["id"]
    # The request wrote one job, no mail: the worker fans it out.
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == mails_before
    assert db.scalar(select(func.count()).select_from(Job)) == jobs_before + 1

    settings = settings_for(mail_server)
    # Without the daily digest: after its hour (07:00 in the city) it would fold the daily
    # reader's notice into a digest before this looks (the digest has its own test below).
    fan_out_only = tuple(t for t in SCHEDULED_TASKS if t.target != DIGEST_TASK)
    Worker(settings, session_factory, tasks=fan_out_only).run_once(force=True)
    rows = {row.recipient: row.status for row in _rows(db, "vote_opened")}
    assert rows == {
        people.member.email: "sent",
        people.voter.email: "digest",
        people.facilitator.email: "in_app",
    }
    [mail] = [m for m in mail_server.messages if "/votes/" in m.get_body(("plain",)).get_content()]
    assert mail["To"] == people.member.email
    assert mail["Content-Language"] == "fr"
    unsubscribe = mail["List-Unsubscribe"]
    assert re.fullmatch(r"<https://participate\.example\.org/unsubscribe/[0-9a-f.]+>", unsubscribe)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        f"https://participate.example.org/votes/{vote_id}"
        in mail.get_body(("plain",)).get_content()
    )


def test_one_click_unsubscribe_works_without_signing_in(app, db, people, partnership):
    settings = app.app.registry["partnerstate.settings"]
    token = core_notices.unsubscribe_token(settings, people.member.id)
    # What a mail program sends (RFC 8058): no session, no CSRF token.
    response = app.post(
        f"/unsubscribe/{token}", "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert response.status_int == 200
    db.expire_all()
    assert people.member.email_notifications == "off"
    assert (
        "Stop notification mails"
        in app.get(f"/unsubscribe/{core_notices.unsubscribe_token(settings, people.voter.id)}").text
    )
    app.post(f"/unsubscribe/{people.member.id}.{'0' * 32}", status=404)
    app.get("/unsubscribe/nonsense", status=404)


def test_patch_me_changes_language_and_notifications(app, db, member):
    headers = bearer(db, member)
    response = app.patch_json(
        "/api/v1/me", {"locale": "fr", "email_notifications": "daily"}, headers=headers
    )
    assert response.status_int == 200
    assert (response.json["locale"], response.json["email_notifications"]) == ("fr", "daily")
    assert app.get("/api/v1/me", headers=headers).json["email_notifications"] == "daily"
    bad = app.patch_json(
        "/api/v1/me", {"email_notifications": "hourly"}, headers=headers, expect_errors=True
    )
    assert bad.status_int in (400, 422) and "error" in bad.json
    bad = app.patch_json("/api/v1/me", {"locale": "xx"}, headers=headers, status=422)
    assert "locale" in bad.json["error"]["fields"]
    app.patch_json("/api/v1/me", {"locale": "fr"}, status=401)


def test_the_profile_page_sets_notifications(app, db, member):
    log_in(app, member.email)
    token = csrf_token(app, "/profile")
    app.post(
        "/profile",
        {"display_name": "Mia", "locale": "en", "email_notifications": "off", "csrf_token": token},
        status=303,
    )
    db.expire_all()
    assert member.email_notifications == "off"


def test_the_daily_digest_is_sent_once_at_its_hour(db, session_factory, people, vote):
    for person in (people.member, people.voter):
        person.email_notifications = "daily"
    db.commit()
    notices.results_published(db, vote)
    notices.vote_opened(db, vote)
    db.commit()
    settings = settings_for()
    _fan_out(session_factory, settings)
    zone = ZoneInfo(settings.timezone)
    early = dt.datetime.combine(
        utcnow().astimezone(zone).date(), dt.time(digest.DIGEST_HOUR - 1), zone
    )
    assert digest.send_daily(session_factory, settings, early) == 0
    on_time = early + HOUR
    assert digest.send_daily(session_factory, settings, on_time) == 2
    assert digest.send_daily(session_factory, settings, on_time + HOUR) == 0
    digests = _rows(db, "daily_digest")
    assert [d.recipient for d in digests] == sorted([people.member.email, people.voter.email])
    assert f"/votes/{vote.id}" in digests[0].body_text
    assert digests[0].headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert {row.status for row in _rows(db, "vote_opened") if row.user_id == people.member.id} == {
        "in_app"
    }


def test_the_last_day_reminder_goes_only_to_those_who_have_not_voted(
    db, session_factory, people, partnership
):
    now = utcnow()
    vote = services.open_partnership_vote(
        db, partnership, people.facilitator, closes_at=now + 12 * HOUR, now=now - HOUR
    )
    services.cast_ballot(db, vote, people.member, [vote.options[0].id])
    db.commit()
    settings = settings_for()
    assert notices.remind_non_voters(session_factory, settings, now) == 1
    assert notices.remind_non_voters(session_factory, settings, now) == 0  # once
    _fan_out(session_factory, settings)
    recipients = {row.recipient for row in _rows(db, "vote_reminder")}
    assert recipients == {people.facilitator.email, people.voter.email}


def test_no_reminder_for_a_vote_closing_later(db, session_factory, people, partnership):
    services.open_partnership_vote(
        db, partnership, people.facilitator, closes_at=utcnow() + 48 * HOUR
    )
    db.commit()
    assert notices.remind_non_voters(session_factory, settings_for(), utcnow()) == 0


def test_a_vote_that_closes_itself_publishes_its_results_to_the_electorate(
    db, session_factory, people, partnership
):
    now = utcnow()
    vote = services.open_partnership_vote(
        db, partnership, people.facilitator, closes_at=now - HOUR, now=now - 2 * HOUR
    )
    db.commit()
    closing.close_due_votes(session_factory, settings_for(), now)
    _fan_out(session_factory)
    recipients = {row.recipient for row in _rows(db, "vote_results")}
    assert recipients == {people.facilitator.email, people.member.email, people.voter.email}
    assert all(f"/votes/{vote.id}" in row.link for row in _rows(db, "vote_results"))


def test_a_reply_tells_the_author_of_the_argument(db, session_factory, people, partnership):
    first = arguments.post(db, partnership, people.member, "We need this garden.", "for")
    arguments.post(db, partnership, people.member, "And more.", "for", parent_id=first.id)
    arguments.post(db, partnership, people.voter, "I disagree.", "against", parent_id=first.id)
    db.commit()
    _fan_out(session_factory)
    assert [row.recipient for row in _rows(db, "argument_reply")] == [people.member.email]


def test_opening_the_deliberation_tells_the_assemblys_participants(db, session_factory, people):
    from tests.partnerstate.partnerships import helpers

    helpers.make_partnership(db, people.official, people.assembly, people.commons, "deliberation")
    _fan_out(session_factory)
    recipients = {row.recipient for row in _rows(db, "deliberation_opened")}
    assert recipients == {
        people.facilitator.email,
        people.member.email,
        people.voter.email,
        people.observer.email,
    }


def test_a_large_audience_is_fanned_out_in_chunks_without_repeats(
    db, session_factory, people, vote, monkeypatch
):
    _fan_out(session_factory)  # the notice that the deliberation opened
    monkeypatch.setattr(core_notices, "CHUNK", 2)
    notices.vote_opened(db, vote)
    db.commit()
    assert _fan_out(session_factory) == 2  # two steps: 2 recipients, then 1
    assert len(_rows(db, "vote_opened")) == 3
    assert _fan_out(session_factory) == 0


def test_notices_are_listed_in_app(app, db, session_factory, people, vote):
    notices.vote_opened(db, vote)
    db.commit()
    _fan_out(session_factory)
    people.voter.email_notifications = "off"  # in-app whatever the mail choice
    db.commit()
    log_in(app, people.voter.email)
    page = app.get("/notifications")
    assert f'href="https://participate.example.org/votes/{vote.id}"' in page.text
    assert "Voting is open" in page.text
