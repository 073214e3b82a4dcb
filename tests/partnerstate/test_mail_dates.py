"""Dates in mails: the city's time zone and the recipient's language, as pages write them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from partnerstate import i18n, jobs
from partnerstate.database import utcnow
from partnerstate.mail import notices
from partnerstate.mail.render import render
from partnerstate.models import OutboxMessage
from tests import factories
from tests.partnerstate.test_mail_delivery import settings_for

# 23:30 on 6 December in UTC is already 00:30 on 7 December in Paris.
LATE = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC)
COMMON = {"link": "https://participate.example.org/x", "base_url": "https://participate.example.org",
          "site_name": "Ville"}  # fmt: skip


@pytest.mark.parametrize(
    ("locale", "local_day", "local_time"),
    [("en", "Dec 7, 2026", "12:30"), ("fr", "7 déc. 2026", "00:30")],
)
@pytest.mark.parametrize(
    ("template", "field"),
    [
        ("mail/vote_opened.jinja2", "closes_at"),
        ("mail/vote_reminder.jinja2", "closes_at"),
        ("mail/deliberation_opened.jinja2", "ends_at"),
    ],
)
def test_a_moment_is_written_in_the_city_s_day_and_the_reader_s_language(
    template, field, locale, local_day, local_time
):
    for value in (LATE.isoformat(), LATE, LATE.replace(tzinfo=None)):  # ISO text, aware, naive
        mail = render(
            template, locale, "Europe/Paris", title="Jardin", name="Ana", assembly="A",
            **{field: value}, **COMMON,
        )  # fmt: skip
        expected = i18n.datetime_text(LATE, locale, "Europe/Paris")
        assert expected in mail.html
        assert " ".join(expected.split()) in mail.text  # the text part has plain spaces
        assert local_day in expected and local_time in expected
        for utc_trace in ("UTC", "23:30", "11:30", "2026-12-06", "Dec 6", "6 déc."):
            assert utc_trace not in mail.text


def test_another_time_zone_moves_the_day_back(db):
    mail = render(
        "mail/vote_opened.jinja2", "en", "America/New_York", title="Jardin",
        closes_at=dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC).isoformat(), **COMMON,
    )  # fmt: skip
    assert "Dec 6, 2026" in mail.text and "9:00" in mail.text


def test_the_vote_opened_notice_through_the_worker_says_the_local_day(db, session_factory):
    reader = factories.make_user(db, email="lecteur@example.org")
    reader.locale = "fr"
    db.commit()
    notices.announce(
        db, kind="vote_opened", template="mail/vote_opened.jinja2",
        user_ids=[reader.id], path="/votes/1",
        params={"title": {"en": "A vote", "fr": "Un vote"}, "closes_at": LATE.isoformat()},
    )  # fmt: skip
    db.commit()
    jobs.run_due(session_factory, settings_for(timezone="Europe/Paris"), utcnow())
    mail = db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "vote_opened"))
    assert mail.locale == "fr"
    assert "7 déc. 2026" in mail.body_text and "00:30" in mail.body_text
    assert "UTC" not in mail.body_text and "6 déc." not in mail.body_text
