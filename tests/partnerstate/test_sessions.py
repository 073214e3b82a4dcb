"""Server-side sessions: a cookie copied before its session ended opens nothing afterwards.

Each attack replays a cookie taken from a signed-in browser, as someone who copied it
(a shared computer, a stolen backup) would.
"""

from __future__ import annotations

import datetime as dt

import webtest
from sqlalchemy import func, select

from partnerstate.database import utcnow
from partnerstate.models import ApiToken, User, UserSession
from partnerstate.services import accounts, passwords, sessions
from tests import factories
from tests.conftest import bearer, csrf_token, log_in

SESSION_COOKIE = "partnerstate_session"
NEW_PASSWORD = "a brand new long passphrase"


def _browser(app: webtest.TestApp) -> webtest.TestApp:
    """Another browser (its own cookie jar) on the same app and address."""
    return webtest.TestApp(app.app, extra_environ=app.extra_environ)


def _replay(app: webtest.TestApp, cookie: str) -> webtest.TestApp:
    thief = _browser(app)
    thief.set_cookie(SESSION_COOKIE, cookie)
    return thief


def _change_password(app, current=factories.PASSWORD, new=NEW_PASSWORD, again=None, **extra):
    fields = {
        "current_password": current,
        "new_password": new,
        "new_password_again": new if again is None else again,
        "csrf_token": csrf_token(app, "/profile"),
        **extra,
    }
    return app.post("/profile/password", fields, status="*")


# --- the service --------------------------------------------------------------------------


def test_a_session_finds_its_owner_and_ending_it_finds_nobody(db, member):
    session_id = sessions.start_session(db, member.id)
    assert sessions.user_for_session(db, session_id) == member
    sessions.end_session(db, session_id)
    assert sessions.user_for_session(db, session_id) is None


def test_only_a_digest_of_the_session_id_is_stored(db, member):
    session_id = sessions.start_session(db, member.id)
    stored = db.scalar(select(UserSession.token_hash))
    assert session_id not in stored and len(stored) == 64


def test_unknown_and_absurd_session_ids_find_nobody(db, member):
    sessions.start_session(db, member.id)
    assert sessions.user_for_session(db, "nothing-like-it") is None
    assert sessions.user_for_session(db, "x" * 10_000) is None
    assert sessions.user_for_session(db, "") is None


def test_end_sessions_ends_them_all_but_the_one_kept(db, member, official):
    kept = sessions.start_session(db, member.id)
    others = [sessions.start_session(db, member.id) for _ in range(2)]
    someone_elses = sessions.start_session(db, official.id)
    assert sessions.end_sessions(db, member.id, keep=kept) == 2
    assert sessions.user_for_session(db, kept) == member
    assert all(sessions.user_for_session(db, other) is None for other in others)
    assert sessions.user_for_session(db, someone_elses) == official
    assert sessions.end_sessions(db, member.id) == 1
    assert sessions.user_for_session(db, kept) is None


def test_a_session_expires_when_unused_and_each_visit_pushes_the_expiry_back(db, member):
    start = utcnow()
    session_id = sessions.start_session(db, member.id, now=start)
    near_end = start + sessions.SESSION_LIFETIME - dt.timedelta(hours=1)
    assert sessions.user_for_session(db, session_id, now=near_end) == member
    # That visit moved the expiry to near_end + the lifetime.
    later = start + sessions.SESSION_LIFETIME + dt.timedelta(days=1)
    assert sessions.user_for_session(db, session_id, now=later) == member
    unused = later + sessions.SESSION_LIFETIME + dt.timedelta(seconds=1)
    assert sessions.user_for_session(db, session_id, now=unused) is None


def test_a_visit_is_recorded_at_most_once_a_minute(db, member):
    start = utcnow()
    session_id = sessions.start_session(db, member.id, now=start)
    sessions.user_for_session(db, session_id, now=start + dt.timedelta(seconds=30))
    db.expire_all()
    assert db.scalar(select(UserSession.last_seen_at)) == start
    visit = start + dt.timedelta(minutes=2)
    sessions.user_for_session(db, session_id, now=visit)
    db.expire_all()
    assert db.scalar(select(UserSession.last_seen_at)) == visit


