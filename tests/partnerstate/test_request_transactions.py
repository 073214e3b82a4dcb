"""A request's writes commit when it succeeds and roll back when it fails, whatever wrote them.

The usual functional tests run every request inside the test's own transaction, so
they cannot see whether a request committed. This runs the real application on a
database file of its own. Table-level statements (SQLAlchemy Core, as the cast uses)
are the case zope.sqlalchemy does not notice by itself (partnerstate.database).
"""

from __future__ import annotations

import pytest
import webtest
from pyramid.httpexceptions import HTTPConflict
from sqlalchemy import func, insert, select

from partnerstate import make_configurator, migrate
from partnerstate.database import make_engine, make_session_factory, utcnow
from partnerstate.models import User
from partnerstate.settings import load_settings
from tests.conftest import app_settings


def _write(request):
    request.db.execute(
        insert(User.__table__).values(
            email=request.params["email"], display_name="Row", role="member", created_at=utcnow()
        )
    )


def _succeed(request):
    _write(request)
    return {"written": True}


def _fail(request):
    _write(request)
    raise HTTPConflict("refused after writing")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('transactions') / 'app.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    config = make_configurator(load_settings(app_settings(url), environ={}))
    for name, view in (("succeed", _succeed), ("fail", _fail)):
        config.add_route(f"test.{name}", f"/api/v1/test-{name}")
        config.add_view(
            view, route_name=f"test.{name}", request_method="POST", require_csrf=False,
            renderer="json",
        )  # fmt: skip
    wsgi = config.make_wsgi_app()
    yield webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"}), engine
    wsgi.registry["db_engine"].dispose()
    engine.dispose()


def _rows(engine, email):
    with make_session_factory(engine)() as db:
        return db.scalar(select(func.count()).where(User.email == email))


def test_table_level_writes_of_a_successful_request_are_committed(world):
    app, engine = world
    app.post("/api/v1/test-succeed?email=kept@example.org", status=200)
    assert _rows(engine, "kept@example.org") == 1


def test_writes_of_a_request_that_ends_in_an_error_are_rolled_back(world):
    app, engine = world
    app.post("/api/v1/test-fail?email=dropped@example.org", status=409)
    assert _rows(engine, "dropped@example.org") == 0
