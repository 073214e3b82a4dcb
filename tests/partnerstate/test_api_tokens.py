"""POST /api/v1/tokens, /api/v1/me, JSON errors, and the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openapi_spec_validator import validate
from pyramid.interfaces import IRoutesMapper
from pyramid.request import Request
from sqlalchemy import func, select

from partnerstate import database
from partnerstate.database import WRITES
from partnerstate.models import ApiToken
from partnerstate.services import accounts
from tests import factories
from tests.conftest import bearer

ERROR_KEYS = {"code", "message", "fields"}


def _error(response):
    assert response.content_type == "application/json"
    assert set(response.json) == {"error"}
    error = response.json["error"]
    assert set(error) == ERROR_KEYS
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error


# --- POST /api/v1/tokens -----------------------------------------------------------------


def test_token_for_email_and_password(app, db, member):
    response = app.post_json(
        "/api/v1/tokens", {"email": member.email, "password": factories.PASSWORD}, status=201
    )
    assert set(response.json) == {"token"}
    assert response.headers["Cache-Control"] == "no-store"
    token = response.json["token"]
    me = app.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json
    assert me["email"] == member.email
    assert me["role"] == "member"
    # Stored hashed: the token itself is nowhere in the table.
    assert db.scalar(select(func.count()).where(ApiToken.token_hash == token)) == 0


def test_email_is_matched_without_case(app, member):
    app.post_json(
        "/api/v1/tokens",
        {"email": member.email.upper(), "password": factories.PASSWORD},
        status=201,
    )


def test_official_gets_a_token_too(app, official):
    token = app.post_json(
        "/api/v1/tokens", {"email": official.email, "password": factories.PASSWORD}, status=201
    ).json["token"]
    me = app.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json
    assert me["role"] == "official"


@pytest.mark.parametrize(
    "body",
    [
        {"email": "member@example.org", "password": "wrong password"},
        {"email": "nobody@example.org", "password": factories.PASSWORD},
    ],
)
def test_wrong_credentials_are_401(app, db, member, body):
    response = app.post_json("/api/v1/tokens", body, status=401)
    error = _error(response)
    assert error["code"] == "bad_credentials"
    assert error["message"] == "Wrong email or password."
    assert db.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_wrong_credentials_message_in_french(app, member):
    response = app.post_json(
        "/api/v1/tokens",
        {"email": member.email, "password": "wrong password"},
        headers={"Accept-Language": "fr-CA,fr;q=0.9"},
        status=401,
    )
    assert _error(response)["message"] == "Adresse e-mail ou mot de passe incorrect."


def test_an_account_without_password_gets_no_token(app, db):
    from partnerstate.services import accounts

    accounts.create_user(db, "nopass@example.org", "No Password", None)
    db.commit()
    app.post_json(
        "/api/v1/tokens", {"email": "nopass@example.org", "password": ""}, status=[401, 422]
    )
    app.post_json(
        "/api/v1/tokens", {"email": "nopass@example.org", "password": "anything at all"}, status=401
    )


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b'{"email": "a@example.org", "password": ', b"\xff\xfe", b"[1, 2,"],
)
def test_malformed_json_is_400(app, raw):
    response = app.post("/api/v1/tokens", raw, content_type="application/json", status=400)
    assert _error(response)["code"] == "malformed"


def test_missing_fields_are_422_with_fields(app):
    response = app.post_json("/api/v1/tokens", {}, status=422)
    error = _error(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"email", "password"}
    assert error["fields"]["email"] == "This field is required."


def test_missing_field_message_in_french(app):
    response = app.post_json(
        "/api/v1/tokens", {"email": "a@example.org"}, headers={"Accept-Language": "fr"}, status=422
    )
    assert _error(response)["fields"] == {"password": "Ce champ est obligatoire."}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": 42, "password": "x" * 12}, "email"),
        ({"email": "a@example.org", "password": ["x"]}, "password"),
        ({"email": "a@example.org", "password": None}, "password"),
        ({"email": "a" * 400 + "@example.org", "password": "x" * 12}, "email"),
    ],
)
def test_invalid_fields_are_422(app, body, field):
    response = app.post_json("/api/v1/tokens", body, status=422)
    assert field in _error(response)["fields"]


def test_a_body_that_is_not_an_object_is_422(app):
    _error(app.post_json("/api/v1/tokens", ["a@example.org", "pw"], status=422))


def test_a_missing_body_is_422(app):
    _error(app.post("/api/v1/tokens", b"", content_type="application/json", status=422))


def test_a_form_encoded_body_is_refused(app, member):
    response = app.post(
        "/api/v1/tokens", {"email": member.email, "password": factories.PASSWORD}, status=422
    )
    assert "body" in _error(response)["fields"]


# --- /api/v1/me ------------------------------------------------------------------------------


def test_me_without_credentials_is_401(app):
    response = app.get("/api/v1/me", status=401)
    assert _error(response)["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_me_describes_the_user(app, db, member):
    me = app.get("/api/v1/me", headers=bearer(db, member)).json
    assert me == {
        "id": member.id,
        "email": member.email,
        "name": member.display_name,
        "role": "member",
        "locale": member.locale,
        "email_notifications": "immediate",
    }


# --- unknown paths and methods --------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/", "/api/v2/tokens", "/api/x"])
def test_unknown_api_path_is_404_json(app, path):
    assert _error(app.get(path, status=404))["code"] == "not_found"


def test_unknown_api_path_with_post_is_404_json_not_a_csrf_error(app):
    assert _error(app.post_json("/api/v1/nothing", {}, status=404))["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/api/v1/tokens", "POST"),
        ("DELETE", "/api/v1/tokens", "POST"),
        ("POST", "/api/v1/me", "GET, HEAD, PATCH"),
        ("PUT", "/api/v1/openapi.json", "GET, HEAD"),
    ],
)
def test_wrong_method_is_405_json_with_allow(app, method, path, allow):
    response = app.request(path, method=method, status=405, expect_errors=True)
    assert _error(response)["code"] == "method_not_allowed"
    assert response.headers["Allow"] == allow


# --- the OpenAPI document --------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec(wsgi_app):
    import webtest

    return webtest.TestApp(wsgi_app).get("/api/v1/openapi.json").json


def test_openapi_json_is_a_valid_openapi_3_document(spec):
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_openapi_yaml_is_served_too(app):
    response = app.get("/api/v1/openapi.yaml")
    assert "openapi:" in response.text


def _normalized(pattern: str) -> str:
    """``/commons/{id:\\d+}`` (a Pyramid route) → ``/commons/{id}`` (an OpenAPI path)."""
    return re.sub(r"\{(\w+)(:[^}]*)?\}", r"{\1}", pattern)


def test_every_api_route_is_in_the_openapi_document(wsgi_app, spec):
    routes = wsgi_app.registry.getUtility(IRoutesMapper).get_routes()
    api_paths = {
        _normalized(route.pattern)
        for route in routes
        if route.pattern.startswith("/api/v1")
        and route.pattern not in {"/api/v1/openapi.json", "/api/v1/openapi.yaml"}
    }
    assert api_paths, "no API routes found"
    missing = sorted(api_paths - set(spec["paths"]))
    assert not missing, f"API routes missing from openapi.yaml: {missing}"


def test_the_contracts_core_endpoints_are_documented(spec):
    assert "post" in spec["paths"]["/api/v1/tokens"]
    responses = spec["paths"]["/api/v1/tokens"]["post"]["responses"]
    assert {"201", "400", "401", "422", "429"} <= set(responses)


# --- the token's last use ------------------------------------------------------------------


def _last_used(db, token):
    db.expire_all()
    return db.scalar(select(ApiToken.last_used_at).where(ApiToken.prefix == token[:10]))


def test_last_use_is_recorded_at_most_once_a_minute(db, member):
    token = factories.make_token(db, member)
    assert _last_used(db, token) is None
    first = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)
    assert accounts.user_for_token(db, token, now=first).id == member.id
    assert _last_used(db, token) == first
    # Within the minute: the owner is found, nothing is written.
    soon = first + accounts.LAST_USE_PRECISION - dt.timedelta(seconds=1)
    assert accounts.user_for_token(db, token, now=soon).id == member.id
    assert _last_used(db, token) == first
    later = first + accounts.LAST_USE_PRECISION
    accounts.user_for_token(db, token, now=later)
    assert _last_used(db, token) == later


def test_a_last_use_in_the_future_is_corrected(db, member):
    token = factories.make_token(db, member)
    now = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)
    accounts.user_for_token(db, token, now=now + dt.timedelta(hours=1))  # a clock set wrong
    accounts.user_for_token(db, token, now=now)
    assert _last_used(db, token) == now


def test_a_revoked_or_unknown_token_finds_nobody(db, member):
    token = factories.make_token(db, member)
    record = db.scalar(select(ApiToken).where(ApiToken.prefix == token[:10]))
    assert accounts.revoke_token(db, member, record.id)
    assert accounts.user_for_token(db, token) is None
    assert accounts.user_for_token(db, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert accounts.user_for_token(db, "not-a-token") is None


def test_an_api_request_records_the_last_use(app, db, member):
    headers = bearer(db, member)
    token = headers["Authorization"].removeprefix("Bearer ")
    app.get("/api/v1/me", headers=headers)
    first = _last_used(db, token)
    assert first is not None
    app.get("/api/v1/me", headers=headers)
    assert _last_used(db, token) == first  # not written again within the minute


def test_a_transaction_begun_as_a_read_never_records_the_use(db, member):
    token = factories.make_token(db, member)
    db.info[WRITES] = False  # what request.db sets for a read on SQLite
    assert accounts.user_for_token(db, token).id == member.id
    assert _last_used(db, token) is None
    assert accounts.may_record_use(token)  # still due: the next writing request records it


def test_a_read_knows_before_it_begins_whether_the_use_is_due(db, member):
    token = factories.make_token(db, member)
    now = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)
    assert accounts.may_record_use(token, now)
    accounts.user_for_token(db, token, now=now)
    assert not accounts.may_record_use(token, now + dt.timedelta(seconds=30))
    assert accounts.may_record_use(token, now + accounts.LAST_USE_PRECISION)


@pytest.mark.parametrize(
    ("method", "authorization", "writes"),
    [
        ("GET", None, False),
        ("POST", None, True),
        ("DELETE", "Bearer ps_recent", True),
        ("GET", "Bearer ps_recent", False),
        ("GET", "Bearer ps_unused", True),
    ],
)
def test_which_requests_begin_as_writes(method, authorization, writes):
    now = database.utcnow()
    accounts._remember(accounts._digest("ps_recent"), now)
    request = Request.blank("/api/v1/me", method=method)
    if authorization:
        request.headers["Authorization"] = authorization
    assert database._writes(request) is writes


def test_the_memory_of_recorded_uses_stays_bounded(monkeypatch):
    monkeypatch.setattr(accounts, "_recorded", {})
    monkeypatch.setattr(accounts, "RECORDED_MAX", 3)
    now = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)
    accounts._remember("old", now - dt.timedelta(hours=1))
    accounts._remember("a", now)
    accounts._remember("b", now)
    accounts._remember("c", now)  # full: the old entry goes
    assert set(accounts._recorded) == {"a", "b", "c"}
    accounts._remember("d", now)  # full of recent entries: start again
    assert set(accounts._recorded) == {"d"}