def test_purge_deletes_only_expired_sessions(db, member):
    start = utcnow()
    old = sessions.start_session(db, member.id, now=start - sessions.SESSION_LIFETIME * 2)
    live = sessions.start_session(db, member.id, now=start)
    assert sessions.purge_expired(db, now=start) == 1
    assert db.scalar(select(func.count()).select_from(UserSession)) == 1
    assert sessions.user_for_session(db, live, now=start) == member
    assert sessions.user_for_session(db, old, now=start) is None


def test_deleting_an_account_deletes_its_sessions(db, member):
    sessions.start_session(db, member.id)
    db.delete(db.get(User, member.id))
    db.flush()
    assert db.scalar(select(func.count()).select_from(UserSession)) == 0


# --- logging out -----------------------------------------------------------------------------


def test_a_cookie_copied_before_logout_no_longer_opens_the_profile(app, member):
    log_in(app, member.email)
    copied = app.cookies[SESSION_COOKIE]
    assert _replay(app, copied).get("/profile").status_int == 200
    app.post("/logout", {"csrf_token": csrf_token(app, "/logout")}, status=303)
    thief = _replay(app, copied)
    assert thief.get("/profile").status_int == 303
    assert thief.get("/api/v1/me", status=401)  # and the API never took cookies anyway


def test_logout_ends_only_that_browsers_session(app, member):
    log_in(app, member.email)
    laptop = _browser(app)
    log_in(laptop, member.email)
    app.post("/logout", {"csrf_token": csrf_token(app, "/logout")}, status=303)
    assert laptop.get("/profile").status_int == 200


def test_signing_in_again_ends_the_browsers_previous_session(app, db, member):
    log_in(app, member.email)
    copied = app.cookies[SESSION_COOKIE]
    log_in(app, member.email)
    assert app.get("/profile").status_int == 200
    assert _replay(app, copied).get("/profile").status_int == 303
    assert db.scalar(select(func.count()).where(UserSession.user_id == member.id)) == 1


def test_sign_in_opens_one_session_in_the_database(app, db, member):
    log_in(app, member.email)
    assert db.scalar(select(func.count()).where(UserSession.user_id == member.id)) == 1


# --- sign out everywhere ------------------------------------------------------------------------


def test_the_profile_says_on_how_many_browsers_one_is_signed_in(app, member):
    log_in(app, member.email)
    log_in(_browser(app), member.email)
    page = app.get("/profile")
    assert "You are signed in on 2 browsers or devices." in page.text
    assert "Sign out everywhere" in page.text


def test_sign_out_everywhere_ends_every_session_of_the_account(app, db, member, official):
    log_in(app, member.email)
    copied = app.cookies[SESSION_COOKIE]
    laptop = _browser(app)
    log_in(laptop, member.email)
    colleague = _browser(app)
    log_in(colleague, official.email)
    response = app.post(
        "/profile/sessions/end", {"csrf_token": csrf_token(app, "/profile")}, status=303
    )
    assert response.location.endswith("/login")
    assert "You were signed out everywhere" in response.follow().text
    assert app.get("/profile").status_int == 303
    assert laptop.get("/profile").status_int == 303
    assert _replay(app, copied).get("/profile").status_int == 303
    assert colleague.get("/profile").status_int == 200  # another account is not touched


def test_sign_out_everywhere_needs_a_csrf_token(app, member):
    log_in(app, member.email)
    app.post("/profile/sessions/end", {}, status=400)
    assert app.get("/profile").status_int == 200


def test_sign_out_everywhere_needs_a_signed_in_browser(app):
    response = app.post("/profile/sessions/end", {"csrf_token": csrf_token(app)})
    assert response.status_int == 303 and "/login" in response.location


# --- changing the password ------------------------------------------------------------------------


