"""Ids from outside: only those the database can hold reach it."""

from __future__ import annotations

import pytest

from partnerstate.ids import MAX_ID, is_id, parse_id
from tests.conftest import bearer
from tests.partnerstate.partnerships import helpers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), (str(MAX_ID), MAX_ID), (7, 7), (MAX_ID, MAX_ID)],
)
def test_ids_that_may_name_a_row(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.parametrize(
    "raw", ["0", "-1", "2147483648", str(2**63), "1e3", "١", "", None, 0, 2**31, 2**63, True, 1.0]
)
def test_ids_that_cannot(raw):
    assert parse_id(raw) is None
    assert not is_id(raw)


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
@pytest.mark.parametrize("name", ["commons_id", "assembly_id"])
def test_filtering_partnerships_by_an_impossible_id_finds_nothing(app, db, official, name, number):
    cast = helpers.make_cast(db, official)
    helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "deliberation")
    assert app.get(f"/api/v1/partnerships?{name}={number}").json == {"items": [], "next": None}


@pytest.mark.parametrize("number", [2**31, 2**63])
def test_drafting_with_impossible_ids_is_422(app, db, official, number):
    body = {
        "assembly_id": number,
        "commons_id": number,
        "title": "Tool library",
        "purpose": "Lend tools",
        "city_commitments": [{"kind": "space", "description": "A room"}],
        "commons_commitments": [{"description": "Open on Saturdays"}],
        "duration_months": 12,
    }
    response = app.post_json("/api/v1/partnerships", body, headers=bearer(db, official), status=422)
    assert set(response.json["error"]["fields"]) >= {"assembly_id", "commons_id"}


@pytest.mark.parametrize("number", [2**31, 2**63])
def test_replying_to_an_impossible_parent_is_422(app, db, official, number):
    cast = helpers.make_cast(db, official)
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    response = app.post_json(
        f"/api/v1/partnerships/{partnership.id}/comments",
        {"body": "Agreed.", "stance": "for", "parent_id": number},
        headers=bearer(db, cast.member),
        status=422,
    )
    assert "parent_id" in response.json["error"]["fields"]
