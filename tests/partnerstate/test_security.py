"""Security: headers, cookies, CSRF on every unsafe browser request, who authenticates where."""

from __future__ import annotations

import re

import pytest
import webtest
from sqlalchemy import func, select

import partnerstate
from partnerstate.models import ApiToken, User
from partnerstate.services import accounts
from tests import factories
from tests.conftest import TEST_SECRET, bearer, csrf_token, log_in

SESSION_COOKIE = "partnerstate_session"


# --- headers ---------------------------------------------------------------------------


def _assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    }


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/language/fr?next=/"])
def test_pages_have_security_headers(app, path):
    _assert_security_headers(app.get(path))


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/openapi.json", 200),
        ("/api/v1/me", 401),
        ("/api/v1/nothing-here", 404),
        ("/healthz", 200),
        ("/no-such-page", 404),
    ],
)
def test_api_and_error_responses_have_security_headers(app, path, status):
    _assert_security_headers(app.get(path, status=status))


def test_logged_in_pages_have_security_headers(member_app):
    _assert_security_headers(member_app.get("/profile"))


def test_strict_transport_security_only_in_production(app, production_app):
    assert "Strict-Transport-Security" not in app.get("/").headers
    assert "max-age=" in production_app.get("/").headers["Strict-Transport-Security"]


# --- cookies ---------------------------------------------------------------------------


def _session_set_cookie(response) -> str:
    cookies = [c for c in response.headers.getall("Set-Cookie") if c.startswith(SESSION_COOKIE)]
    assert cookies, "the response set no session cookie"
    return cookies[-1]


def test_session_cookie_is_httponly_and_samesite_lax(app):
    cookie = _session_set_cookie(app.get("/login")).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    # Not in development or tests: the cookie must work over plain http://127.0.0.1.
    assert "; secure" not in cookie


def test_session_cookie_is_secure_in_production(production_app):
    cookie = _session_set_cookie(production_app.get("/login")).lower()
    assert "; secure" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_language_cookie_is_samesite(app):
    response = app.get("/language/fr", {"next": "/"})
    cookie = next(c for c in response.headers.getall("Set-Cookie") if c.startswith("_LOCALE_="))
    assert "samesite=lax" in cookie.lower()
    assert "; secure" not in cookie.lower()


def test_language_cookie_is_secure_in_production(production_app):
    response = production_app.get("/language/fr", {"next": "/"})
    cookie = next(c for c in response.headers.getall("Set-Cookie") if c.startswith("_LOCALE_="))
    assert "; secure" in cookie.lower()


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie: x=1", "/\nevil", "/\u3000x", "/\x7f"])
def test_a_next_address_that_cannot_be_a_header_goes_to_the_default(app, target):
    # These once ended in a 500 (WebOb refuses such a Location); now they are ignored.
    response = app.get("/language/fr", {"next": target}, status=303)
    assert response.headers["Location"] == "http://localhost/"


@pytest.fixture
def production_app(database_url, engine):
    """The app as `production.ini` builds it: production environment and a real secret."""
    wsgi = partnerstate.main(
        {},
        **{
            "partnerstate.database_url": database_url,
            "partnerstate.environment": "production",
            "partnerstate.secret": TEST_SECRET,
            "partnerstate.base_url": "https://localhost",
        },
    )
    yield webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
    wsgi.registry["db_engine"].dispose()


# --- CSRF: every unsafe browser request needs the token; nothing changes without it ----


def test_login_without_csrf_token_is_refused(app, member):
    app.get("/login")
    app.post("/login", {"email": member.email, "password": factories.PASSWORD}, status=400)
    # Still anonymous.
    assert app.get("/profile").status_int == 303


def test_login_with_a_forged_csrf_token_is_refused(app, member):
    app.get("/login")
    app.post(
        "/login",
        {"email": member.email, "password": factories.PASSWORD, "csrf_token": "forged"},
        status=400,
    )
    assert app.get("/profile").status_int == 303


def test_register_without_csrf_token_creates_nothing(app, db):
    app.get("/register")
    app.post(
        "/register",
        {
            "email": "new@example.org",
            "display_name": "New",
            "password": factories.PASSWORD,
            "locale": "en",
        },
        status=400,
    )
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_logout_without_csrf_token_keeps_the_session(member_app, member):
    member_app.post("/logout", {}, status=400)
    assert member.display_name in member_app.get("/profile").text


def test_profile_without_csrf_token_changes_nothing(member_app, db, member):
    member_app.post("/profile", {"display_name": "Hacked", "locale": "fr"}, status=400)
    db.expire_all()
    user = db.get(User, member.id)
    assert user.display_name == member.display_name
    assert user.locale != "fr"


