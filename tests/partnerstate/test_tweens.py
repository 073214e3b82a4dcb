"""The request guard: never a 500 for a body or a text no view can handle; bodies capped."""

from __future__ import annotations

import io

import pytest
import webtest
from sqlalchemy import func, select
from webob import Request

from partnerstate import main
from partnerstate.models import User
from tests.conftest import app_settings, bearer, csrf_token, log_in
from tests.partnerstate.partnerships import helpers

MIB = 1024 * 1024


def _raw(app, path, body, content_type, **environ):
    """A request as a client may send it, which WebTest would tidy up (a multipart boundary)."""
    request = Request.blank(path, method="POST", body=body, **environ)
    request.environ["CONTENT_TYPE"] = content_type
    request.environ.setdefault("HTTP_HOST", "localhost")
    return request.get_response(app.app)


# --- forms and JSON that cannot be read -------------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/register", "/commons/new"])
def test_a_multipart_form_without_a_boundary_is_a_400_page(app, path):
    response = _raw(app, path, b"--x\r\n\r\n", "multipart/form-data")
    assert response.status_int == 400
    assert response.content_type == "text/html"
    assert "The form could not be read." in response.text


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded; charset=latin-1",
        "multipart/form-data; charset=nope; boundary=x",
    ],
)
def test_a_form_in_another_charset_than_utf8_is_a_400_page(app, content_type):
    body = b'--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na\r\n--x--\r\n'
    response = _raw(app, "/login", body, content_type)
    assert response.status_int == 400
    assert "The form or the JSON body is not valid UTF-8." in response.text


@pytest.mark.parametrize("path", ["/api/v1/tokens", "/api/v1/commons"])
def test_a_multipart_api_body_without_a_boundary_is_a_400_json_error(app, path):
    response = _raw(app, path, b"x", "multipart/form-data; boundary=")
    assert response.status_int == 400
    assert response.json["error"]["code"] == "malformed"


@pytest.mark.parametrize(
    "body",
    [
        b'{"email": "\\ud800", "password": "a long password"}',
        b'{"email": "a@example.org", "password": "x\\udfff"}',
        b'{"\\ud800": 1}',
    ],
)
def test_a_lone_surrogate_in_json_is_400(app, body):
    response = app.post("/api/v1/tokens", body, content_type="application/json", status=400)
    assert response.json["error"] == {
        "code": "malformed",
        "message": "The JSON body holds an escaped character that is not text (a lone surrogate).",
        "fields": {},
    }


def test_a_surrogate_pair_is_text(app):
    body = b'{"email": "\\ud83c\\udf3b@example.org", "password": "a long password"}'
    app.post("/api/v1/tokens", body, content_type="application/json", status=401)


def test_a_lone_surrogate_saves_nothing(app, db, official):
    body = b'{"name": "\\ud800", "description": "d", "category": "food"}'
    headers = bearer(db, official)
    app.post("/api/v1/commons", body, content_type="application/json", headers=headers, status=400)


@pytest.mark.parametrize("depth", [1000, 100_000])
@pytest.mark.parametrize(("opening", "closing"), [(b"[", b"]"), (b'{"a":', b"}")])
def test_json_nested_too_deep_is_400(app, depth, opening, closing):
    body = opening * depth + b"1" + closing * depth
    response = app.post("/api/v1/tokens", body, content_type="application/json", status=400)
    assert response.json["error"]["message"] == "The JSON body is nested too deeply."


# --- NUL characters ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/commons?q=%00", "/commons?district=a%00b", "/commons/%00"])
def test_a_nul_in_an_address_is_a_400_page(app, path):
    page = app.get(path, status=400)
    assert "Text may not contain the NUL character." in page.text


def test_the_nul_page_is_in_the_visitors_language(app):
    page = app.get("/commons?q=%00&_LOCALE_=fr", status=400)
    assert '<html lang="fr" dir="ltr">' in page.text


@pytest.mark.parametrize(
    "path", ["/api/v1/commons?q=%00", "/api/v1/commons?district=%00", "/api/v1/commons?%00=1"]
)
def test_a_nul_in_an_api_query_is_400_json(app, path):
    error = app.get(path, status=400).json["error"]
    assert error == {
        "code": "malformed",
        "message": "Text may not contain the NUL character.",
        "fields": {},
    }


def test_a_nul_in_the_login_form_is_400(app):
    token = csrf_token(app)
    app.post(
        "/login", {"email": "a\x00@example.org", "password": "x", "csrf_token": token}, status=400
    )


