"""Mails in the recipient's language: headers, the HTML's lang and direction, the words.

One notice to an Arabic and a German reader: each gets it in their own language
(``Content-Language``, ``<html lang dir>``), with what users wrote picked in that
language, dates written the way that language writes them, and the fixed words from
that language's catalog (English only while the catalog lacks them).
"""

from __future__ import annotations

import datetime as dt

from partnerstate import i18n
from partnerstate.mail import notices, outbox
from partnerstate.mail.render import render
from partnerstate.worker import Worker
from tests import factories
from tests.catalogs import translated_msgids
from tests.partnerstate.test_mail_delivery import settings_for

CLOSES_AT = dt.datetime(2026, 12, 20, 17, 0, tzinfo=dt.UTC)
TITLE = {"en": "Library of things", "de": "Bibliothek der Dinge", "ar": "مكتبة الأشياء"}
SUBJECT_MSGID = "Voting is open: %(title)s"


def test_a_notice_reaches_an_arabic_and_a_german_reader_each_in_their_language(
    db, session_factory, mail_server
):
    arabic = factories.make_user(db, email="layla@example.org", name="Layla", locale="ar")
    german = factories.make_user(db, email="jonas@example.org", name="Jonas", locale="de")
    notices.announce(
        db,
        kind="vote_opened",
        template="mail/vote_opened.jinja2",
        user_ids=[arabic.id, german.id],
        path="/votes/7",
        params={"title": TITLE, "closes_at": CLOSES_AT.isoformat()},
        assembly_locale="fr",
    )
    db.commit()
    settings = settings_for(mail_server)
    Worker(settings, session_factory).run_once(force=True)
    mails = {mail["To"]: mail for mail in mail_server.messages}
    assert set(mails) == {"layla@example.org", "jonas@example.org"}

    for address, locale, direction in (
        ("layla@example.org", "ar", "rtl"),
        ("jonas@example.org", "de", "ltr"),
    ):
        mail = mails[address]
        assert mail["Content-Language"] == locale
        html = mail.get_body(("html",)).get_content()
        text = mail.get_body(("plain",)).get_content()
        assert f'<html lang="{locale}" dir="{direction}">' in html
        # The profile's address in the footer's sentence keeps its order.
        assert '<bdi dir="ltr">https://participate.example.org/profile</bdi>' in html
        assert "https://participate.example.org/profile" in text
        assert TITLE[locale] in mail["Subject"] and TITLE[locale] in text
        when = i18n.datetime_text(CLOSES_AT, locale, settings.timezone)
        assert " ".join(when.split()) in " ".join(text.split())
        # The fixed words: the catalog's, once it translates them.
        english = "Voting is open" in mail["Subject"]
        assert english == (SUBJECT_MSGID not in translated_msgids(locale)), mail["Subject"]


def test_an_address_stays_left_to_right_in_an_arabic_mail(db, session_factory):
    link = "https://participate.example.org/password-reset/abc"
    message = outbox.enqueue(
        db,
        settings_for(),
        kind="password_reset",
        to="layla@example.org",
        template="mail/password_reset.jinja2",
        locale="ar",
        name="Layla",
        link=link,
    )
    assert message.locale == "ar"
    assert f'<a href="{link}" dir="ltr">{link}</a>' in message.body_html
    english = render(
        "mail/password_reset.jinja2",
        "en",
        "Europe/Paris",
        name="L",
        link=link,
        base_url="",
        site_name="partnerstate",
    )
    assert '<html lang="en" dir="ltr">' in english.html
