"""The partnerships API: drafting, reading, editing, opening deliberation, other moves."""

from __future__ import annotations

import pytest

from partnerstate.models import AuditEntry
from partnerstate.partnerships import vocabulary as vocab
from tests.conftest import bearer
from tests.partnerstate.partnerships import helpers


@pytest.fixture
def cast(db, official):
    return helpers.make_cast(db, official)


def draft_body(cast, **overrides):
    body = {
        "assembly_id": cast.assembly.id,
        "commons_id": cast.commons.id,
        "title": "Community garden at the tram depot",
        "purpose": "Grow food and friendship on unused municipal land.",
        "city_commitments": [
            {"kind": "space", "description": "The old tram depot, rent-free"},
            {"kind": "insurance", "description": "Civil liability insurance"},
            {"kind": "training", "description": "Safety training"},
        ],
        "commons_commitments": [{"description": "Open to everyone on Saturdays"}],
        "duration_months": 24,
    }
    body.update(overrides)
    return body


# --- drafting -----------------------------------------------------------------------------------


def test_an_official_drafts_a_partnership(app, db, cast):
    response = app.post_json(
        "/api/v1/partnerships", draft_body(cast), headers=bearer(db, cast.official), status=201
    )
    data = response.json
    assert data["status"] == "draft"
    assert isinstance(data["id"], int)
    assert data["title"] == "Community garden at the tram depot"
    assert [c["kind"] for c in data["city_commitments"]] == ["space", "insurance", "training"]
    assert [c["number"] for c in data["city_commitments"]] == [1, 2, 3]
    assert data["version"] == 1
    entry = db.query(AuditEntry).filter_by(action="partnership.draft").one()
    assert entry.object_id == str(data["id"]) and entry.actor_id == cast.official.id


def test_anyone_reads_a_partnership_with_its_status(app, db, cast):
    created = app.post_json(
        "/api/v1/partnerships", draft_body(cast), headers=bearer(db, cast.official)
    ).json
    app.post_json(
        f"/api/v1/partnerships/{created['id']}/deliberation", {}, headers=bearer(db, cast.official)
    )
    data = app.get(f"/api/v1/partnerships/{created['id']}").json
    assert data["status"] == "deliberation"
    assert data["commons_id"] == cast.commons.id and data["assembly_id"] == cast.assembly.id
    assert data["translations"]["title"] == {"en": "Community garden at the tram depot"}


def test_translated_texts_are_accepted_and_picked_by_language(app, db, cast):
    body = draft_body(cast, title={"en": "Garden pact", "fr": "Pacte du jardin"})
    created = app.post_json("/api/v1/partnerships", body, headers=bearer(db, cast.official)).json
    french = app.get(
        f"/api/v1/partnerships/{created['id']}",
        headers={"Accept-Language": "fr", **bearer(db, cast.official)},
    ).json
    assert french["title"] == "Pacte du jardin"


@pytest.mark.parametrize("who", ["member", "facilitator"])
def test_only_officials_draft(app, db, cast, who):
    response = app.post_json(
        "/api/v1/partnerships", draft_body(cast), headers=bearer(db, getattr(cast, who)), status=403
    )
    assert response.json["error"]["code"] == "forbidden"


def test_anonymous_drafting_is_401(app, cast):
    app.post_json("/api/v1/partnerships", draft_body(cast), status=401)


def test_the_commons_must_be_published(app, db, cast):
    proposed = helpers.make_commons(db, cast.official, published=False)
    response = app.post_json(
        "/api/v1/partnerships",
        draft_body(cast, commons_id=proposed.id),
        headers=bearer(db, cast.official),
        status=422,
    )
    assert "commons_id" in response.json["error"]["fields"]


@pytest.mark.parametrize("field", ["assembly_id", "commons_id"])
def test_unknown_assembly_or_commons(app, db, cast, field):
    response = app.post_json(
        "/api/v1/partnerships",
        draft_body(cast, **{field: 999999}),
        headers=bearer(db, cast.official),
        status=422,
    )
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "<script>alert(1)</script>"}, "title"),
        ({"city_commitments": [{"kind": "magic", "description": "x"}]}, "city_commitments.0.kind"),
        (
            {"city_commitments": [{"kind": "space", "description": ""}]},
            "city_commitments.0.description",
        ),
        ({"duration_months": 0}, "duration_months"),
        ({"type": "huge"}, "type"),
        ({"title": {"xx": "A title"}}, "title"),  # not a language
    ],
)
def test_bad_drafts_are_422_with_the_field_named(app, db, cast, overrides, field):
    response = app.post_json(
        "/api/v1/partnerships",
        draft_body(cast, **overrides),
        headers=bearer(db, cast.official),
        status=422,
    )
    assert field in response.json["error"]["fields"]


def test_missing_fields_are_422(app, db, cast):
    response = app.post_json(
        "/api/v1/partnerships", {"title": "x"}, headers=bearer(db, cast.official), status=422
    )
    assert {"assembly_id", "commons_id"} <= set(response.json["error"]["fields"])


