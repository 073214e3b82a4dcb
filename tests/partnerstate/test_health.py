"""``/healthz``: 200 when the database answers, 503 when it does not."""

from __future__ import annotations

import pytest
import webtest

from partnerstate import main
from tests.conftest import TEST_SECRET


def test_healthy(app):
    response = app.get("/healthz")
    assert response.status_int == 200
    assert response.content_type == "application/json"
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_needs_no_login_and_no_cookie(app):
    response = app.get("/healthz")
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@127.0.0.1:1/nothing",  # nobody listens on port 1
        "sqlite:////nonexistent-directory/sub/partnerstate.sqlite",  # cannot be created
    ],
)
def test_database_down_is_503(url, caplog):
    wsgi = main({}, **{"partnerstate.database_url": url, "partnerstate.secret": TEST_SECRET})
    try:
        response = webtest.TestApp(wsgi).get("/healthz", status=503)
    finally:
        wsgi.registry["db_engine"].dispose()
    assert response.json["status"] != "ok"
    assert response.json["database"] != "ok"
    assert "health check: database unreachable" in caplog.text


def test_only_get(app):
    app.post("/healthz", status=405)
