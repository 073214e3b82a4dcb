"""The OpenAPI path finder remembers its answers (partnerstate.api.RememberedPaths)."""

from __future__ import annotations

from partnerstate.api import RememberedPaths
from tests.conftest import bearer


def _finder(app):
    return app.app.registry.settings["pyramid_openapi3"]["request_validator"].path_finder


def test_validated_requests_find_their_operation_once(app, db, member):
    finder = _finder(app)
    assert isinstance(finder, RememberedPaths)
    finder.find.cache_clear()
    for _ in range(3):
        app.get("/api/v1/me", headers=bearer(db, member), status=200)
    info = finder.find.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_the_method_and_the_path_choose_the_remembered_operation(app):
    finder = _finder(app)
    url = "http://localhost/api/v1/commons"
    for _ in range(2):  # the second time from the cache
        listing, creating = finder.find("get", url), finder.find("post", url)
        assert listing.operation.parts == ("paths", "/api/v1/commons", "get")
        assert creating.operation.parts == ("paths", "/api/v1/commons", "post")
    one = finder.find("get", "http://localhost/api/v1/commons/{id}")
    assert one.operation.parts == ("paths", "/api/v1/commons/{id}", "get")


def test_remembered_operations_still_validate_each_request(app):
    # The same pattern and method, answered from the cache: the parameters are still
    # checked against that operation.
    app.get("/api/v1/commons?page=2", status=200)
    response = app.get("/api/v1/commons?page=abc", status=422)
    assert "page" in response.json["error"]["fields"]
    other = app.post_json("/api/v1/commons", {"name": "x"}, status=401)
    assert other.json["error"]["code"] == "unauthenticated"
