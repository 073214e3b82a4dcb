"""Finding votes through the API: ``GET /api/v1/votes`` and a partnership's ``votes``."""

from __future__ import annotations

import pytest

from deliberation.votes import api as votes_api
from deliberation.votes import services
from tests.conftest import bearer
from tests.partnerstate.partnerships import helpers


def test_a_partnership_links_to_its_votes(app, db, partnership, vote):
    body = app.get(f"/api/v1/partnerships/{partnership.id}").json
    assert [(v["id"], v["status"], v["method"]) for v in body["votes"]] == [
        (vote.id, "open", "schulze")
    ]
    assert app.get(body["votes"][0]["api_url"]).json["id"] == vote.id
    assert body["charters"] == []


def test_a_partnership_without_a_vote_has_an_empty_list(app, db, partnership):
    body = app.get(f"/api/v1/partnerships/{partnership.id}").json
    assert body["votes"] == [] and body["charters"] == []


def test_list_votes_newest_first_with_filters(app, db, people, partnership, vote, election):
    def ids(query=""):
        return [item["id"] for item in app.get(f"/api/v1/votes{query}").json["items"]]

    assert ids() == [election.id, vote.id]
    assert ids(f"?partnership_id={partnership.id}") == [vote.id]
    assert ids(f"?assembly_id={people.assembly.id}") == [election.id, vote.id]
    assert ids(f"?assembly_id={people.assembly.id + 1}") == []
    assert ids("?status=open") == [election.id, vote.id]
    services.close_vote(db, election, people.official)
    db.commit()
    assert ids("?status=closed") == [election.id]
    assert ids(f"?status=open&assembly_id={people.assembly.id}") == [vote.id]


def test_list_items_say_what_each_vote_is(app, db, vote):
    item = app.get("/api/v1/votes").json["items"][0]
    assert item["id"] == vote.id and item["kind"] == "partnership"
    assert item["status"] == "open" and item["method"] == "schulze"
    assert item["partnership_id"] == vote.partnership_id
    assert item["url"].endswith(f"/votes/{vote.id}")


def test_the_list_is_paginated(app, db, people, monkeypatch):
    monkeypatch.setattr(votes_api, "VOTES_PAGE", 2)
    opened = [
        services.open_partnership_vote(
            db,
            helpers.make_partnership(
                db, people.official, people.assembly, people.commons, "deliberation"
            ),
            people.official,
        ).id
        for _ in range(3)
    ]
    db.commit()
    first = app.get(f"/api/v1/votes?assembly_id={people.assembly.id}").json
    assert [item["id"] for item in first["items"]] == opened[::-1][:2]
    assert "assembly_id=" in first["next"]
    second = app.get(first["next"]).json
    assert [item["id"] for item in second["items"]] == opened[:1]
    assert second["next"] is None


def test_signed_in_callers_see_the_same_list(app, db, people, vote):
    body = app.get("/api/v1/votes", headers=bearer(db, people.member)).json
    assert [item["id"] for item in body["items"]] == [vote.id]


@pytest.mark.parametrize(
    "query",
    [
        "status=pending",
        "status=",
        "assembly_id=x",
        "assembly_id=0",
        "assembly_id=-3",
        "partnership_id=99999999999999999999999",
        "assembly_id=1e400",
        "page=0",
        "page=abc",
    ],
)
def test_bad_filters_are_json_errors(app, query):
    response = app.get(f"/api/v1/votes?{query}", expect_errors=True)
    assert response.status_int in (400, 422)
    assert set(response.json["error"]) >= {"code", "message"}
