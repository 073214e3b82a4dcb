"""Login throttling: guessing is slowed per (account, address) and per address, and a
browser that signed in to the account before (device cookie) keeps signing in.

Unit tests call the service with an explicit ``now``; functional tests go through the
login page, the password change and ``POST /api/v1/tokens`` as an attacker would, and
check both sides of each attack: the owner still signs in, the attacker is still slowed.
"""

from __future__ import annotations

import datetime as dt

import pytest
import webtest
from pyramid import testing
from sqlalchemy import select
from webob import Response

from partnerstate.database import utcnow
from partnerstate.models import LoginFailure
from partnerstate.services import throttle
from partnerstate.services.throttle import ThrottlePolicy
from partnerstate.settings import load_settings
from partnerstate.views import throttling
from tests import factories
from tests.conftest import TEST_SECRET, csrf_token, log_in

POLICY = ThrottlePolicy(
    account_failures=5, address_failures=300, window_seconds=900, delay_seconds=30
)
HALL = "198.51.100.7"  # a city hall: many people behind one address
ELSEWHERE = "203.0.113.200"
DEVICE = "0123456789abcdef0123456789abcdef"


def _fail(db, email, address=HALL, times=1, at=None, device=None):
    """Record failures; ``at`` back-dates them (record_failure always uses now)."""
    for _ in range(times):
        if at is None:
            throttle.record_failure(db, email, address, device)
        else:
            db.add(
                LoginFailure(
                    email=email.lower(),
                    address=throttle.network(address),
                    device=device,
                    created_at=at,
                )
            )
    db.flush()


# --- the service: per (account, address), growing waits ------------------------------------


def test_no_failures_no_wait(db):
    assert throttle.retry_after(db, POLICY, "a@example.org", HALL) is None


def test_four_failures_still_allowed(db):
    _fail(db, "a@example.org", times=4)
    assert throttle.retry_after(db, POLICY, "a@example.org", HALL) is None


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (4, 0), (5, 30), (6, 60), (7, 120), (8, 240), (9, 480), (10, 900), (10**6, 900)],
)
def test_the_wait_doubles_with_each_failure_up_to_the_window(failures, seconds):
    assert throttle.pair_wait(POLICY, failures) == dt.timedelta(seconds=seconds)


def test_the_wait_runs_from_the_pairs_latest_failure(db):
    now = utcnow()
    _fail(db, "a@example.org", times=4, at=now - dt.timedelta(seconds=100))
    _fail(db, "a@example.org", times=2, at=now - dt.timedelta(seconds=10))
    # Six failures: 60 seconds after the latest one, 10 seconds ago.
    wait = throttle.retry_after(db, POLICY, "a@example.org", HALL, now=now)
    assert wait is not None and 49 <= wait <= 51
    later = now + dt.timedelta(seconds=51)
    assert throttle.retry_after(db, POLICY, "a@example.org", HALL, now=later) is None


def test_the_pair_is_matched_without_case_or_spaces(db):
    _fail(db, "A@Example.org", times=5)
    assert throttle.retry_after(db, POLICY, "  a@EXAMPLE.org ", HALL) is not None


def test_an_attacker_elsewhere_does_not_slow_the_account_here(db):
    """Failures for one account from one address never block it from another address."""
    _fail(db, "official@example.org", address=ELSEWHERE, times=50)
    assert throttle.retry_after(db, POLICY, "official@example.org", ELSEWHERE) is not None
    assert throttle.retry_after(db, POLICY, "official@example.org", HALL) is None


def test_other_accounts_from_the_same_address_stay_allowed(db):
    _fail(db, "victim@example.org", times=20)
    assert throttle.retry_after(db, POLICY, "victim@example.org", HALL) is not None
    assert throttle.retry_after(db, POLICY, "neighbour@example.org", HALL) is None


def test_failures_leave_the_window(db):
    now = utcnow()
    _fail(db, "a@example.org", times=3, at=now - dt.timedelta(seconds=1000))
    _fail(db, "a@example.org", times=4, at=now - dt.timedelta(seconds=10))
    assert throttle.retry_after(db, POLICY, "a@example.org", HALL, now=now) is None


# --- per address ------------------------------------------------------------------------------


def test_an_address_is_slowed_only_after_a_budget_fit_for_a_nat(db):
    # 299 failures spread over many accounts, so no pair is slowed.
    for n in range(299):
        _fail(db, f"person{n % 100}@example.org")
    assert throttle.retry_after(db, POLICY, "someone@example.org", HALL) is None
    _fail(db, "person299@example.org")
    wait = throttle.retry_after(db, POLICY, "someone@example.org", HALL)
    assert wait is not None and wait <= POLICY.window_seconds + 1
    assert throttle.retry_after(db, POLICY, "someone@example.org", ELSEWHERE) is None