def test_malformed_json_is_400(app, db, cast):
    app.post(
        "/api/v1/partnerships",
        "{not json",
        headers={**bearer(db, cast.official), "Content-Type": "application/json"},
        status=400,
    )


def test_unknown_partnership_is_404(app):
    app.get("/api/v1/partnerships/999999", status=404)


# --- editing and versions -----------------------------------------------------------------------


def test_an_official_edits_and_the_previous_text_is_kept(app, db, cast):
    headers = bearer(db, cast.official)
    pid = app.post_json("/api/v1/partnerships", draft_body(cast), headers=headers).json["id"]
    edited = app.patch_json(
        f"/api/v1/partnerships/{pid}",
        {"purpose": "Grow food, friendship and skills.", "note": "Skills"},
        headers=headers,
    ).json
    assert edited["version"] == 2 and edited["purpose"] == "Grow food, friendship and skills."
    versions = app.get(f"/api/v1/partnerships/{pid}/versions", headers=headers).json["items"]
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[1]["note"] == "Skills"
    first = app.get(f"/api/v1/partnerships/{pid}/versions/1", headers=headers).json
    assert first["purpose"] == "Grow food and friendship on unused municipal land."
    app.get(f"/api/v1/partnerships/{pid}/versions/9", headers=headers, status=404)


def test_an_edit_without_changes_makes_no_version(app, db, cast):
    headers = bearer(db, cast.official)
    pid = app.post_json("/api/v1/partnerships", draft_body(cast), headers=headers).json["id"]
    data = app.patch_json(
        f"/api/v1/partnerships/{pid}",
        {"title": "Community garden at the tram depot"},
        headers=headers,
    ).json
    assert data["version"] == 1


@pytest.mark.parametrize(
    ("who", "status"),
    # Facilitators read the draft but may not edit it; to others it does not exist.
    [("member", 404), ("facilitator", 403), ("outsider", 404)],
)
def test_only_officials_edit(app, db, cast, who, status):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    app.patch_json(
        f"/api/v1/partnerships/{partnership.id}",
        {"title": "Mine now"},
        headers=bearer(db, getattr(cast, who)),
        status=status,
    )


@pytest.mark.parametrize("status", ["voting", "adopted", "active", "closed"])
def test_the_text_is_frozen_once_voting_starts(app, db, cast, status):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, status)
    response = app.patch_json(
        f"/api/v1/partnerships/{partnership.id}",
        {"title": "Too late"},
        headers=bearer(db, cast.official),
        status=409,
    )
    assert response.json["error"]["fields"] == {"status": status}
    assert "can no longer change" in response.json["error"]["message"]


