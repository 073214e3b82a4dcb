"""Password reset: a mailed single-use link, an hour long; no hint of who has an account."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from partnerstate.database import utcnow
from partnerstate.models import ApiToken, OutboxMessage, PasswordReset
from partnerstate.services import accounts, password_reset
from partnerstate.services.throttle import ThrottlePolicy
from partnerstate.worker import Worker
from tests import factories
from tests.conftest import bearer, csrf_token, log_in
from tests.partnerstate.test_mail_delivery import settings_for

LINK = re.compile(r"https://participate\.example\.org/password-reset/([A-Za-z0-9_-]+)")


def _mails(db):
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _token_from_last_mail(db):
    return LINK.search(_mails(db)[-1].body_text).group(1)


def test_the_owner_gets_a_mail_delivered_over_smtp(app, db, session_factory, mail_server):
    factories.make_user(db, email="rosa@example.org", name="Rosa", locale="fr")
    response = app.post_json("/api/v1/password-reset", {"email": "Rosa@Example.org"})
    assert response.status_int == 202
    Worker(settings_for(mail_server), session_factory).deliver()
    [mail] = mail_server.messages
    assert mail["To"] == "rosa@example.org"
    assert mail["Content-Language"] == "fr"
    assert mail["Message-ID"]
    text = mail.get_body(("plain",)).get_content()
    assert LINK.search(text)
    assert LINK.search(mail.get_body(("html",)).get_content())


def test_the_same_answer_for_an_address_without_an_account(app, db):
    factories.make_user(db, email="known@example.org")
    known = app.post_json("/api/v1/password-reset", {"email": "known@example.org"})
    unknown = app.post_json("/api/v1/password-reset", {"email": "nobody@example.org"})
    assert (known.status_int, known.json) == (unknown.status_int, unknown.json)
    assert [mail.recipient for mail in _mails(db)] == ["known@example.org"]


def test_the_link_sets_a_new_password_once(app, db):
    user = factories.make_user(db, email="ines@example.org")
    app.post_json("/api/v1/password-reset", {"email": "ines@example.org"})
    token = _token_from_last_mail(db)
    response = app.post_json(f"/api/v1/password-reset/{token}", {"password": "a brand new secret"})
    assert response.json == {"status": "changed"}
    db.expire_all()
    assert accounts.authenticate(db, user.email, "a brand new secret") is not None
    assert accounts.authenticate(db, user.email, factories.PASSWORD) is None
    again = app.post_json(
        f"/api/v1/password-reset/{token}", {"password": "another new secret"}, status=410
    )
    assert again.json["error"]["code"] == "gone"


def test_an_expired_or_unknown_link_is_refused_with_410(app, db):
    factories.make_user(db, email="old@example.org")
    app.post_json("/api/v1/password-reset", {"email": "old@example.org"})
    token = _token_from_last_mail(db)
    reset = db.scalar(select(PasswordReset).where(PasswordReset.user_id.is_not(None)))
    reset.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.commit()
    app.post_json(f"/api/v1/password-reset/{token}", {"password": "long enough pass"}, status=410)
    app.post_json("/api/v1/password-reset/nonsense", {"password": "long enough pass"}, status=410)
    app.get(f"/password-reset/{token}", status=410)


def test_the_link_expires_after_an_hour(db):
    user = factories.make_user(db, email="hour@example.org")
    settings = settings_for()
    now = utcnow()
    password_reset.request_reset(db, settings, ThrottlePolicy(), user.email, "192.0.2.1", now)
    token = _token_from_last_mail(db)
    assert password_reset.valid_reset(db, token, now + dt.timedelta(minutes=59)) is not None
    assert password_reset.valid_reset(db, token, now + dt.timedelta(minutes=61)) is None


def test_a_short_password_is_refused_and_the_link_still_works(app, db):
    factories.make_user(db, email="short@example.org")
    app.post_json("/api/v1/password-reset", {"email": "short@example.org"})
    token = _token_from_last_mail(db)
    response = app.post_json(f"/api/v1/password-reset/{token}", {"password": "short"}, status=422)
    assert "password" in response.json["error"]["fields"]
    app.post_json(f"/api/v1/password-reset/{token}", {"password": "now long enough"}, status=200)


def test_a_reset_ends_the_accounts_api_tokens(app, db):
    user = factories.make_user(db, email="tokens@example.org")
    headers = bearer(db, user)
    app.get("/api/v1/me", headers=headers, status=200)
    app.post_json("/api/v1/password-reset", {"email": user.email})
    app.post_json(
        f"/api/v1/password-reset/{_token_from_last_mail(db)}", {"password": "a fresh password"}
    )
    app.get("/api/v1/me", headers=headers, status=401)
    db.expire_all()
    assert (
        db.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None)))
        == 0
    )


def test_using_one_link_spends_the_others(app, db):
    factories.make_user(db, email="two@example.org")
    app.post_json("/api/v1/password-reset", {"email": "two@example.org"})
    first = _token_from_last_mail(db)
    app.post_json("/api/v1/password-reset", {"email": "two@example.org"})
    second = _token_from_last_mail(db)
    app.post_json(f"/api/v1/password-reset/{second}", {"password": "a fresh password"})
    app.post_json(f"/api/v1/password-reset/{first}", {"password": "another password"}, status=410)


def test_requests_are_throttled_like_logins(app, db):
    for _ in range(5):
        app.post_json("/api/v1/password-reset", {"email": "target@example.org"}, status=202)
    response = app.post_json("/api/v1/password-reset", {"email": "target@example.org"}, status=429)
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("body", [{}, {"email": ""}, {"email": "x" * 300}])
def test_a_malformed_request_is_refused_without_a_500(app, body):
    response = app.post_json("/api/v1/password-reset", body, expect_errors=True)
    assert response.status_int in (400, 422)
    assert "error" in response.json


# --- the pages ------------------------------------------------------------------------


def test_the_login_page_links_to_the_reset(app):
    assert 'href="http://localhost/password-reset"' in app.get("/login").text


def test_the_pages_reset_a_password_and_the_person_can_log_in(app, db):
    factories.make_user(db, email="page@example.org")
    token = csrf_token(app, "/password-reset")
    page = app.post("/password-reset", {"email": "page@example.org", "csrf_token": token})
    assert "a link to choose a new password is on its way" in page.text
    link = _token_from_last_mail(db)
    form_page = app.get(f"/password-reset/{link}")
    assert form_page.headers["Cache-Control"] == "no-store"
    token = csrf_token(app, f"/password-reset/{link}")
    response = app.post(
        f"/password-reset/{link}",
        {
            "password": "my new long password",
            "confirm": "my new long password",
            "csrf_token": token,
        },
    )
    assert response.status_int == 303
    log_in(app, "page@example.org", "my new long password")


def test_the_page_answers_the_same_for_an_unknown_address(app, db):
    token = csrf_token(app, "/password-reset")
    page = app.post("/password-reset", {"email": "ghost@example.org", "csrf_token": token})
    assert "a link to choose a new password is on its way" in page.text
    assert _mails(db) == []


def test_two_different_passwords_are_refused(app, db):
    factories.make_user(db, email="typo@example.org")
    app.post_json("/api/v1/password-reset", {"email": "typo@example.org"})
    link = _token_from_last_mail(db)
    token = csrf_token(app, f"/password-reset/{link}")
    page = app.post(
        f"/password-reset/{link}",
        {
            "password": "my new long password",
            "confirm": "my new long passwort",
            "csrf_token": token,
        },
        status=422,
    )
    assert "The two passwords differ." in page.text


def test_a_reset_ends_every_browser_session_of_the_account(app, db):
    user = factories.make_user(db, email="stolen@example.org")
    log_in(app, user.email)
    copied = app.cookies["partnerstate_session"]
    app.post_json("/api/v1/password-reset", {"email": user.email})
    app.post_json(
        f"/api/v1/password-reset/{_token_from_last_mail(db)}", {"password": "a fresh password"}
    )
    app.reset()
    app.set_cookie("partnerstate_session", copied)
    # Whoever holds a copy of the cookie is asked to sign in again.
    assert app.get("/profile").status_int == 303