def test_ipv6_addresses_are_counted_by_their_64_network(db):
    for n in range(5):
        _fail(db, "a@example.org", address=f"2001:db8:1:2::{n + 1}")
    assert throttle.retry_after(db, POLICY, "a@example.org", "2001:db8:1:2:ffff::9") is not None
    assert throttle.retry_after(db, POLICY, "a@example.org", "2001:db8:1:3::1") is None


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("2001:db8::1", "2001:db8::/64"),
        ("unknown", "unknown"),
        ("x" * 100, "x" * 64),
    ],
)
def test_what_an_address_is_counted_as(address, counted_as):
    assert throttle.network(address) == counted_as


# --- device cookies ---------------------------------------------------------------------------


def test_a_trusted_device_is_exempt_from_the_pair_and_address_waits(db):
    _fail(db, "a@example.org", times=10)
    for n in range(300):
        _fail(db, f"guess{n}@example.org")
    assert throttle.retry_after(db, POLICY, "a@example.org", HALL) is not None
    assert throttle.retry_after(db, POLICY, "a@example.org", HALL, device=DEVICE) is None


def test_a_device_that_keeps_failing_loses_its_exemption(db):
    _fail(db, "a@example.org", times=4, device=DEVICE)
    assert throttle.retry_after(db, POLICY, "a@example.org", HALL, device=DEVICE) is None
    _fail(db, "a@example.org", device=DEVICE)
    assert throttle.retry_after(db, POLICY, "a@example.org", HALL, device=DEVICE) is not None


def test_a_success_forgives_the_pair_only(db):
    _fail(db, "a@example.org", times=5)
    _fail(db, "a@example.org", address=ELSEWHERE, times=5)
    _fail(db, "other@example.org", times=7)
    throttle.forgive(db, "A@example.org", HALL)
    assert throttle.retry_after(db, POLICY, "a@example.org", HALL) is None
    # The attacker elsewhere still waits; the address keeps the other account's failures.
    assert throttle.retry_after(db, POLICY, "a@example.org", ELSEWHERE) is not None
    count = db.query(LoginFailure).filter(LoginFailure.address == HALL).count()
    assert count == 7


def test_purge_removes_only_old_failures(db):
    now = utcnow()
    _fail(db, "old@example.org", at=now - dt.timedelta(days=2))
    _fail(db, "new@example.org")
    assert throttle.purge_older_than(db, 86400) == 1
    emails = {f.email for f in db.query(LoginFailure)}
    assert emails == {"new@example.org"}


def test_long_inputs_are_cut_to_the_column_sizes(db):
    email, address = "x" * 400 + "@example.org", "2001:db8::" + "f" * 100
    throttle.record_failure(db, email, address, "d" * 100)
    db.flush()
    assert throttle.retry_after(db, POLICY, email, address, device="d" * 100) is None


# --- the device cookie itself -------------------------------------------------------------------


def _request(cookie=None, environment="testing"):
    request = testing.DummyRequest()
    settings = load_settings({"partnerstate.secret": TEST_SECRET}, environ={})
    request.registry["partnerstate.settings"] = settings.__class__(
        **{**settings.__dict__, "environment": environment}
    )
    if cookie is not None:
        request.cookies[throttling.DEVICE_COOKIE] = cookie
    return request


def _issued(request, email):
    response = Response()
    throttling.remember_device(request, response, email)
    header = response.headers["Set-Cookie"]
    return header, header.split(";")[0].split("=", 1)[1]


def test_the_device_cookie_is_per_account_and_keeps_its_nonce():
    header, value = _issued(_request(), "Owner@example.org")
    nonce = throttling.device_for(_request(value), "owner@example.org")
    assert nonce and len(nonce) == 32
    assert throttling.device_for(_request(value), "someone.else@example.org") is None
    # Signing in again (to another account too) keeps this account's nonce.
    _header, value = _issued(_request(value), "colleague@example.org")
    assert throttling.device_for(_request(value), "owner@example.org") == nonce
    assert throttling.device_for(_request(value), "colleague@example.org") not in {None, nonce}


def test_the_device_cookie_names_no_email_and_is_httponly_samesite():
    header, value = _issued(_request(), "owner@example.org")
    assert "owner" not in value
    lowered = header.lower()
    assert "httponly" in lowered and "samesite=lax" in lowered and "max-age=31536000" in lowered
    assert "; secure" not in lowered
    header, _value = _issued(_request(environment="production"), "owner@example.org")
    assert "; secure" in header.lower()


@pytest.mark.parametrize(
    "mangle", [lambda v: v[:-2] + "xx", lambda v: "x" + v, lambda v: "", lambda v: "=" * 5000]
)
def test_a_forged_or_damaged_device_cookie_is_worth_nothing(mangle):
    _header, value = _issued(_request(), "owner@example.org")
    assert throttling.device_for(_request(mangle(value)), "owner@example.org") is None


