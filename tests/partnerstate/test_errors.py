"""Error pages and JSON errors: localized, no traceback, never a 500 for bad input."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import webtest
from sqlalchemy import func, select

from partnerstate import api, make_configurator
from partnerstate.models import User
from partnerstate.services import accounts
from partnerstate.settings import load_settings
from tests.conftest import app_settings

# --- 403 ------------------------------------------------------------------------------------


def test_anonymous_visitor_of_a_protected_page_is_sent_to_log_in(app):
    response = app.get("/audit")
    assert response.status_int == 303
    assert response.headers["Location"] == "http://localhost/login?next=%2Faudit"


def test_member_gets_a_403_page(member_app):
    page = member_app.get("/audit", status=403)
    assert "<h1>Not allowed</h1>" in page.text
    assert "Your account does not have permission to do this." in page.text


def test_member_gets_a_french_403_page(member_app):
    page = member_app.get("/audit?_LOCALE_=fr", status=403)
    assert '<html lang="fr" dir="ltr">' in page.text
    assert "<h1>Accès refusé</h1>" in page.text
    assert "Votre compte n’a pas la permission de faire cela." in page.text


def test_api_403_and_401_are_json(app, db, member):
    from tests.conftest import bearer

    # Creating an assembly is for officials: a member's token is known but not allowed.
    response = app.post_json(
        "/api/v1/assemblies",
        {"name": "A", "city": "B", "default_locale": "en"},
        headers=bearer(db, member),
        status=403,
    )
    assert response.json["error"]["code"] == "forbidden"
    response = app.post_json(
        "/api/v1/assemblies", {"name": "A", "city": "B", "default_locale": "en"}, status=401
    )
    assert response.json["error"]["code"] == "unauthenticated"


# --- 404 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/nowhere", "/login/extra", "/profile/tokens/abc/revoke"])
def test_404_page(app, path):
    page = app.get(path, status=404)
    assert page.content_type == "text/html"
    assert "<h1>Page not found</h1>" in page.text
    assert 'href="http://localhost/"' in page.text  # a way back home


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/votes/999999", "There is no vote with this number."),
        ("/commons/999999", "There is no commons with this number."),
        ("/assemblies/999999", "There is no assembly with this number."),
    ],
)
def test_a_404_page_says_what_is_missing(app, path, message):
    page = app.get(path, status=404)
    assert "<h1>Page not found</h1>" in page.text and message in page.text


@pytest.mark.parametrize("path", ["/nowhere", "/static/missing.css"])
def test_a_404_page_does_not_echo_the_address(app, path):
    page = app.get(path, status=404)
    assert "There is nothing at this address." in page.text


def test_404_json_under_api(app):
    response = app.get("/api/v1/nowhere", status=404)
    assert response.content_type == "application/json"
    assert response.json == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("POST", "/healthz", "GET, HEAD"), ("GET", "/profile/tokens", "POST")],
)
def test_a_page_asked_the_wrong_way_is_a_405_page_saying_so(app, method, path, allow):
    page = app.request(path, method=method, status=405, expect_errors=True)
    assert page.headers["Allow"] == allow
    assert "<h1>Not possible here</h1>" in page.text


def test_an_unknown_id_stays_a_404_whatever_the_method(app):
    app.post("/commons/999999/validate", status=404)


def test_revoking_someone_elses_or_an_unknown_token_changes_nothing(member_app):
    from tests.conftest import csrf_token

    response = member_app.post(
        "/profile/tokens/999999/revoke", {"csrf_token": csrf_token(member_app, "/profile")}
    )
    assert response.status_int == 302
    assert "revoked" not in response.follow().text


@pytest.mark.parametrize("token_id", ["2147483648", "99999999999999999999"])
def test_revoking_a_token_beyond_any_id_is_a_404(member_app, token_id):
    from tests.conftest import csrf_token

    # It was a 500: the number did not fit the database's integer.
    member_app.post(
        f"/profile/tokens/{token_id}/revoke",
        {"csrf_token": csrf_token(member_app, "/profile")},
        status=404,
    )


# --- 400 ------------------------------------------------------------------------------------


def test_csrf_failure_page_is_localized_and_plain(app):
    page = app.post("/login", {"email": "a@example.org", "password": "x"}, status=400)
    assert "<h1>The form has expired</h1>" in page.text
    assert "check_csrf_token" not in page.text
    french = app.post("/login?_LOCALE_=fr", {"email": "a@example.org"}, status=400)
    assert "<h1>Le formulaire a expiré</h1>" in french.text


@pytest.mark.parametrize(
    "path", ["/?q=%ff", "/login?next=%ff", "/%ff", "/?_LOCALE_=%C3%28", "/commons?q=%ff"]
)
def test_addresses_that_are_not_utf8_are_400_not_500(app, path):
    response = app.get(path, status=400)
    assert "not valid UTF-8" in response.text


@pytest.mark.parametrize("path", ["/api/v1/commons?q=%ff", "/api/v1/%ff"])
def test_api_addresses_that_are_not_utf8_are_400_json(app, path):
    response = app.get(path, status=400)
    assert response.json["error"]["code"] == "malformed"


def test_a_json_body_that_is_not_utf8_is_400(app):
    response = app.post(
        "/api/v1/tokens", b'{"email": "\xff"}', content_type="application/json", status=400
    )
    assert response.json["error"]["code"] == "malformed"


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("/api/v1/commons?page=abc", "page", "Not a valid value for this parameter."),
        ("/api/v1/partnerships?page=x", "page", "Not a valid value for this parameter."),
        ("/api/v1/commons?limit=0", "limit", "Must be at least 1."),
        ("/api/v1/commons?limit=100000", "limit", "Must be at most 100."),
    ],
)
def test_bad_query_parameters_are_422_naming_the_parameter(app, path, field, message):
    # Not 400 "body is not valid JSON": the body is not what is wrong.
    error = app.get(path, status=422).json["error"]
    assert error["code"] == "invalid" and error["fields"] == {field: message}


def test_bad_query_parameters_are_explained_in_french(app):
    error = app.get("/api/v1/commons?page=abc&_LOCALE_=fr", status=422).json["error"]
    assert error["fields"]["page"] != "Not a valid value for this parameter."


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (["x"], "body", "Expected an object."),
        ({"email": 3, "password": "a long password"}, "email", "Expected a text."),
    ],
)
def test_wrong_json_types_are_named_in_words(app, body, field, message):
    # Not jsonschema's English "['x'] is not of type 'object'", which no locale translates.
    error = app.post_json("/api/v1/tokens", body, status=422).json["error"]
    assert error["fields"][field] == message


def test_wrong_json_types_are_named_in_french(app):
    error = app.post_json("/api/v1/tokens?_LOCALE_=fr", ["x"], status=422).json["error"]
    assert error["fields"]["body"] == "Objet attendu."


@pytest.mark.parametrize(
    ("validator", "expected", "message"),
    [
        ("minLength", 1, "Must not be empty."),  # not "at least 1 characters"
        ("minLength", 3, "Too short: at least 3 characters."),
        ("type", ["integer", "null"], "Expected a whole number."),
        ("type", "null", "Invalid value."),
    ],
)
def test_schema_errors_in_words(validator, expected, message):
    error = SimpleNamespace(
        validator=validator, validator_value=expected, absolute_path=["reason"], message="raw"
    )
    field, described = api._describe(error)
    assert field == "reason"
    assert described.interpolate() == message


def test_utf8_addresses_work(app):
    assert app.get("/?q=%C3%A9t%C3%A9").status_int == 200


# --- 500 ------------------------------------------------------------------------------------


class Boom(RuntimeError):
    pass


def _explode(request):
    # Write something first: the error must roll it back.
    accounts.create_user(request.db, "half@example.org", "Half Made", "a long password!")
    request.db.flush()
    raise Boom("secret internals: /etc/partnerstate, password=hunter2")


@pytest.fixture(scope="module")
def exploding_wsgi_app(database_url, engine):
    """The real app plus two routes whose views raise, one page and one API."""
    settings = load_settings(app_settings(database_url), environ={})
    config = make_configurator(settings)
    config.add_route("test.boom", "/test-boom")
    config.add_view(_explode, route_name="test.boom", require_csrf=False)
    config.add_route("test.api_boom", "/api/v1/test-boom")
    config.add_view(_explode, route_name="test.api_boom", require_csrf=False, renderer="json")
    wsgi = config.make_wsgi_app()
    yield wsgi
    wsgi.registry["db_engine"].dispose()


@pytest.fixture
def exploding_app(exploding_wsgi_app, session_factory):
    registry = exploding_wsgi_app.registry
    original = registry["db_session_factory"]
    registry["db_session_factory"] = session_factory
    yield webtest.TestApp(exploding_wsgi_app, extra_environ={"HTTP_HOST": "localhost"})
    registry["db_session_factory"] = original


def test_500_page_is_localized_and_has_no_traceback(exploding_app, db, caplog):
    page = exploding_app.get("/test-boom", status=500)
    assert "<h1>Something went wrong</h1>" in page.text
    assert "Nothing you entered was saved" in page.text
    for leak in ("Traceback", "Boom", "hunter2", "/etc/partnerstate", "secret internals"):
        assert leak not in page.text
    # The details go to the log, for the operators.
    assert any("unhandled error on /test-boom" in r.getMessage() for r in caplog.records)
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_500_page_in_french(exploding_app):
    page = exploding_app.get("/test-boom?_LOCALE_=fr", status=500)
    assert '<html lang="fr" dir="ltr">' in page.text
    assert "<h1>Une erreur est survenue</h1>" in page.text
    assert "Rien de ce que vous avez saisi" in page.text
    assert "Traceback" not in page.text


def test_500_json_under_api(exploding_app, db):
    response = exploding_app.post_json("/api/v1/test-boom", {}, status=500)
    assert response.json == {
        "error": {
            "code": "server_error",
            "message": "Internal error. Nothing was saved.",
            "fields": {},
        }
    }
    assert "hunter2" not in response.text
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_500_responses_keep_the_security_headers(exploding_app):
    page = exploding_app.get("/test-boom", status=500)
    assert "frame-ancestors" in page.headers["Content-Security-Policy"]