def test_a_nul_in_the_registration_name_is_400_and_saves_nothing(app, db):
    token = csrf_token(app, "/register")
    form = {
        "email": "nul@example.org",
        "display_name": "Nul\x00Person",
        "password": "a long enough password",
        "csrf_token": token,
    }
    page = app.post("/register", form, status=400)
    assert "Text may not contain the NUL character." in page.text
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_a_nul_in_a_json_body_is_400(app, db, official):
    body = {"name": "Jardin\x00", "description": "d", "category": "food"}
    response = app.post_json("/api/v1/commons", body, headers=bearer(db, official), status=400)
    assert response.json["error"]["message"] == "Text may not contain the NUL character."
    body = {"email": "a\x00@example.org", "password": "a long password"}
    app.post_json("/api/v1/tokens", body, status=400)


def test_a_nul_in_a_comment_is_400(app, db, official):
    cast = helpers.make_cast(db, official)
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    app.post_json(
        f"/api/v1/partnerships/{partnership.id}/comments",
        {"body": "Yes\x00", "stance": "for"},
        headers=bearer(db, cast.member),
        status=400,
    )


# --- body caps --------------------------------------------------------------------------------


class CountingInput(io.BytesIO):
    """A request body that remembers how much of it was read."""

    def __init__(self, size):
        super().__init__(b"{" + b" " * (size - 2) + b"}")
        self.read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data

    def readline(self, size=-1):
        data = super().readline(size)
        self.read_bytes += len(data)
        return data


def test_an_anonymous_50_mib_json_body_is_413_unread(app):
    body = CountingInput(50 * MIB)
    request = Request.blank(
        "/api/v1/tokens",
        method="POST",
        environ={"wsgi.input": body, "CONTENT_LENGTH": str(50 * MIB)},
        content_type="application/json",
        headers={"Host": "localhost"},
    )
    response = request.get_response(app.app)
    assert response.status_int == 413
    assert response.json["error"] == {
        "code": "too_large",
        "message": "What you sent is too large.",
        "fields": {},
    }
    assert body.read_bytes == 0


def test_a_body_just_under_the_cap_is_read(app):
    body = b'{"email": "' + b"a" * (MIB - 100) + b'", "password": "x"}'
    response = app.post("/api/v1/tokens", body, content_type="application/json", status=422)
    assert "email" in response.json["error"]["fields"]


def test_a_body_without_a_length_is_read_no_further_than_the_cap(app):
    body = CountingInput(5 * MIB)
    request = Request.blank(
        "/api/v1/tokens",
        method="POST",
        environ={"wsgi.input": body, "wsgi.input_terminated": True},
        content_type="application/json",
        headers={"Host": "localhost"},
    )
    request.environ.pop("CONTENT_LENGTH", None)
    response = request.get_response(app.app)
    assert response.status_int == 413
    assert body.read_bytes <= MIB + 1


def test_an_oversized_form_is_a_413_page_in_the_visitors_language(app):
    token = csrf_token(app)
    form = {"email": "a" * (2 * MIB), "password": "x", "csrf_token": token}
    page = app.post("/login?_LOCALE_=fr", form, status=413)
    assert '<html lang="fr" dir="ltr">' in page.text
    assert "<h1>Trop volumineux</h1>" in page.text


@pytest.fixture(scope="module")
def capped_wsgi_app(database_url, engine):
    """The app with small caps: 4 KiB, 8 KiB on the routes that take a file."""
    ini = {**app_settings(database_url), "partnerstate.max_body_bytes": "4096"}
    ini["partnerstate.max_upload_bytes"] = "8192"
    wsgi = main({}, **ini)
    yield wsgi
    wsgi.registry["db_engine"].dispose()


@pytest.fixture
def capped_app(capped_wsgi_app, session_factory):
    registry = capped_wsgi_app.registry
    original = registry["db_session_factory"]
    registry["db_session_factory"] = session_factory
    yield webtest.TestApp(capped_wsgi_app, extra_environ={"HTTP_HOST": "localhost"})
    registry["db_session_factory"] = original


def test_the_caps_are_settings_and_upload_routes_take_more(capped_app, db, official):
    log_in(capped_app, official.email)
    assembly = helpers.make_assembly(db)
    token = csrf_token(capped_app, "/profile")
    form = {"csrf_token": token, "padding": "x" * 6000}
    # Over the ordinary cap, under the upload cap: the census route reads it and answers.
    response = capped_app.post(f"/assemblies/{assembly.id}/census", form, expect_errors=True)
    assert response.status_int not in (413, 500)
    capped_app.post(f"/assemblies/{assembly.id}/invitations", form, status=413)
    form["padding"] = "x" * 9000
    capped_app.post(f"/assemblies/{assembly.id}/census", form, status=413)