def test_a_device_cookie_signed_with_another_secret_is_worth_nothing():
    other = _request()
    other.registry["partnerstate.settings"] = load_settings(
        {"partnerstate.secret": "another secret entirely"}, environ={}
    )
    _header, value = _issued(other, "owner@example.org")
    assert throttling.device_for(_request(value), "owner@example.org") is None


def test_an_old_device_cookie_expires(monkeypatch):
    _header, value = _issued(_request(), "owner@example.org")
    real = throttling.time.time()
    monkeypatch.setattr(throttling.time, "time", lambda: real + throttling.DEVICE_LIFETIME + 60)
    assert throttling.device_for(_request(value), "owner@example.org") is None


# --- the login page -----------------------------------------------------------------------


def _browser_login(app, email, password, status):
    token = csrf_token(app)
    return app.post(
        "/login", {"email": email, "password": password, "csrf_token": token}, status=status
    )


def _from(app, address):
    """A fresh browser (no cookies) at ``address``."""
    return webtest.TestApp(app.app, extra_environ={**app.extra_environ, "REMOTE_ADDR": address})


def test_the_owner_signs_in_while_an_attacker_hammers_the_account(app, member):
    """Attack 1: lock an official out before a vote by failing on their account."""
    attacker = _from(app, ELSEWHERE)
    for _ in range(5):
        _browser_login(attacker, member.email, "guess guess guess", 400)
    # The attacker is slowed: even the right password is refused, with a wait.
    page = _browser_login(attacker, member.email, factories.PASSWORD, 429)
    assert 0 < int(page.headers["Retry-After"]) <= 31
    assert "Too many failed attempts. Try again in 30 seconds." in page.text
    assert attacker.get("/profile").status_int == 303
    # The owner, at the city hall, signs in at once.
    owner = _from(app, HALL)
    _browser_login(owner, member.email, factories.PASSWORD, 303)
    assert owner.get("/profile").status_int == 200


def test_the_attackers_waits_grow(app, db, member):
    attacker = _from(app, ELSEWHERE)
    for _ in range(5):
        _browser_login(attacker, member.email, "guess guess guess", 400)
    # Age the failures past the first wait: one more guess is let through, then 60 s.
    for failure in db.scalars(select(LoginFailure)):
        failure.created_at -= dt.timedelta(seconds=31)
    db.commit()
    _browser_login(attacker, member.email, "guess guess guess", 400)
    page = _browser_login(attacker, member.email, "guess guess guess", 429)
    assert 55 <= int(page.headers["Retry-After"]) <= 61
    assert "Try again in 1 minute." in page.text


def test_a_browser_that_signed_in_before_keeps_signing_in_during_an_attack(app, member):
    """The attacker shares the owner's address (the city hall's NAT) and account."""
    owner = _from(app, HALL)
    log_in(owner, member.email)
    owner.post("/logout", {"csrf_token": csrf_token(owner, "/logout")}, status=303)
    assert owner.cookies.get(throttling.DEVICE_COOKIE)
    attacker = _from(app, HALL)
    for _ in range(5):
        _browser_login(attacker, member.email, "guess guess guess", 400)
    _browser_login(attacker, member.email, factories.PASSWORD, 429)
    _browser_login(owner, member.email, factories.PASSWORD, 303)
    assert owner.get("/profile").status_int == 200


def test_a_nat_under_attack_still_lets_known_browsers_sign_in(app, db, member):
    """Attack 2: failures from the city hall's one address, over many accounts."""
    owner = _from(app, HALL)
    log_in(owner, member.email)
    owner.post("/logout", {"csrf_token": csrf_token(owner, "/logout")}, status=303)
    for n in range(300):
        db.add(LoginFailure(email=f"guess{n}@example.org", address=HALL))
    db.commit()
    # The attacker (no device cookie for any of these accounts) is slowed...
    attacker = _from(app, HALL)
    page = _browser_login(attacker, "guess1@example.org", "guess guess guess", 429)
    assert int(page.headers["Retry-After"]) > 0
    # ...the owner's browser is not, and neither is anyone at another address.
    _browser_login(owner, member.email, factories.PASSWORD, 303)
    _browser_login(_from(app, ELSEWHERE), member.email, factories.PASSWORD, 303)


def test_a_device_cookie_for_one_account_does_not_exempt_another(app, db, member):
    other = factories.make_user(db, email="b@example.org")
    browser = _from(app, HALL)
    log_in(browser, member.email)
    for _ in range(5):
        _browser_login(browser, other.email, "guess guess guess", 400)
    _browser_login(browser, other.email, factories.PASSWORD, 429)


