"""The register's JSON API, as each role would use it (CONTRACT.md)."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from partnerstate.commons.models import Commons, CommonsRevision
from partnerstate.models import AuditEntry
from tests import factories
from tests.conftest import bearer, log_in
from tests.partnerstate.commons.helpers import FULL_BODY, make_commons, published


def _count(db) -> int:
    return db.scalar(select(func.count()).select_from(Commons))


# --- create ---------------------------------------------------------------------------


def test_member_proposes_a_commons(app, db, member):
    response = app.post_json(
        "/api/v1/commons",
        {"name": "Repair café", "description": "We fix things.", "category": "making_repair"},
        headers=bearer(db, member),
        status=201,
    )
    body = response.json
    assert body["status"] == "proposed"
    assert isinstance(body["id"], int)
    assert body["name"] == "Repair café"
    assert body["nature"] == "material"  # the domain's usual nature when none is given
    assert response.headers["Location"].endswith(f"/api/v1/commons/{body['id']}")
    commons = db.get(Commons, body["id"])
    assert commons.proposer_id == member.id
    assert commons.name == {"en": "Repair café"}


def test_official_entry_is_published_at_once_and_audited(app, db, official):
    response = app.post_json(
        "/api/v1/commons",
        {"name": "Open data portal", "description": "Data.", "category": "digital_data"},
        headers=bearer(db, official),
        status=201,
    )
    assert response.json["status"] == "published"
    assert response.json["nature"] == "digital"
    actions = db.scalars(select(AuditEntry.action)).all()
    assert actions == ["commons.validate"]


def test_create_with_every_field_round_trips(app, db, member):
    headers = bearer(db, member)
    created = app.post_json("/api/v1/commons", FULL_BODY, headers=headers, status=201).json
    record = app.get(f"/api/v1/commons/{created['id']}", headers=headers).json
    assert record["translations"]["name"] == FULL_BODY["name"]
    assert record["name"] == "Fives community garden"
    assert record["aliases"] == ["Le jardin des Fives"]
    assert record["established_on"] == "2016-04-01"
    assert (record["lat"], record["lon"]) == (50.6305, 3.0858)
    assert record["district"] == "Fives"
    assert record["ownership"] == "municipal"
    assert record["stewards"] == "Les Jardiniers de Fives"
    assert record["active_members"] == 35
    assert record["governance"]["decision_rule"] == "consent"
    assert record["governance"]["access"] == "open"
    assert record["governance"]["fees"] == "pay_what_you_can"
    assert record["governance"]["inclusion"] == "Raised beds reachable from a wheelchair."
    assert record["output_licence"] == "cc_by_sa"
    assert record["data_licence"] == "odbl"
    assert record["ostrom"]["boundaries"] == {"score": 3, "evidence": "A map of the plots."}
    assert record["ostrom"]["collective_choice"]["score"] == 2
    assert record["ostrom_score"] == 7


def test_record_in_french(app, db, member):
    headers = bearer(db, member)
    created = app.post_json("/api/v1/commons", FULL_BODY, headers=headers, status=201).json
    record = app.get(f"/api/v1/commons/{created['id']}?_LOCALE_=fr", headers=headers).json
    assert record["name"] == "Jardin partagé de Fives"
    assert record["ostrom"]["local_rules"]["evidence"] == "Tour d'arrosage."


def test_plain_string_is_stored_in_the_request_language(app, db, member):
    headers = {**bearer(db, member), "Accept-Language": "fr"}
    created = app.post_json(
        "/api/v1/commons",
        {"name": "Grainothèque", "description": "Des graines.", "category": "food"},
        headers=headers,
        status=201,
    ).json
    assert db.get(Commons, created["id"]).name == {"fr": "Grainothèque"}


def test_governance_may_be_a_plain_text(app, db, member):
    created = app.post_json(
        "/api/v1/commons",
        {
            "name": "Wifi",
            "description": "Mesh network.",
            "category": "digital_data",
            "governance": "Decisions by consensus at the monthly meeting.",
        },
        headers=bearer(db, member),
        status=201,
    ).json
    assert created["governance"]["description"] == "Decisions by consensus at the monthly meeting."


def test_anonymous_cannot_propose(app, db):
    body = {"name": "X", "description": "Y", "category": "food"}
    response = app.post_json("/api/v1/commons", body, status=401)
    assert response.json["error"]["code"] == "unauthenticated"
    assert _count(db) == 0


def test_bad_token_is_401(app, db):
    body = {"name": "X", "description": "Y", "category": "food"}
    app.post_json("/api/v1/commons", body, headers={"Authorization": "Bearer nope"}, status=401)


BASE = {"name": "X", "description": "Y", "category": "food"}
SCRIPT = "<script>alert(1)</script>"

BAD_BODIES = [
    ({"description": "Y", "category": "food"}, "name"),
    ({**BASE, "name": ""}, "name"),
    ({**BASE, "name": {"en": "  "}}, "name"),
    ({"name": "X", "category": "food"}, "description"),
    ({"name": "X", "description": "Y"}, "category"),
    ({**BASE, "category": "weapons"}, "category"),
    ({**BASE, "nature": "spiritual"}, "nature"),
    ({**BASE, "lat": 91, "lon": 3}, "lat"),
    ({**BASE, "lat": -90.5, "lon": 3}, "lat"),
    ({**BASE, "lat": 50, "lon": 181}, "lon"),
    ({**BASE, "lat": 50}, "lon"),
    ({**BASE, "lat": "north"}, "lat"),
    ({**BASE, "name": "x" * 201}, "name"),
    ({**BASE, "name": {"fr": "x" * 201}}, "name"),
    ({**BASE, "name": {"xx": "a"}}, "name"),  # not a language
    ({**BASE, "description": "y" * 10_001}, "description"),
    ({**BASE, "address": "a" * 301}, "address"),
    ({**BASE, "name": SCRIPT}, "name"),
    ({**BASE, "name": {"en": "ok", "fr": "<b>gras</b>"}}, "name"),
    ({**BASE, "description": "<img src=x onerror=alert(1)>"}, "description"),
    ({**BASE, "summary": "<i>x</i>"}, "summary"),
    ({**BASE, "district": "<b>"}, "district"),
    ({**BASE, "aliases": ["<a href=x>"]}, "aliases"),
    ({**BASE, "website": "javascript:alert(1)"}, "website"),
    ({**BASE, "contact_email": "nobody"}, "contact_email"),
    ({**BASE, "ownership": "private"}, "owner_consent"),
    ({**BASE, "active_members": -1}, "active_members"),
    ({**BASE, "established_on": "last year"}, "established_on"),
    ({**BASE, "ostrom": {"boundaries": {"score": 4}}}, "ostrom.boundaries.score"),
    ({**BASE, "ostrom": {"charisma": {"score": 1}}}, "ostrom"),
    (
        {**BASE, "ostrom": {"monitoring": {"score": 1, "evidence": SCRIPT}}},
        "ostrom.monitoring.evidence",
    ),
    ({**BASE, "governance": {"access": "vip"}}, "governance.access"),
    ({**BASE, "governance": {"rules_url": "ftp://x"}}, "governance.rules_url"),
    ({**BASE, "governance": SCRIPT}, "governance.description"),
    ({**BASE, "name": {"english": "X"}}, "name"),
    ({**BASE, "area": {"type": "Point"}}, "area"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(app, db, member, body, field):
    response = app.post_json("/api/v1/commons", body, headers=bearer(db, member), status=422)
    error = response.json["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert _count(db) == 0


def test_error_messages_are_translated(app, db, member):
    headers = {**bearer(db, member), "Accept-Language": "fr"}
    body = {"name": "<b>X</b>", "description": "Y", "category": "food"}
    response = app.post_json("/api/v1/commons", body, headers=headers, status=422)
    assert response.json["error"]["fields"]["name"] == "Le HTML n’est pas accepté ici."


def test_malformed_json_is_400(app, db, member):
    headers = {**bearer(db, member), "Content-Type": "application/json"}
    app.post("/api/v1/commons", "{not json", headers=headers, status=400)
    assert _count(db) == 0


def test_valid_area_polygon_is_kept(app, db, member):
    ring = [[3.08, 50.63], [3.09, 50.63], [3.09, 50.64], [3.08, 50.63]]
    body = {
        "name": "Park",
        "description": "A park.",
        "category": "green_public_space",
        "area": {"type": "Polygon", "coordinates": [ring]},
    }
    created = app.post_json("/api/v1/commons", body, headers=bearer(db, member), status=201).json
    assert created["area"]["coordinates"][0][0] == [3.08, 50.63]


def test_private_ownership_with_consent_is_accepted(app, db, member):
    body = {
        "name": "Courtyard",
        "description": "A lent courtyard.",
        "category": "green_public_space",
        "ownership": "private",
        "owner_consent": True,
        "owner_consent_on": "2024-03-01",
    }
    created = app.post_json("/api/v1/commons", body, headers=bearer(db, member), status=201).json
    assert created["owner_consent"] is True
    assert created["owner_consent_on"] == "2024-03-01"


# --- read -----------------------------------------------------------------------------


def test_anyone_reads_a_published_commons(app, db, member, official):
    commons = published(db, member, official)
    record = app.get(f"/api/v1/commons/{commons.id}").json
    assert record["status"] == "published"
    assert record["url"].endswith(f"/commons/{commons.id}")


def test_proposed_commons_is_hidden_from_others(app, db, member, official):
    commons = make_commons(db, member)
    app.get(f"/api/v1/commons/{commons.id}", status=401)
    stranger = factories.make_user(db)
    app.get(f"/api/v1/commons/{commons.id}", headers=bearer(db, stranger), status=403)
    app.get(f"/api/v1/commons/{commons.id}", headers=bearer(db, member), status=200)
    app.get(f"/api/v1/commons/{commons.id}", headers=bearer(db, official), status=200)


@pytest.mark.parametrize(
    "path", ["/api/v1/commons/999999", "/api/v1/commons/abc", "/api/v1/commons/0"]
)
def test_unknown_id_is_404(app, path):
    response = app.get(path, status=404)
    assert response.json["error"]["code"] == "not_found"


def test_unknown_id_is_404_for_every_action(app, db, official):
    headers = bearer(db, official)
    app.patch_json("/api/v1/commons/424242", {"name": "x"}, headers=headers, status=404)
    app.post_json("/api/v1/commons/424242/validate", {}, headers=headers, status=404)
    app.post_json("/api/v1/commons/424242/reject", {"reason": "x"}, headers=headers, status=404)


# --- list -----------------------------------------------------------------------------


def test_list_shows_only_published(app, db, member, official):
    public = published(db, member, official, name="Tool library")
    make_commons(db, member, name="Secret proposal")
    rejected = make_commons(db, member, name="Refused")
    app.post_json(
        f"/api/v1/commons/{rejected.id}/reject",
        {"reason": "No community."},
        headers=bearer(db, official),
    )
    body = app.get("/api/v1/commons").json
    assert [item["id"] for item in body["items"]] == [public.id]
    assert body["next"] is None
    assert [i["name"] for i in app.get("/api/v1/commons?status=rejected").json["items"]] == [
        "Refused"
    ]


def test_proposals_are_listed_to_officials_and_their_proposers_only(app, db, member, official):
    mine = make_commons(db, member, name="Mine")
    other = factories.make_user(db)
    make_commons(db, other, name="Theirs")
    assert app.get("/api/v1/commons?status=proposed").json["items"] == []
    as_member = app.get("/api/v1/commons?status=proposed", headers=bearer(db, member)).json
    assert [i["id"] for i in as_member["items"]] == [mine.id]
    as_official = app.get("/api/v1/commons?status=proposed", headers=bearer(db, official)).json
    assert sorted(i["name"] for i in as_official["items"]) == ["Mine", "Theirs"]


def test_list_search_and_category(app, db, member, official):
    published(
        db,
        member,
        official,
        name={"en": "Seed library", "fr": "Grainothèque"},
        description={"fr": "Des semences paysannes à partager."},
        category="food",
    )
    published(
        db, member, official, name="Repair café", description="Fix bikes.", category="making_repair"
    )

    def names(query):
        return [i["name"] for i in app.get(f"/api/v1/commons?{query}").json["items"]]

    assert names("q=semences") == ["Seed library"]
    assert names("q=SEMENCES paysannes") == ["Seed library"]
    assert names("q=grainotheque") == ["Seed library"]  # accents are ignored
    assert names("q=bikes") == ["Repair café"]
    assert names("q=cafe") == ["Repair café"]
    assert names("category=food") == ["Seed library"]
    assert names("category=food&q=bikes") == []
    assert names("q=100%25") == []  # LIKE wildcards are taken literally


def test_list_paginates_with_next(app, db, member, official):
    for n in range(5):
        published(db, member, official, name=f"Commons {n}")
    first = app.get("/api/v1/commons?limit=2").json
    assert [i["name"] for i in first["items"]] == ["Commons 0", "Commons 1"]
    second = app.get(first["next"]).json
    assert [i["name"] for i in second["items"]] == ["Commons 2", "Commons 3"]
    third = app.get(second["next"]).json
    assert [i["name"] for i in third["items"]] == ["Commons 4"]
    assert third["next"] is None


def test_list_sorts(app, db, member, official):
    a = published(db, member, official, name="Alpha", ostrom={"boundaries": {"score": 1}})
    b = published(db, member, official, name="Beta", ostrom={"boundaries": {"score": 3}})
    c = published(db, member, official, name="Gamma")

    def ids(sort):
        return [i["id"] for i in app.get(f"/api/v1/commons?sort={sort}").json["items"]]

    assert ids("name") == [a.id, b.id, c.id]
    assert ids("newest") == [c.id, b.id, a.id]
    assert ids("ostrom") == [b.id, a.id, c.id]


def test_sort_by_name_follows_the_requests_language(app, db, member, official):
    for en, fr in [("Gate", "Portail"), ("Grocery", "Épicerie"), ("Garden", "Jardin")]:
        published(db, member, official, name={"en": en, "fr": fr})

    def names(language):
        headers = {"Accept-Language": language}
        return [
            i["name"] for i in app.get("/api/v1/commons?sort=name", headers=headers).json["items"]
        ]

    assert names("fr") == ["Épicerie", "Jardin", "Portail"]
    assert names("en") == ["Garden", "Gate", "Grocery"]


@pytest.mark.parametrize(
    "query", ["category=weapons", "nature=x", "sort=random", "page=0", "limit=1000", "status=x"]
)
def test_list_bad_parameters_are_422(app, query):
    response = app.get(f"/api/v1/commons?{query}", status=422)
    assert response.json["error"]["fields"]


def test_categories_in_english_and_french(app):
    body = app.get("/api/v1/commons/categories").json
    assert len(body["items"]) == 12
    labels = {item["id"]: item["label"] for item in body["items"]}
    assert labels["green_public_space"] == "Green and public space"
    assert [n["id"] for n in body["natures"]] == ["material", "immaterial", "digital"]
    assert [i["id"] for i in body["interventions"]] == ["care", "shared_management", "regeneration"]
    french = app.get("/api/v1/commons/categories?_LOCALE_=fr").json
    labels = {item["id"]: item["label"] for item in french["items"]}
    assert labels["food"] == "Alimentation"
    assert labels["green_public_space"] == "Espaces verts et publics"
    french = app.get("/api/v1/commons/categories", headers={"Accept-Language": "fr"}).json
    assert french["natures"][1]["label"] == "Immatériel"


# --- update ---------------------------------------------------------------------------


def test_proposer_edits_until_validation(app, db, member, official):
    commons = make_commons(db, member)
    headers = bearer(db, member)
    body = app.patch_json(
        f"/api/v1/commons/{commons.id}",
        {"name": {"en": "Repair café", "fr": "Café réparation"}, "lat": 50.63, "lon": 3.06},
        headers=headers,
    ).json
    assert body["translations"]["name"]["fr"] == "Café réparation"
    assert body["lat"] == 50.63
    revision = db.scalars(select(CommonsRevision).where(CommonsRevision.action == "edited")).one()
    assert set(revision.changes) == {"name", "latitude", "longitude"}
    app.post_json(f"/api/v1/commons/{commons.id}/validate", {}, headers=bearer(db, official))
    app.patch_json(f"/api/v1/commons/{commons.id}", {"name": "Late"}, headers=headers, status=403)


def test_other_member_cannot_edit(app, db, member, official):
    commons = published(db, member, official)
    stranger = factories.make_user(db)
    app.patch_json(
        f"/api/v1/commons/{commons.id}",
        {"name": "Mine now"},
        headers=bearer(db, stranger),
        status=403,
    )
    app.patch_json(f"/api/v1/commons/{commons.id}", {"name": "Mine now"}, status=401)


def test_official_edits_a_published_commons_and_is_audited(app, db, member, official):
    commons = published(db, member, official)
    app.patch_json(
        f"/api/v1/commons/{commons.id}", {"district": "Wazemmes"}, headers=bearer(db, official)
    )
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "commons.edit")).one()
    assert entry.details == {"fields": ["district"]}


def test_update_bad_input_changes_nothing(app, db, member):
    commons = make_commons(db, member, lat=50.0, lon=3.0)
    headers = bearer(db, member)
    for body, field in [
        ({"lat": 100}, "lat"),
        ({"name": ""}, "name"),
        ({"category": "weapons"}, "category"),
        ({"name": "<script>x</script>"}, "name"),
        ({"lat": None}, "lat"),  # a point needs both coordinates
        ({"ownership": "private"}, "owner_consent"),
    ]:
        response = app.patch_json(
            f"/api/v1/commons/{commons.id}", body, headers=headers, status=422
        )
        assert field in response.json["error"]["fields"], (body, response.json)
    db.refresh(commons)
    assert commons.name == {"en": "Repair café"}
    assert commons.latitude == 50.0


# --- decisions ------------------------------------------------------------------------


def test_official_validates(app, db, member, official):
    commons = make_commons(db, member)
    response = app.post(
        f"/api/v1/commons/{commons.id}/validate", headers=bearer(db, official), status=200
    )
    assert response.json["status"] == "published"
    entry = db.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.object_id, entry.actor_id) == (
        "commons.validate",
        str(commons.id),
        official.id,
    )
    # Validating again is harmless.
    again = app.post(f"/api/v1/commons/{commons.id}/validate", headers=bearer(db, official))
    assert again.json["status"] == "published"


def test_member_cannot_validate(app, db, member):
    commons = make_commons(db, member)
    response = app.post(
        f"/api/v1/commons/{commons.id}/validate", headers=bearer(db, member), status=403
    )
    assert response.json["error"]["code"] == "forbidden"
    app.post(f"/api/v1/commons/{commons.id}/validate", status=401)
    db.refresh(commons)
    assert commons.status == "proposed"


def test_official_rejects_with_reasons(app, db, member, official):
    commons = make_commons(db, member)
    headers = bearer(db, official)
    body = app.post_json(
        f"/api/v1/commons/{commons.id}/reject",
        {"reason": "Private club, not open."},
        headers=headers,
    ).json
    assert body["status"] == "rejected"
    assert body["rejection_reason"] == "Private club, not open."
    entry = db.scalars(select(AuditEntry)).one()
    assert entry.action == "commons.reject"
    assert entry.details == {"reason": "Private club, not open."}
    # Still visible to anyone, as rejected.
    assert app.get(f"/api/v1/commons/{commons.id}").json["status"] == "rejected"
    # Rejecting twice is a conflict; validating later is allowed (a reconsidered decision).
    app.post_json(
        f"/api/v1/commons/{commons.id}/reject", {"reason": "again"}, headers=headers, status=409
    )
    assert (
        app.post(f"/api/v1/commons/{commons.id}/validate", headers=headers).json["status"]
        == "published"
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"reason": ""}, 422),
        ({"reason": "   "}, 422),
        ({"reason": "<b>x</b>"}, 422),
        ({"reason": "x" * 2001}, 422),
    ],
)
def test_reject_needs_reasons(app, db, member, official, body, status):
    commons = make_commons(db, member)
    response = app.post_json(
        f"/api/v1/commons/{commons.id}/reject", body, headers=bearer(db, official), status=status
    )
    assert "reason" in response.json["error"]["fields"]
    db.refresh(commons)
    assert commons.status == "proposed"


def test_member_cannot_reject(app, db, member):
    commons = make_commons(db, member)
    app.post_json(
        f"/api/v1/commons/{commons.id}/reject",
        {"reason": "mine"},
        headers=bearer(db, member),
        status=403,
    )


def test_archive(app, db, member, official):
    commons = published(db, member, official)
    headers = bearer(db, official)
    app.post_json(
        f"/api/v1/commons/{commons.id}/archive",
        {"reason": "x"},
        headers=bearer(db, member),
        status=403,
    )
    body = app.post_json(
        f"/api/v1/commons/{commons.id}/archive", {"reason": "Closed in 2025."}, headers=headers
    ).json
    assert body["status"] == "archived"
    app.post_json(
        f"/api/v1/commons/{commons.id}/archive", {"reason": "x"}, headers=headers, status=409
    )
    app.post(f"/api/v1/commons/{commons.id}/validate", headers=headers, status=409)
    assert app.get("/api/v1/commons").json["items"] == []


# --- community balance ----------------------------------------------------------------


def test_proposer_reports_a_balance_once_published(app, db, member, official):
    commons = make_commons(db, member)
    body = {
        "year": 2024,
        "rootedness": 70,
        "social_return": 60,
        "internal_democracy": 80,
        "care": 75,
        "notes": "Good year.",
    }
    app.post_json(
        f"/api/v1/commons/{commons.id}/balances", body, headers=bearer(db, member), status=403
    )
    services_validate = app.post(
        f"/api/v1/commons/{commons.id}/validate", headers=bearer(db, official)
    )
    assert services_validate.status_int == 200
    record = app.post_json(
        f"/api/v1/commons/{commons.id}/balances", body, headers=bearer(db, member), status=201
    ).json
    assert record["balances"] == [
        {
            "year": 2024,
            "rootedness": 70,
            "social_return": 60,
            "internal_democracy": 80,
            "care": 75,
            "notes": "Good year.",
        }
    ]
    # The same year again replaces it.
    record = app.post_json(
        f"/api/v1/commons/{commons.id}/balances",
        {**body, "care": 90},
        headers=bearer(db, member),
        status=201,
    ).json
    assert [b["care"] for b in record["balances"]] == [90]
    stranger = factories.make_user(db)
    app.post_json(
        f"/api/v1/commons/{commons.id}/balances", body, headers=bearer(db, stranger), status=403
    )
    bad = app.post_json(
        f"/api/v1/commons/{commons.id}/balances",
        {**body, "care": 101},
        headers=bearer(db, member),
        status=422,
    ).json
    assert "care" in bad["error"]["fields"]
    bad = app.post_json(
        f"/api/v1/commons/{commons.id}/balances",
        {**body, "year": 2099},
        headers=bearer(db, member),
        status=422,
    ).json
    assert "year" in bad["error"]["fields"]


# --- open data ------------------------------------------------------------------------


def test_geojson_lists_published_commons_with_a_point(app, db, member, official):
    garden = published(db, member, official, **copy.deepcopy(FULL_BODY))
    published(db, member, official, name="No place")  # no coordinates
    make_commons(db, member, name="Proposal", lat=50.6, lon=3.0)
    response = app.get("/api/v1/commons.geojson")
    assert response.content_type == "application/geo+json"
    collection = response.json
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 1
    feature = collection["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [3.0858, 50.6305]}
    assert feature["properties"]["name"] == "Fives community garden"
    assert feature["properties"]["category"] == "food"
    assert feature["properties"]["category_label"] == "Food"
    assert feature["properties"]["url"].endswith(f"/commons/{garden.id}")
    french = app.get("/api/v1/commons.geojson?_LOCALE_=fr").json["features"][0]
    assert french["properties"]["name"] == "Jardin partagé de Fives"
    assert french["properties"]["category_label"] == "Alimentation"
    assert app.get("/api/v1/commons.geojson?q=nothing-like-this").json["features"] == []
    assert len(app.get("/api/v1/commons.geojson?q=potagers").json["features"]) == 1


def test_openapi_document_describes_the_register(app):
    spec = app.get("/api/v1/openapi.json").json
    for path in (
        "/api/v1/commons",
        "/api/v1/commons/{id}",
        "/api/v1/commons/{id}/validate",
        "/api/v1/commons/{id}/reject",
        "/api/v1/commons/categories",
        "/api/v1/commons.geojson",
    ):
        assert path in spec["paths"]


def test_update_merges_translations_language_by_language(app, db, member):
    commons = make_commons(db, member, name={"en": "Garden", "fr": "Jardin"})
    headers = bearer(db, member)
    url = f"/api/v1/commons/{commons.id}"
    body = app.patch_json(url, {"name": {"nl": "Tuin"}}, headers=headers).json
    assert body["translations"]["name"] == {"en": "Garden", "fr": "Jardin", "nl": "Tuin"}
    body = app.patch_json(url, {"name": "Potager"}, headers={**headers, "Accept-Language": "fr"})
    assert body.json["translations"]["name"] == {"en": "Garden", "fr": "Potager", "nl": "Tuin"}
    body = app.patch_json(url, {"name": {"nl": ""}}, headers=headers).json
    assert body["translations"]["name"] == {"en": "Garden", "fr": "Potager"}
    body = app.patch_json(
        url, {"governance": {"inclusion": {"fr": "Rampes."}}}, headers=headers
    ).json
    body = app.patch_json(url, {"governance": {"inclusion": "Ramps."}}, headers=headers).json
    assert body["governance"]["inclusion"] == "Ramps."
    db.expire_all()
    assert db.get(Commons, commons.id).inclusion_measures == {"fr": "Rampes.", "en": "Ramps."}
    # Removing every language of the name is refused.
    response = app.patch_json(url, {"name": {"en": "", "fr": ""}}, headers=headers, status=422)
    assert "name" in response.json["error"]["fields"]


def test_empty_filters_mean_no_filter(app, db, member, official):
    published(db, member, official, name="Tool library")
    body = app.get("/api/v1/commons?q=&category=&nature=&sort=&page=").json
    assert [item["name"] for item in body["items"]] == ["Tool library"]
    assert len(app.get("/api/v1/commons.geojson?q=&category=").json["features"]) == 0
    assert app.get("/api/v1/commons?q=&category=food").json["items"] == []


# --- contact details of a refused proposal ------------------------------------------------


CONTACT = {"contact_email": "ana@example.org", "contact_phone": "+33 3 20 00 00 00"}


def _rejected(db, member, official):
    from partnerstate.commons import services

    commons = make_commons(db, member, **CONTACT)
    services.reject(db, commons, official, "Private club, not open.")
    db.commit()
    return commons


@pytest.mark.parametrize("who", ["anonymous", "other member"])
def test_a_refused_proposal_stays_public_without_its_contact_details(
    app, db, member, official, who
):
    commons = _rejected(db, member, official)
    headers = {}
    if who == "other member":
        other = factories.make_user(db, "other@example.org")
        headers = bearer(db, other)
        log_in(app, other.email)  # the page reads the session, not the token
    body = app.get(f"/api/v1/commons/{commons.id}", headers=headers).json
    assert body["status"] == "rejected" and body["rejection_reason"]
    assert body["contact_email"] == "" and body["contact_phone"] == ""
    page = app.get(f"/commons/{commons.id}")
    assert "Private club" in page.text  # the refusal itself is public
    assert "ana@example.org" not in page.text and "+33 3 20" not in page.text
    assert "ana@example.org" not in app.get("/commons.csv?status=rejected").text


@pytest.mark.parametrize("who", ["proposer", "official"])
def test_the_proposer_and_officials_still_see_them(app, db, member, official, who):
    commons = _rejected(db, member, official)
    reader = member if who == "proposer" else official
    body = app.get(f"/api/v1/commons/{commons.id}", headers=bearer(db, reader)).json
    assert body["contact_email"] == CONTACT["contact_email"]
    log_in(app, reader.email)
    assert "ana@example.org" in app.get(f"/commons/{commons.id}").text
    assert "ana@example.org" in app.get("/commons.csv?status=rejected").text


def test_a_listed_commons_shows_its_contact_details_to_everyone(app, db, member, official):
    commons = published(db, member, official, **CONTACT)
    assert app.get(f"/api/v1/commons/{commons.id}").json["contact_email"] == "ana@example.org"
    assert "ana@example.org" in app.get(f"/commons/{commons.id}").text
    assert "ana@example.org" in app.get("/commons.csv").text