def test_token_create_without_csrf_token_creates_nothing(member_app, db, member):
    member_app.post("/profile/tokens", {"label": "stolen"}, status=400)
    assert db.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_token_revoke_without_csrf_token_keeps_the_token(member_app, db, member):
    headers = bearer(db, member)
    token_id = db.scalar(select(ApiToken.id).where(ApiToken.user_id == member.id))
    member_app.post(f"/profile/tokens/{token_id}/revoke", {}, status=400)
    db.expire_all()
    assert db.get(ApiToken, token_id).revoked_at is None
    assert member_app.get("/api/v1/me", headers=headers).json["email"] == member.email


def test_csrf_failure_page_is_a_localized_page_not_a_traceback(app, member):
    app.set_cookie("_LOCALE_", "fr")
    page = app.post("/login", {"email": member.email, "password": "x"}, status=400)
    assert 'lang="fr"' in page.text
    assert "Traceback" not in page.text


def test_a_csrf_token_from_another_session_is_refused(app, member):
    other = webtest.TestApp(app.app, extra_environ=app.extra_environ)
    token = csrf_token(other)
    app.get("/login")
    app.post(
        "/login",
        {"email": member.email, "password": factories.PASSWORD, "csrf_token": token},
        status=400,
    )


def test_api_posts_need_no_csrf_token(app, member):
    response = app.post_json(
        "/api/v1/tokens", {"email": member.email, "password": factories.PASSWORD}, status=201
    )
    assert response.json["token"]


# --- who authenticates where ---------------------------------------------------------------


def test_session_cookie_does_not_authenticate_api_calls(member_app):
    """A logged-in browser cannot be driven to call the API: it needs a bearer token."""
    response = member_app.get("/api/v1/me", status=401)
    assert response.json["error"]["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_bearer_token_does_not_authenticate_pages(app, db, member):
    headers = bearer(db, member)
    response = app.get("/profile", headers=headers)
    assert response.status_int == 303
    assert "/login" in response.headers["Location"]
    assert member.display_name not in app.get("/", headers=headers).text


def test_bearer_token_authenticates_api_calls(app, db, member):
    assert app.get("/api/v1/me", headers=bearer(db, member)).json["email"] == member.email


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ps_not-a-real-token",
        "Bearer nothing-like-ours",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "ps_" + "x" * 300,
    ],
)
def test_bad_bearer_tokens_are_401(app, member, header):
    response = app.get("/api/v1/me", headers={"Authorization": header}, status=401)
    assert set(response.json["error"]) == {"code", "message", "fields"}


def test_revoked_token_is_401(app, db, member):
    token = factories.make_token(db, member)
    headers = {"Authorization": f"Bearer {token}"}
    app.get("/api/v1/me", headers=headers, status=200)
    token_id = db.scalar(select(ApiToken.id).where(ApiToken.user_id == member.id))
    assert accounts.revoke_token(db, member, token_id)
    db.commit()
    app.get("/api/v1/me", headers=headers, status=401)


def test_a_user_cannot_revoke_someone_elses_token(app, db, member):
    other = factories.make_user(db)
    headers = bearer(db, other)
    token_id = db.scalar(select(ApiToken.id).where(ApiToken.user_id == other.id))
    log_in(app, member.email)
    app.post(f"/profile/tokens/{token_id}/revoke", {"csrf_token": csrf_token(app, "/profile")})
    app.get("/api/v1/me", headers=headers, status=200)


# --- session fixation --------------------------------------------------------------------


def test_login_issues_a_new_session_and_csrf_token(app, member):
    """A session planted before login (e.g. by an attacker) is not the one that logs in."""
    before_token = csrf_token(app)
    before_cookie = app.cookies[SESSION_COOKIE]
    app.post(
        "/login",
        {"email": member.email, "password": factories.PASSWORD, "csrf_token": before_token},
        status=303,
    )
    after_cookie = app.cookies[SESSION_COOKIE]
    assert after_cookie != before_cookie
    assert csrf_token(app, "/profile") != before_token
    # The pre-login cookie still means an anonymous visitor.
    planted = webtest.TestApp(app.app, extra_environ=app.extra_environ)
    planted.set_cookie(SESSION_COOKIE, before_cookie)
    assert planted.get("/profile").status_int == 303


def test_logout_forgets_the_user(member_app, member):
    token = csrf_token(member_app, "/logout")
    member_app.post("/logout", {"csrf_token": token}, status=303)
    assert member_app.get("/profile").status_int == 303
    assert re.search(r"/login", member_app.get("/").text)


def test_a_visit_is_recorded_at_most_once_a_minute(app, db, member):
    import datetime as dt

    from tests.conftest import log_in

    log_in(app, member.email)
    app.get("/profile")
    db.expire_all()
    first = db.get(type(member), member.id).last_seen_at
    assert first is not None
    app.get("/profile")
    db.expire_all()
    assert db.get(type(member), member.id).last_seen_at == first
    # An hour later, the next request records the visit again.
    db.get(type(member), member.id).last_seen_at = first - dt.timedelta(hours=1)
    db.commit()
    app.get("/profile")
    db.expire_all()
    assert db.get(type(member), member.id).last_seen_at > first - dt.timedelta(hours=1)