def test_a_device_cookie_still_counts_its_failures(app, member):
    """A stolen device cookie buys a few guesses, not endless ones."""
    browser = _from(app, HALL)
    log_in(browser, member.email)
    for _ in range(5):
        _browser_login(browser, member.email, "guess guess guess", 400)
    _browser_login(browser, member.email, factories.PASSWORD, 429)


def test_a_forged_device_cookie_exempts_nothing(app, member):
    browser = _from(app, HALL)
    log_in(browser, member.email)
    forged = browser.cookies[throttling.DEVICE_COOKIE][:-3] + "abc"
    attacker = _from(app, HALL)
    attacker.set_cookie(throttling.DEVICE_COOKIE, forged)
    for _ in range(5):
        _browser_login(attacker, member.email, "guess guess guess", 400)
    _browser_login(attacker, member.email, factories.PASSWORD, 429)


def test_login_lock_message_is_localized(app, member, monkeypatch):
    monkeypatch.setattr(throttle, "retry_after", lambda *args, **kwargs: 900)
    app.set_cookie("_LOCALE_", "fr")
    page = _browser_login(app, member.email, "wrong wrong wrong", 429)
    assert 'lang="fr"' in page.text
    assert "Trop de tentatives échouées. Réessayez dans 15 minutes." in page.text
    assert page.headers["Retry-After"] == "900"


@pytest.mark.parametrize(
    ("wait", "english", "french"),
    [
        (60, "Try again in 1 minute.", "Réessayez dans 1 minute."),
        (150, "Try again in 3 minutes.", "Réessayez dans 3 minutes."),
    ],
)
def test_the_wait_is_said_in_singular_or_plural(app, member, monkeypatch, wait, english, french):
    monkeypatch.setattr(throttle, "retry_after", lambda *args, **kwargs: wait)
    assert english in _browser_login(app, member.email, "whatever", 429).text
    app.set_cookie("_LOCALE_", "fr")
    assert french in _browser_login(app, member.email, "whatever", 429).text


@pytest.mark.parametrize(("wait", "english"), [(1, "in 1 second."), (30, "in 30 seconds.")])
def test_a_short_wait_is_said_in_seconds(app, member, monkeypatch, wait, english):
    monkeypatch.setattr(throttle, "retry_after", lambda *args, **kwargs: wait)
    assert english in _browser_login(app, member.email, "whatever", 429).text


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


# --- the password change --------------------------------------------------------------------------


def test_guessing_the_current_password_is_throttled_too(app, db, member):
    """Someone with a stolen session cannot try passwords endlessly on the profile."""
    log_in(app, member.email)
    before = db.get(type(member), member.id).password_hash

    def change(current, status):
        fields = {
            "current_password": current,
            "new_password": "a brand new long passphrase",
            "new_password_again": "a brand new long passphrase",
            "csrf_token": csrf_token(app, "/profile"),
        }
        return app.post("/profile/password", fields, status=status)

    for _ in range(5):
        change("guess guess guess", 422)
    page = change(factories.PASSWORD, 429)
    assert "Too many failed attempts." in page.text
    db.expire_all()
    assert db.get(type(member), member.id).password_hash == before


# --- the token API --------------------------------------------------------------------------


def test_token_api_slows_a_pair_after_five_failures(app, member):
    for _ in range(5):
        response = app.post_json(
            "/api/v1/tokens", {"email": member.email, "password": "wrong"}, status=401
        )
        assert response.json["error"]["code"] == "bad_credentials"
    response = app.post_json(
        "/api/v1/tokens", {"email": member.email, "password": factories.PASSWORD}, status=429
    )
    assert 0 < int(response.headers["Retry-After"]) <= 31
    assert response.content_type == "application/json"
    error = response.json["error"]
    assert error["code"] == "too_many_requests"
    assert error["message"] and error["fields"] == {}


def test_the_owners_script_gets_a_token_while_an_attacker_hammers_the_account(app, member):
    attacker = _from(app, ELSEWHERE)
    for _ in range(8):
        attacker.post_json(
            "/api/v1/tokens", {"email": member.email, "password": "wrong"}, status=[401, 429]
        )
    attacker.post_json(
        "/api/v1/tokens", {"email": member.email, "password": factories.PASSWORD}, status=429
    )
    _from(app, HALL).post_json(
        "/api/v1/tokens", {"email": member.email, "password": factories.PASSWORD}, status=201
    )


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
    """The wait does not reveal whether an account exists."""
    for _ in range(5):
        app.post_json("/api/v1/tokens", {"email": email, "password": "wrong"}, status=401)
    response = app.post_json("/api/v1/tokens", {"email": email, "password": "wrong"}, status=429)
    assert 0 < int(response.headers["Retry-After"]) <= 31