def test_the_text_can_change_during_deliberation(app, db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    data = app.patch_json(
        f"/api/v1/partnerships/{partnership.id}",
        {"duration_months": 36},
        headers=bearer(db, cast.official),
    ).json
    assert data["duration_months"] == 36 and data["version"] == 2


# --- opening deliberation -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["official", "facilitator"])
def test_officials_and_facilitators_open_deliberation(app, db, cast, who):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    response = app.post_json(
        f"/api/v1/partnerships/{partnership.id}/deliberation",
        {},
        headers=bearer(db, getattr(cast, who)),
    )
    assert response.json["status"] == "deliberation"
    assert response.json["deliberation_ends_at"]
    entry = db.query(AuditEntry).filter_by(action="partnership.transition").one()
    assert entry.details["from_status"] == "draft" and entry.details["to_status"] == "deliberation"
    assert entry.actor_id == getattr(cast, who).id


def test_opening_without_a_body(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    response = app.post(
        f"/api/v1/partnerships/{partnership.id}/deliberation", headers=bearer(db, cast.official)
    )
    assert response.json["status"] == "deliberation"


def test_opening_with_a_deadline(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    ends = helpers.later(5).replace(microsecond=0)
    response = app.post_json(
        f"/api/v1/partnerships/{partnership.id}/deliberation",
        {"ends_at": ends.isoformat()},
        headers=bearer(db, cast.official),
    )
    assert response.json["deliberation_ends_at"] == ends.isoformat()


@pytest.mark.parametrize(
    "ends_at", ["2001-01-01T00:00:00+00:00", "next tuesday", "2030-01-01T10:00:00"]
)
def test_bad_deadlines_are_422(app, db, cast, ends_at):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    response = app.post_json(
        f"/api/v1/partnerships/{partnership.id}/deliberation",
        {"ends_at": ends_at},
        headers=bearer(db, cast.official),
        status=422,
    )
    assert "ends_at" in response.json["error"]["fields"]


# A draft is not there for whoever may not read it: 404, as for an unknown number.
@pytest.mark.parametrize("who", ["member", "observer", "outsider"])
def test_others_may_not_open_deliberation(app, db, cast, who):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    app.post_json(
        f"/api/v1/partnerships/{partnership.id}/deliberation",
        {},
        headers=bearer(db, getattr(cast, who)),
        status=404,
    )


def test_anonymous_may_not_open_deliberation(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    app.post_json(f"/api/v1/partnerships/{partnership.id}/deliberation", {}, status=404)


def test_a_facilitator_of_another_assembly_may_not(app, db, cast):
    other = helpers.make_assembly(db, "Another assembly")
    helpers.add_member(db, other, cast.member, "facilitator")
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    app.post_json(
        f"/api/v1/partnerships/{partnership.id}/deliberation",
        {},
        headers=bearer(db, cast.member),
        status=404,
    )


@pytest.mark.parametrize(
    "status",
    ["deliberation", "voting", "adopted", "rejected", "no_quorum", "signed", "active", "closed"],
)
def test_opening_out_of_order_is_409_naming_the_state(app, db, cast, status):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, status)
    response = app.post_json(
        f"/api/v1/partnerships/{partnership.id}/deliberation",
        {},
        headers=bearer(db, cast.official),
        status=409,
    )
    error = response.json["error"]
    assert f"“{vocab.status_label(status).interpolate()}”" in error["message"]
    assert error["fields"]["status"] == status


def test_an_incomplete_draft_cannot_open(app, db, cast):
    body = draft_body(cast, city_commitments=[], commons_commitments=[], duration_months=None)
    pid = app.post_json("/api/v1/partnerships", body, headers=bearer(db, cast.official)).json["id"]
    response = app.post_json(
        f"/api/v1/partnerships/{pid}/deliberation",
        {},
        headers=bearer(db, cast.official),
        status=422,
    )
    assert {"city_commitments", "commons_commitments", "duration_months"} <= set(
        response.json["error"]["fields"]
    )


# --- other moves --------------------------------------------------------------------------------


def test_activate_then_close(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "signed")
    headers = bearer(db, cast.official)
    url = f"/api/v1/partnerships/{partnership.id}/transitions"
    assert (
        app.post_json(url, {"transition": "activate"}, headers=headers).json["status"] == "active"
    )
    response = app.post_json(url, {"transition": "close"}, headers=headers, status=422)
    assert "reason" in response.json["error"]["fields"]
    closed = app.post_json(
        url, {"transition": "close", "reason": "End of term"}, headers=headers
    ).json
    assert closed["status"] == "closed" and closed["closing_reason"] == "End of term"


def test_a_facilitator_may_not_activate(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "signed")
    app.post_json(
        f"/api/v1/partnerships/{partnership.id}/transitions",
        {"transition": "activate"},
        headers=bearer(db, cast.facilitator),
        status=403,
    )


def test_withdraw_and_reopen(app, db, cast):
    headers = bearer(db, cast.official)
    draft = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    response = app.post_json(
        f"/api/v1/partnerships/{draft.id}/transitions",
        {"transition": "withdraw", "reason": "The building is sold"},
        headers=headers,
    )
    assert response.json["status"] == "closed"
    failed = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "no_quorum")
    response = app.post_json(
        f"/api/v1/partnerships/{failed.id}/transitions",
        {"transition": "reopen_deliberation"},
        headers=bearer(db, cast.facilitator),
    )
    assert response.json["status"] == "deliberation"


def test_the_votes_moves_are_not_offered(app, db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    app.post_json(
        f"/api/v1/partnerships/{partnership.id}/transitions",
        {"transition": "start_voting"},
        headers=bearer(db, cast.official),
        status=422,
    )


def test_activate_out_of_order_names_the_state(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    response = app.post_json(
        f"/api/v1/partnerships/{partnership.id}/transitions",
        {"transition": "activate"},
        headers=bearer(db, cast.official),
        status=409,
    )
    assert "“Draft”" in response.json["error"]["message"]
    assert "(Activate)" in response.json["error"]["message"]


def test_moving_the_deadline(app, db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    ends = helpers.later(30).replace(microsecond=0)
    url = f"/api/v1/partnerships/{partnership.id}/deadline"
    data = app.post_json(
        url, {"ends_at": ends.isoformat()}, headers=bearer(db, cast.facilitator)
    ).json
    assert data["deliberation_ends_at"] == ends.isoformat()
    app.post_json(url, {"ends_at": ends.isoformat()}, headers=bearer(db, cast.member), status=403)


# --- lists --------------------------------------------------------------------------------------


def test_list_with_filters(app, db, cast):
    draft = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    open_ = helpers.make_partnership(db, cast.official, cast.assembly, status="deliberation")
    official = bearer(db, cast.official)
    listed = app.get("/api/v1/partnerships", headers=official).json["items"]
    assert {draft.id, open_.id} <= {item["id"] for item in listed}
    only = app.get("/api/v1/partnerships", {"status": "deliberation"}).json["items"]
    assert [item["id"] for item in only] == [open_.id]
    by_commons = app.get(
        "/api/v1/partnerships", {"commons_id": cast.commons.id}, headers=official
    ).json["items"]
    assert [item["id"] for item in by_commons] == [draft.id]
    app.get("/api/v1/partnerships", {"status": "nonsense"}, status=422)
