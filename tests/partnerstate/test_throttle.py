"""Login throttling: per account after a handful of failures, per address much later.

Unit tests call the service with an explicit ``now``; functional tests go through
the login page and ``POST /api/v1/tokens`` as an attacker would.
"""

from __future__ import annotations

import datetime as dt

import pytest

from partnerstate.database import utcnow
from partnerstate.models import LoginFailure
from partnerstate.services import throttle
from partnerstate.services.throttle import ThrottlePolicy
from tests import factories
from tests.conftest import csrf_token

POLICY = ThrottlePolicy(account_failures=5, address_failures=100, window_seconds=900)
HALL = "198.51.100.7"  # a city hall: many people behind one address


def _fail(db, email, address=HALL, times=1, at=None):
    """Record failures; ``at`` back-dates them (record_failure always uses now)."""
    for _ in range(times):
        if at is None:
            throttle.record_failure(db, email, address)
        else:
            db.add(LoginFailure(email=email.lower(), address=address, created_at=at))
    db.flush()


# --- the service -------------------------------------------------------------------------


def test_no_failures_no_wait(db):
    assert throttle.retry_after(db, POLICY, "a@example.org", HALL) is None


def test_four_failures_still_allowed(db):
    _fail(db, "a@example.org", times=4)
    assert throttle.retry_after(db, POLICY, "a@example.org", HALL) is None


def test_account_locked_after_five_failures(db):
    _fail(db, "a@example.org", times=5)
    wait = throttle.retry_after(db, POLICY, "a@example.org", HALL)
    assert wait is not None
    assert 0 < wait <= POLICY.window_seconds + 1


def test_account_lock_ignores_case_and_spaces(db):
    _fail(db, "A@Example.org", times=5)
    assert throttle.retry_after(db, POLICY, "  a@EXAMPLE.org ", HALL) is not None


def test_account_locked_from_every_address(db):
    """Spreading guesses over many addresses does not help against one account."""
    for n in range(5):
        _fail(db, "a@example.org", address=f"203.0.113.{n}")
    assert throttle.retry_after(db, POLICY, "a@example.org", "192.0.2.99") is not None


def test_other_accounts_from_the_same_address_stay_allowed(db):
    _fail(db, "victim@example.org", times=20)
    assert throttle.retry_after(db, POLICY, "victim@example.org", HALL) is not None
    assert throttle.retry_after(db, POLICY, "neighbour@example.org", HALL) is None


def test_address_locked_only_after_a_hundred_failures(db):
    # 99 failures spread over many accounts, so no single account is locked.
    for n in range(99):
        _fail(db, f"person{n % 33}@example.org")
    assert throttle.retry_after(db, POLICY, "someone@example.org", HALL) is None
    _fail(db, "person99@example.org")
    assert throttle.retry_after(db, POLICY, "someone@example.org", HALL) is not None
    # Another address is not affected.
    assert throttle.retry_after(db, POLICY, "someone@example.org", "192.0.2.1") is None


def test_success_clears_the_accounts_failures_but_not_the_addresss(db):
    _fail(db, "a@example.org", times=5)
    for n in range(95):
        _fail(db, f"other{n}@example.org")
    throttle.clear_account(db, "A@example.org")
    assert throttle.retry_after(db, POLICY, "a@example.org", "192.0.2.1") is None
    # The address keeps the 95 failures of the other accounts.
    count = db.query(LoginFailure).filter(LoginFailure.address == HALL).count()
    assert count == 95


def test_failures_expire_after_the_window(db):
    now = utcnow()
    _fail(db, "a@example.org", times=5, at=now - dt.timedelta(seconds=600))
    wait = throttle.retry_after(db, POLICY, "a@example.org", HALL, now=now)
    # The oldest failure leaves the window 300 seconds from now.
    assert wait is not None and 295 <= wait <= 302
    later = now + dt.timedelta(seconds=301)
    assert throttle.retry_after(db, POLICY, "a@example.org", HALL, now=later) is None


def test_only_failures_inside_the_window_count(db):
    now = utcnow()
    _fail(db, "a@example.org", times=3, at=now - dt.timedelta(seconds=1000))
    _fail(db, "a@example.org", times=4, at=now - dt.timedelta(seconds=10))
    assert throttle.retry_after(db, POLICY, "a@example.org", HALL, now=now) is None


def test_purge_removes_only_old_failures(db):
    now = utcnow()
    _fail(db, "old@example.org", at=now - dt.timedelta(days=2))
    _fail(db, "new@example.org")
    throttle.purge_older_than(db, 86400)
    emails = {f.email for f in db.query(LoginFailure)}
    assert emails == {"new@example.org"}


def test_long_inputs_are_cut_to_the_column_sizes(db):
    email, address = "x" * 400 + "@example.org", "2001:db8::" + "f" * 100
    throttle.record_failure(db, email, address)
    db.flush()
    assert throttle.retry_after(db, POLICY, email, address) is None


# --- the login page -----------------------------------------------------------------------


def _browser_login(app, email, password, status):
    token = csrf_token(app)
    return app.post(
        "/login", {"email": email, "password": password, "csrf_token": token}, status=status
    )