def test_changing_the_password_ends_every_other_session(app, db, member):
    log_in(app, member.email)
    copied_here = app.cookies[SESSION_COOKIE]
    laptop = _browser(app)
    log_in(laptop, member.email)
    copied = laptop.cookies[SESSION_COOKIE]
    response = _change_password(app)
    assert response.status_int == 303
    page = response.follow()
    assert "Your password was changed. You were signed out everywhere else" in page.text
    assert "your API tokens keep working" in page.text
    # This browser stays signed in (with a new session); the other one and copies are out.
    assert app.get("/profile").status_int == 200
    assert laptop.get("/profile").status_int == 303
    assert _replay(app, copied).get("/profile").status_int == 303
    assert _replay(app, copied_here).get("/profile").status_int == 303
    assert db.scalar(select(func.count()).where(UserSession.user_id == member.id)) == 1
    # The new password works, the old one no longer does.
    db.expire_all()
    assert accounts.authenticate(db, member.email, NEW_PASSWORD) is not None
    assert accounts.authenticate(db, member.email, factories.PASSWORD) is None
    assert db.get(User, member.id).password_hash.startswith("$argon2")


def test_api_tokens_keep_working_after_a_password_change_unless_revoked(app, db, member):
    headers = bearer(db, member)
    log_in(app, member.email)
    assert _change_password(app).status_int == 303
    app.get("/api/v1/me", headers=headers, status=200)
    response = _change_password(
        app, current=NEW_PASSWORD, new="yet another long passphrase", revoke_tokens="y"
    )
    assert response.status_int == 303
    assert "your API tokens were revoked" in response.follow().text
    app.get("/api/v1/me", headers=headers, status=401)
    db.expire_all()
    assert db.scalar(select(func.count()).where(ApiToken.revoked_at.is_(None))) == 0


def test_the_profile_says_what_happens_to_api_tokens(app, member):
    log_in(app, member.email)
    page = app.get("/profile")
    assert "Your API tokens keep working unless you tick the box to revoke them" in page.text
    assert 'name="revoke_tokens"' in page.text


def test_a_wrong_current_password_changes_nothing(app, db, member):
    log_in(app, member.email)
    laptop = _browser(app)
    log_in(laptop, member.email)
    before = db.get(User, member.id).password_hash
    response = _change_password(app, current="not my password at all")
    assert response.status_int == 422
    assert "This is not your current password." in response.text
    db.expire_all()
    assert db.get(User, member.id).password_hash == before
    assert laptop.get("/profile").status_int == 200


def test_the_new_password_follows_the_registration_rules(app, db, member):
    log_in(app, member.email)
    before = db.get(User, member.id).password_hash
    short = _change_password(app, new="short")
    assert short.status_int == 422
    assert "Use at least 12 characters." in short.text
    differ = _change_password(app, again="something else entirely")
    assert differ.status_int == 422
    assert "The two new passwords differ." in differ.text
    missing = _change_password(app, current="")
    assert missing.status_int == 422
    assert "This field is required." in missing.text
    db.expire_all()
    assert db.get(User, member.id).password_hash == before


def test_password_errors_are_in_the_users_language(app, member):
    log_in(app, member.email)
    app.set_cookie("_LOCALE_", "fr")
    response = _change_password(app, new="short")
    assert 'lang="fr"' in response.text
    assert "Utilisez au moins 12 caractères." in response.text


def test_changing_the_password_needs_a_csrf_token(app, db, member):
    log_in(app, member.email)
    before = db.get(User, member.id).password_hash
    app.post(
        "/profile/password",
        {
            "current_password": factories.PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
        status=400,
    )
    db.expire_all()
    assert db.get(User, member.id).password_hash == before


def test_changing_the_password_needs_a_signed_in_browser(app, db, member):
    fields = {
        "current_password": factories.PASSWORD,
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
        "csrf_token": csrf_token(app),
    }
    response = app.post("/profile/password", fields)
    assert response.status_int == 303 and "/login" in response.location
    db.expire_all()
    assert passwords.verify_password(db.get(User, member.id).password_hash, factories.PASSWORD)[0]