def test_login_page_locks_an_account_after_five_failures(app, member):
    for _ in range(5):
        _browser_login(app, member.email, "wrong wrong wrong", 400)
    # Even the right password is refused now: the attacker cannot tell it was right.
    page = _browser_login(app, member.email, factories.PASSWORD, 429)
    wait = int(page.headers["Retry-After"])
    assert 0 < wait <= 901
    assert "Too many failed attempts. Try again in 15 minutes." in page.text
    assert app.get("/profile").status_int == 303  # still not logged in


def test_login_lock_message_is_localized(app, member):
    app.set_cookie("_LOCALE_", "fr")
    for _ in range(5):
        _browser_login(app, member.email, "wrong wrong wrong", 400)
    page = _browser_login(app, member.email, "wrong wrong wrong", 429)
    assert 'lang="fr"' in page.text
    assert "Trop de tentatives échouées. Réessayez dans 15 minutes." in page.text
    assert "Retry-After" in page.headers


@pytest.mark.parametrize(
    ("wait", "english", "french"),
    [
        (40, "Try again in 1 minute.", "Réessayez dans 1 minute."),
        (150, "Try again in 3 minutes.", "Réessayez dans 3 minutes."),
    ],
)
def test_the_wait_is_said_in_singular_or_plural(app, member, monkeypatch, wait, english, french):
    monkeypatch.setattr(throttle, "retry_after", lambda *args: wait)
    assert english in _browser_login(app, member.email, "whatever", 429).text
    app.set_cookie("_LOCALE_", "fr")
    assert french in _browser_login(app, member.email, "whatever", 429).text


def test_a_successful_login_forgives_earlier_failures(app, member):
    for _ in range(4):
        _browser_login(app, member.email, "wrong wrong wrong", 400)
    _browser_login(app, member.email, factories.PASSWORD, 303)
    app.reset()
    for _ in range(4):
        _browser_login(app, member.email, "wrong wrong wrong", 400)
    _browser_login(app, member.email, factories.PASSWORD, 303)


def test_attacker_on_account_a_does_not_lock_account_b(app, db, member):
    other = factories.make_user(db, email="b@example.org")
    for _ in range(12):
        app.post_json(
            "/api/v1/tokens", {"email": member.email, "password": "guess guess"}, status=[401, 429]
        )
        app.reset()
        _browser_login(app, member.email, "guess guess guess", [400, 429])
    # Same address, another account: both doors still open.
    _browser_login(app, other.email, factories.PASSWORD, 303)
    app.post_json(
        "/api/v1/tokens", {"email": other.email, "password": factories.PASSWORD}, status=201
    )


def test_address_lock_blocks_every_account_from_that_address_only(app, db, member):
    address = app.extra_environ["REMOTE_ADDR"]
    for n in range(100):
        db.add(LoginFailure(email=f"guess{n}@example.org", address=address))
    db.commit()
    page = _browser_login(app, member.email, factories.PASSWORD, 429)
    assert int(page.headers["Retry-After"]) > 0
    elsewhere = app.__class__(
        app.app, extra_environ={**app.extra_environ, "REMOTE_ADDR": "203.0.113.200"}
    )
    _browser_login(elsewhere, member.email, factories.PASSWORD, 303)


# --- the token API --------------------------------------------------------------------------


def test_token_api_locks_an_account_after_five_failures(app, member):
    for _ in range(5):
        response = app.post_json(
            "/api/v1/tokens", {"email": member.email, "password": "wrong"}, status=401
        )
        assert response.json["error"]["code"] == "bad_credentials"
    response = app.post_json(
        "/api/v1/tokens", {"email": member.email, "password": factories.PASSWORD}, status=429
    )
    assert 0 < int(response.headers["Retry-After"]) <= 901
    assert response.content_type == "application/json"
    error = response.json["error"]
    assert error["code"] == "too_many_requests"
    assert error["message"] and error["fields"] == {}


def test_token_api_lock_message_is_localized(app, member):
    for _ in range(5):
        app.post_json("/api/v1/tokens", {"email": member.email, "password": "wrong"}, status=401)
    response = app.post_json(
        "/api/v1/tokens",
        {"email": member.email, "password": "wrong"},
        headers={"Accept-Language": "fr"},
        status=429,
    )
    assert response.json["error"]["message"] == "Trop de tentatives échouées ; réessayez plus tard."


def test_browser_and_api_failures_count_together(app, member):
    for _ in range(3):
        _browser_login(app, member.email, "wrong wrong wrong", 400)
    for _ in range(2):
        app.post_json("/api/v1/tokens", {"email": member.email, "password": "wrong"}, status=401)
    app.post_json(
        "/api/v1/tokens", {"email": member.email, "password": factories.PASSWORD}, status=429
    )


@pytest.mark.parametrize("email", ["nobody@example.org", "NOBODY@example.org"])
def test_unknown_accounts_are_throttled_like_real_ones(app, email):
    """The lock does not reveal whether an account exists."""
    for _ in range(5):
        app.post_json("/api/v1/tokens", {"email": email, "password": "wrong"}, status=401)
    app.post_json("/api/v1/tokens", {"email": email, "password": "wrong"}, status=429)
