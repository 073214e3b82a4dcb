"""The assemblies' JSON API, as each role would use it (CONTRACT.md, openapi.yaml).

Responses are validated against openapi.yaml by the test app.
"""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from sqlalchemy import func, select

from assemblies import census, services
from assemblies.models import Assembly, JoinRequest, Meeting, Membership, VerificationFailure
from partnerstate.database import utcnow
from partnerstate.models import AuditEntry
from tests import factories
from tests.assemblies.helpers import make_meeting
from tests.conftest import bearer

ROLES = ("facilitator", "member", "observer", "outsider")


def _headers(db, cast, who: str) -> dict[str, str]:
    if who == "anonymous":
        return {}
    return bearer(db, getattr(cast, who))


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


# --- creating and reading assemblies ------------------------------------------------------


def test_official_creates_an_assembly(app, db, official):
    response = app.post_json(
        "/api/v1/assemblies",
        {"name": "Assemblée des communs", "city": "Lille", "default_locale": "fr"},
        headers=bearer(db, official),
        status=201,
    )
    body = response.json
    assert isinstance(body["id"], int)
    assert body["name"] == "Assemblée des communs" and body["default_locale"] == "fr"
    assert body["members_count"] == 0 and body["roles"]["member"] == 0
    assert response.headers["Location"].endswith(f"/api/v1/assemblies/{body['id']}")
    assembly = db.get(Assembly, body["id"])
    assert assembly.name == {"fr": "Assemblée des communs"}
    assert assembly.created_by_id == official.id


def test_create_with_every_field(app, db, official):
    body = app.post_json(
        "/api/v1/assemblies",
        {
            "name": {"en": "Assembly", "fr": "Assemblée"},
            "city": "Ghent",
            "default_locale": "en",
            "description": "We *meet* monthly.",
            "quorum_percent": 12.5,
            "join_policy": "invitation",
            "requires_verification": True,
        },
        headers=bearer(db, official),
        status=201,
    ).json
    assert body["translations"]["name"] == {"en": "Assembly", "fr": "Assemblée"}
    assert body["quorum_percent"] == 12.5
    assert body["join_policy"] == "invitation" and body["requires_verification"] is True
    assert body["me"] == {
        "role": None,
        "request_status": None,
        "request_reason": None,
        "verified": False,
        "eligible_voter": False,
    }


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"city": "Lille"}, 422, "name"),
        ({"name": ""}, 422, "name"),
        ({"name": "x" * 201}, 422, "name"),
        ({"name": "A", "default_locale": "xx"}, 422, "default_locale"),
        ({"name": {"xx": "A"}}, 422, "name"),  # not a language
        ({"name": "A", "quorum_percent": 150}, 422, "quorum_percent"),
        ({"name": "A", "join_policy": "everyone"}, 422, "join_policy"),
        ({"name": "A", "requires_verification": "yes"}, 422, "requires_verification"),
        ({"name": "A", "colour": "green"}, 422, None),
        ({"name": "<script>alert(1)</script>"}, 422, "name"),
    ],
)
def test_create_bad_input(app, db, official, body, status, field):
    response = app.post_json(
        "/api/v1/assemblies", body, headers=bearer(db, official), status=status
    )
    if field:
        assert field in response.json["error"]["fields"]
    assert _count(db, Assembly) == 0


def test_malformed_json_is_400(app, db, official):
    headers = {**bearer(db, official), "Content-Type": "application/json"}
    app.post("/api/v1/assemblies", "{not json", headers=headers, status=400)


def test_only_officials_create(app, db, member):
    app.post_json("/api/v1/assemblies", {"name": "A"}, status=401)
    app.post_json("/api/v1/assemblies", {"name": "A"}, headers=bearer(db, member), status=403)
    bad = {"Authorization": "Bearer ps_wrong"}
    app.post_json("/api/v1/assemblies", {"name": "A"}, headers=bad, status=401)
    assert _count(db, Assembly) == 0


def test_list_and_read(app, db, cast):
    listing = app.get("/api/v1/assemblies").json
    assert listing["next"] is None
    assert [item["id"] for item in listing["items"]] == [cast.assembly.id]
    assert listing["items"][0]["members_count"] == 3
    body = app.get(f"/api/v1/assemblies/{cast.assembly.id}").json
    assert body["roles"] == {"facilitator": 1, "member": 1, "observer": 1}
    assert "me" not in body
    mine = app.get(f"/api/v1/assemblies/{cast.assembly.id}", headers=bearer(db, cast.member)).json[
        "me"
    ]
    assert mine["role"] == "member" and mine["eligible_voter"] is True


def test_unknown_assembly_is_404(app, db, official):
    app.get("/api/v1/assemblies/999999", status=404)
    app.get("/api/v1/assemblies/abc", status=404)
    app.post_json(
        "/api/v1/assemblies/999999/members",
        {"email": official.email, "role": "member"},
        headers=bearer(db, official),
        status=404,
    )
    app.get("/api/v1/assemblies?page=0", status=422)


def test_pagination(app, db, official):
    for n in range(51):
        services.create_assembly(db, f"Assembly {n}", "Lille", "en")
    db.commit()
    first = app.get("/api/v1/assemblies").json
    assert len(first["items"]) == 50 and first["next"].endswith("page=2")
    second = app.get(first["next"]).json
    assert len(second["items"]) == 1 and second["next"] is None


def test_official_updates_the_rules(app, db, cast):
    url = f"/api/v1/assemblies/{cast.assembly.id}"
    body = app.patch_json(
        url,
        {"quorum_percent": 30, "requires_verification": True, "name": "Renamed"},
        headers=bearer(db, cast.official),
    ).json
    assert body["quorum_percent"] == 30 and body["requires_verification"] is True
    assert body["name"] == "Renamed"
    for who in ROLES:
        app.patch_json(url, {"quorum_percent": 1}, headers=_headers(db, cast, who), status=403)
    app.patch_json(url, {"quorum_percent": 1}, status=401)
    app.patch_json(url, {"quorum_percent": -5}, headers=bearer(db, cast.official), status=422)
    db.expire_all()
    assert db.get(Assembly, cast.assembly.id).quorum_percent == 30


# --- members ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["official", "facilitator"])
def test_officials_and_facilitators_add_members_by_email(app, db, cast, who):
    person = factories.make_user(db, email="newcomer@example.org", name="Noor")
    url = f"/api/v1/assemblies/{cast.assembly.id}/members"
    body = app.post_json(
        url,
        {"email": "Newcomer@Example.org", "role": "member"},
        headers=bearer(db, getattr(cast, who)),
        status=201,
    ).json
    assert body["user_id"] == person.id and body["role"] == "member"
    assert body["email"] == "newcomer@example.org" and body["verified"] is False
    # Adding twice with the same role: idempotent 200; with another role: 409.
    again = app.post_json(
        url,
        {"email": person.email, "role": "member"},
        headers=bearer(db, getattr(cast, who)),
        status=200,
    ).json
    assert again["user_id"] == person.id
    conflict = app.post_json(
        url,
        {"email": person.email, "role": "facilitator"},
        headers=bearer(db, getattr(cast, who)),
        status=409,
    )
    assert "already" in conflict.json["error"]["message"]
    assert services.membership_role(db, cast.assembly.id, person.id) == "member"


@pytest.mark.parametrize("who", ["member", "observer", "outsider"])
def test_others_may_not_add_members(app, db, cast, who):
    person = factories.make_user(db)
    app.post_json(
        f"/api/v1/assemblies/{cast.assembly.id}/members",
        {"email": person.email, "role": "facilitator"},
        headers=bearer(db, getattr(cast, who)),
        status=403,
    )
    assert services.membership_role(db, cast.assembly.id, person.id) is None


def test_add_member_bad_input(app, db, cast):
    url = f"/api/v1/assemblies/{cast.assembly.id}/members"
    headers = bearer(db, cast.facilitator)
    missing = app.post_json(
        url, {"email": "ghost@example.org", "role": "member"}, headers=headers, status=404
    )
    assert "email" in missing.json["error"]["fields"]
    bad_role = app.post_json(
        url, {"email": cast.outsider.email, "role": "president"}, headers=headers, status=422
    )
    assert "role" in bad_role.json["error"]["fields"]
    app.post_json(url, {"role": "member"}, headers=headers, status=422)
    app.post_json(url, {"email": cast.outsider.email, "role": "member"}, status=401)


def test_members_list_is_for_the_assembly_and_officials(app, db, cast):
    url = f"/api/v1/assemblies/{cast.assembly.id}/members"
    items = app.get(url, headers=bearer(db, cast.observer)).json["items"]
    assert [(m["name"], m["role"]) for m in items] == [
        ("Fatou Facilitator", "facilitator"),
        ("Mika Member", "member"),
        ("Otto Observer", "observer"),
    ]
    assert "email" not in items[0]
    assert "email" in app.get(url, headers=bearer(db, cast.official)).json["items"][0]
    app.get(url, headers=bearer(db, cast.outsider), status=403)
    app.get(url, status=401)
    one = app.get(f"{url}/{cast.member.id}", headers=bearer(db, cast.member)).json
    assert one["role"] == "member"
    app.get(f"{url}/{cast.outsider.id}", headers=bearer(db, cast.member), status=404)


def test_members_list_is_paged(app, db, cast):
    for n in range(100):
        services.add_member(db, cast.assembly, factories.make_user(db, name=f"Zed {n:03d}"))
    db.commit()
    url = f"/api/v1/assemblies/{cast.assembly.id}/members"
    first = app.get(url, headers=bearer(db, cast.member)).json
    assert len(first["items"]) == 100 and first["next"].endswith("page=2")
    second = app.get(first["next"], headers=bearer(db, cast.member)).json
    assert [m["name"] for m in second["items"]] == ["Zed 098", "Zed 099", "Otto Observer"]
    assert second["next"] is None
    app.get(f"{url}?page=0", headers=bearer(db, cast.member), status=422)


def test_role_change(app, db, cast):
    url = f"/api/v1/assemblies/{cast.assembly.id}/members/{cast.observer.id}"
    body = app.patch_json(url, {"role": "member"}, headers=bearer(db, cast.facilitator)).json
    assert body["role"] == "member"
    app.patch_json(url, {"role": "facilitator"}, headers=bearer(db, cast.member), status=403)
    app.patch_json(url, {"role": "king"}, headers=bearer(db, cast.official), status=422)
    app.patch_json(
        f"/api/v1/assemblies/{cast.assembly.id}/members/{cast.outsider.id}",
        {"role": "member"},
        headers=bearer(db, cast.official),
        status=404,
    )
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "assembly.role_change")).one()
    assert entry.details == {"user_id": cast.observer.id, "old": "observer", "new": "member"}


def test_removal_with_reason_is_audited_and_shown(app, db, cast):
    url = f"/api/v1/assemblies/{cast.assembly.id}/members/{cast.member.id}/removal"
    app.post_json(url, {"reason": "Spam"}, headers=bearer(db, cast.observer), status=403)
    app.post_json(url, {}, headers=bearer(db, cast.facilitator), status=422)
    app.post_json(url, {"reason": ""}, headers=bearer(db, cast.facilitator), status=422)
    app.post_json(url, {"reason": "  "}, headers=bearer(db, cast.facilitator), status=422)
    body = app.post_json(
        url, {"reason": "Repeated personal attacks."}, headers=bearer(db, cast.facilitator)
    ).json
    assert body == {"user_id": cast.member.id, "status": "removed"}
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "assembly.member_remove")
    ).one()
    assert entry.details["reason"] == "Repeated personal attacks."
    assert entry.actor_id == cast.facilitator.id
    app.post_json(url, {"reason": "Again"}, headers=bearer(db, cast.facilitator), status=404)


# --- joining ------------------------------------------------------------------------------


def test_join_request_approved(app, db, cast):
    url = f"/api/v1/assemblies/{cast.assembly.id}/join"
    body = app.post_json(
        url, {"message": "I run a garden."}, headers=bearer(db, cast.outsider), status=202
    ).json
    assert body["status"] == "pending"
    # Asking again: the same request.
    again = app.post_json(url, {}, headers=bearer(db, cast.outsider), status=202).json
    assert again["id"] == body["id"]
    # No body at all is fine too.
    app.post(url, headers=bearer(db, cast.outsider), status=202)
    requests_url = f"/api/v1/assemblies/{cast.assembly.id}/join-requests"
    items = app.get(requests_url, headers=bearer(db, cast.facilitator)).json["items"]
    assert [(r["id"], r["message"]) for r in items] == [(body["id"], "I run a garden.")]
    app.get(requests_url, headers=bearer(db, cast.member), status=403)
    approve = f"{requests_url}/{body['id']}/approve"
    app.post_json(approve, {}, headers=bearer(db, cast.member), status=403)
    decided = app.post_json(approve, {}, headers=bearer(db, cast.facilitator)).json
    assert decided["status"] == "approved"
    assert services.membership_role(db, cast.assembly.id, cast.outsider.id) == "member"
    app.post_json(approve, {}, headers=bearer(db, cast.facilitator), status=409)
    app.post_json(url, {}, headers=bearer(db, cast.outsider), status=409)


def test_join_request_refused_with_a_reason_the_person_sees(app, db, cast):
    created = app.post_json(
        f"/api/v1/assemblies/{cast.assembly.id}/join", {}, headers=bearer(db, cast.outsider)
    ).json
    refuse = f"/api/v1/assemblies/{cast.assembly.id}/join-requests/{created['id']}/refuse"
    app.post_json(refuse, {}, headers=bearer(db, cast.official), status=422)
    app.post_json(refuse, {"reason": ""}, headers=bearer(db, cast.official), status=422)
    app.post_json(refuse, {"reason": "No"}, headers=bearer(db, cast.observer), status=403)
    body = app.post_json(
        refuse, {"reason": "Residents of Lille only."}, headers=bearer(db, cast.official)
    ).json
    assert body["status"] == "refused" and body["reason"] == "Residents of Lille only."
    me = app.get(f"/api/v1/assemblies/{cast.assembly.id}", headers=bearer(db, cast.outsider)).json[
        "me"
    ]
    assert me["request_status"] == "refused"
    assert me["request_reason"] == "Residents of Lille only."
    app.post_json(refuse, {"reason": "Again"}, headers=bearer(db, cast.official), status=409)


def test_approve_with_role_and_unknown_requests(app, db, cast):
    request, _created = services.request_to_join(db, cast.assembly, cast.outsider)
    db.commit()
    base = f"/api/v1/assemblies/{cast.assembly.id}/join-requests"
    app.post_json(f"{base}/999999/approve", {}, headers=bearer(db, cast.official), status=404)
    app.post_json(
        f"{base}/{request.id}/approve",
        {"role": "queen"},
        headers=bearer(db, cast.official),
        status=422,
    )
    app.post_json(
        f"{base}/{request.id}/approve", {"role": "observer"}, headers=bearer(db, cast.official)
    )
    assert services.membership_role(db, cast.assembly.id, cast.outsider.id) == "observer"


def test_join_needs_an_account_and_an_open_assembly(app, db, cast, official):
    app.post_json(f"/api/v1/assemblies/{cast.assembly.id}/join", {}, status=401)
    closed = services.create_assembly(db, "Closed", "Lille", "en", join_policy="invitation")
    db.commit()
    app.post_json(
        f"/api/v1/assemblies/{closed.id}/join", {}, headers=bearer(db, cast.outsider), status=403
    )
    app.post_json(
        f"/api/v1/assemblies/{cast.assembly.id}/join",
        {"message": "x" * 2001},
        headers=bearer(db, cast.outsider),
        status=422,
    )
    assert _count(db, JoinRequest) == 0


@pytest.mark.parametrize("who", ["facilitator", "member", "observer"])
def test_leave(app, db, cast, who):
    url = f"/api/v1/assemblies/{cast.assembly.id}/leave"
    assert app.post(url, headers=bearer(db, getattr(cast, who))).json == {"status": "left"}
    assert services.membership_role(db, cast.assembly.id, getattr(cast, who).id) is None
    app.post(url, headers=bearer(db, getattr(cast, who)), status=403)


def test_outsiders_cannot_leave(app, db, cast):
    app.post(f"/api/v1/assemblies/{cast.assembly.id}/leave", status=401)
    app.post(
        f"/api/v1/assemblies/{cast.assembly.id}/leave",
        headers=bearer(db, cast.outsider),
        status=403,
    )


# --- resident verification ----------------------------------------------------------------


def _import(db, assembly, text="identifier,postcode\nA-1,59000\n"):
    services.import_census(db, assembly, census.parse_census(text))
    db.commit()


def test_verified_assembly_refuses_vote_eligibility_until_verification(app, db, verified_cast):
    cast = verified_cast
    _import(db, cast.assembly)
    url = f"/api/v1/assemblies/{cast.assembly.id}"
    headers = bearer(db, cast.member)
    me = app.get(url, headers=headers).json["me"]
    assert me["role"] == "member" and me["verified"] is False and me["eligible_voter"] is False
    assert services.voting_members(db, cast.assembly.id) == []
    wrong = app.post_json(
        f"{url}/verification", {"identifier": "A-1", "postcode": "59001"}, headers=headers,
        status=422,
    )  # fmt: skip
    assert "identifier" in wrong.json["error"]["fields"]
    body = app.post_json(
        f"{url}/verification", {"identifier": "a-1", "postcode": "59 000"}, headers=headers
    ).json
    assert body == {"verified": True, "method": "census"}
    me = app.get(url, headers=headers).json["me"]
    assert me["verified"] is True and me["eligible_voter"] is True
    assert services.voting_members(db, cast.assembly.id) == [cast.member.id]
    # The entry is used: it cannot verify another account.
    app.post_json(
        f"{url}/verification",
        {"identifier": "A-1", "postcode": "59000"},
        headers=bearer(db, cast.facilitator),
        status=409,
    )


def test_verification_is_throttled_and_failures_are_kept(app, db, verified_cast):
    cast = verified_cast
    _import(db, cast.assembly)
    url = f"/api/v1/assemblies/{cast.assembly.id}/verification"
    headers = bearer(db, cast.member)
    for _attempt in range(5):
        app.post_json(url, {"identifier": "A-1", "postcode": "99999"}, headers=headers, status=422)
    throttled = app.post_json(
        url, {"identifier": "A-1", "postcode": "59000"}, headers=headers, status=429
    )
    assert int(throttled.headers["Retry-After"]) > 0
    assert not services.is_verified(db, cast.assembly.id, cast.member.id)


def test_a_failed_attempt_remembers_its_address(app, db, verified_cast):
    cast = verified_cast
    _import(db, cast.assembly)
    app.post_json(
        f"/api/v1/assemblies/{cast.assembly.id}/verification",
        {"identifier": "A-1", "postcode": "99999"},
        headers=bearer(db, cast.member),
        extra_environ={"REMOTE_ADDR": "203.0.113.7"},
        status=422,
    )
    failure = db.scalars(select(VerificationFailure)).one()
    assert failure.address == "203.0.113.7"


def test_verification_bad_input(app, db, verified_cast):
    url = f"/api/v1/assemblies/{verified_cast.assembly.id}/verification"
    headers = bearer(db, verified_cast.member)
    app.post_json(url, {}, headers=headers, status=422)
    app.post_json(url, {"identifier": "A-1", "postcode": "x" * 21}, headers=headers, status=422)
    app.post_json(url, {"identifier": "A-1", "postcode": "?"}, headers=headers, status=422)
    app.post_json(url, {"identifier": "A-1", "postcode": "59000"}, status=401)


def test_invitation_codes(app, db, verified_cast):
    cast = verified_cast
    base = f"/api/v1/assemblies/{cast.assembly.id}/invitations"
    app.post_json(base, {"count": 2}, headers=bearer(db, cast.facilitator), status=403)
    app.post_json(base, {"count": 0}, headers=bearer(db, cast.official), status=422)
    app.post_json(base, {"count": 501}, headers=bearer(db, cast.official), status=422)
    response = app.post_json(base, {"count": 2, "note": "Fives"}, headers=bearer(db, cast.official))
    assert response.status_int == 201 and response.headers["Cache-Control"] == "no-store"
    codes = response.json["codes"]
    assert len(codes) == 2
    one = app.post_json(base, {}, headers=bearer(db, cast.official), status=201).json["codes"]
    assert len(one) == 1
    stranger = factories.make_user(db)
    body = app.post_json(f"{base}/redeem", {"code": codes[0]}, headers=bearer(db, stranger)).json
    assert body == {"role": "member", "verified": True}
    assert services.is_eligible_voter(db, cast.assembly, stranger)
    app.post_json(
        f"{base}/redeem", {"code": codes[0]}, headers=bearer(db, cast.outsider), status=409
    )
    app.post_json(
        f"{base}/redeem", {"code": "NOPE-NOPE-NOPE"}, headers=bearer(db, cast.outsider), status=422
    )
    app.post_json(f"{base}/redeem", {"code": ""}, headers=bearer(db, cast.outsider), status=422)
    app.post_json(f"{base}/redeem", {"code": codes[1]}, status=401)


def test_invitation_only_assembly_admits_with_a_code(app, db, official):
    closed = services.create_assembly(db, "Closed", "Lille", "en", join_policy="invitation")
    code = services.issue_invitations(db, closed, official)[0]
    person = factories.make_user(db)
    db.commit()
    app.post_json(
        f"/api/v1/assemblies/{closed.id}/join", {}, headers=bearer(db, person), status=403
    )
    app.post_json(
        f"/api/v1/assemblies/{closed.id}/invitations/redeem",
        {"code": code},
        headers=bearer(db, person),
    )
    assert services.membership_role(db, closed.id, person.id) == "member"


# --- meetings -----------------------------------------------------------------------------


def _meeting_body(**changes):
    start = (utcnow() + dt.timedelta(days=5)).replace(microsecond=0)
    return {
        "title": "Plenary",
        "starts_at": start.isoformat(),
        "location": "Maison Folie Moulins, Lille",
        "agenda": ["Welcome", "The garden pact"],
        **changes,
    }


@pytest.mark.parametrize("who", ["facilitator", "official"])
def test_schedule_a_meeting(app, db, cast, who):
    response = app.post_json(
        f"/api/v1/assemblies/{cast.assembly.id}/meetings",
        _meeting_body(),
        headers=bearer(db, getattr(cast, who)),
        status=201,
    )
    body = response.json
    meeting = db.get(Meeting, body["id"])
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(hours=2)
    assert body["agenda"] == ["Welcome", "The garden pact"]
    assert body["ics_url"].endswith(f"/assemblies/{cast.assembly.id}/meetings/{meeting.id}.ics")
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")


@pytest.mark.parametrize("who", ["member", "observer", "outsider", "anonymous"])
def test_others_cannot_schedule(app, db, cast, who):
    status = 401 if who == "anonymous" else 403
    app.post_json(
        f"/api/v1/assemblies/{cast.assembly.id}/meetings",
        _meeting_body(),
        headers=_headers(db, cast, who),
        status=status,
    )
    assert _count(db, Meeting) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": "2020-01-01T10:00:00+00:00"}, "ends_at"),
        ({"starts_at": "2026-05-14T18:00", "ends_at": "2026-05-14T17:00"}, "ends_at"),
        ({"starts_at": "not a date"}, "starts_at"),
        ({"title": ""}, "title"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"agenda": ["x" * 501]}, "agenda.0"),
        ({"agenda": "Welcome"}, "agenda"),
        ({"location": "x" * 301}, "location"),
    ],
)
def test_schedule_bad_input(app, db, cast, changes, field):
    response = app.post_json(
        f"/api/v1/assemblies/{cast.assembly.id}/meetings",
        _meeting_body(**changes),
        headers=bearer(db, cast.facilitator),
        status=422,
    )
    assert field in response.json["error"]["fields"]
    assert _count(db, Meeting) == 0


def test_schedule_missing_fields(app, db, cast):
    url = f"/api/v1/assemblies/{cast.assembly.id}/meetings"
    response = app.post_json(url, {"title": "P"}, headers=bearer(db, cast.facilitator), status=422)
    assert "starts_at" in response.json["error"]["fields"]


def test_online_meeting_from_a_link(app, db, cast):
    body = app.post_json(
        f"/api/v1/assemblies/{cast.assembly.id}/meetings",
        _meeting_body(location="https://visio.example.org/room"),
        headers=bearer(db, cast.facilitator),
        status=201,
    ).json
    assert body["location"] == "" and body["online_url"] == "https://visio.example.org/room"


def test_meetings_read_and_update(app, db, cast):
    meeting = make_meeting(db, cast.assembly, cast.facilitator)
    base = f"/api/v1/assemblies/{cast.assembly.id}/meetings"
    items = app.get(base).json["items"]
    assert [m["id"] for m in items] == [meeting.id]
    public = app.get(f"{base}/{meeting.id}").json
    assert "attendees" not in public
    assert "attendees" in app.get(f"{base}/{meeting.id}", headers=bearer(db, cast.member)).json
    body = app.patch_json(
        f"{base}/{meeting.id}", {"title": "Moved plenary"}, headers=bearer(db, cast.facilitator)
    ).json
    assert body["title"] == "Moved plenary"
    app.patch_json(
        f"{base}/{meeting.id}", {"title": "X"}, headers=bearer(db, cast.member), status=403
    )
    app.patch_json(
        f"{base}/{meeting.id}",
        {"ends_at": "2000-01-01T00:00:00Z"},
        headers=bearer(db, cast.facilitator),
        status=422,
    )
    app.get(f"{base}/999999", status=404)
    other = services.create_assembly(db, "Other", "Lille", "en")
    db.commit()
    app.get(f"/api/v1/assemblies/{other.id}/meetings/{meeting.id}", status=404)


def test_attendance(app, db, cast):
    meeting = make_meeting(db, cast.assembly, cast.facilitator)
    url = f"/api/v1/assemblies/{cast.assembly.id}/meetings/{meeting.id}/attendance"
    for who in ("member", "observer", "facilitator"):
        app.post(url, headers=bearer(db, getattr(cast, who)), status=201)
    app.post(url, headers=bearer(db, cast.member), status=200)
    app.post(url, headers=bearer(db, cast.outsider), status=403)
    app.post(url, status=401)
    assert (
        app.get(f"/api/v1/assemblies/{cast.assembly.id}/meetings/{meeting.id}").json["registered"]
        == 3
    )
    assert app.delete(url, headers=bearer(db, cast.observer)).json["registered"] is False
    app.delete(url, headers=bearer(db, cast.observer), status=409)


def test_attendance_for_a_past_meeting_is_409(app, db, cast):
    meeting = make_meeting(db, cast.assembly, cast.facilitator, days=-2)
    url = f"/api/v1/assemblies/{cast.assembly.id}/meetings/{meeting.id}/attendance"
    app.post(url, headers=bearer(db, cast.member), status=409)


def test_minutes(app, db, cast):
    meeting = make_meeting(db, cast.assembly, cast.facilitator, days=-1)
    url = f"/api/v1/assemblies/{cast.assembly.id}/meetings/{meeting.id}/minutes"
    body = {"minutes": "# Decisions\n\nWe agreed.", "attended": [cast.member.id]}
    app.put_json(url, body, headers=bearer(db, cast.member), status=403)
    app.put_json(url, body, status=401)
    app.put_json(url, {"attended": []}, headers=bearer(db, cast.facilitator), status=422)
    app.put_json(
        url,
        {"minutes": "x", "attended": [cast.outsider.id]},
        headers=bearer(db, cast.facilitator),
        status=422,
    )
    result = app.put_json(url, body, headers=bearer(db, cast.facilitator)).json
    assert result["minutes"].startswith("# Decisions") and result["attended"] == 1
    future = make_meeting(db, cast.assembly, cast.facilitator, days=3)
    app.put_json(
        f"/api/v1/assemblies/{cast.assembly.id}/meetings/{future.id}/minutes",
        body,
        headers=bearer(db, cast.facilitator),
        status=409,
    )


def test_ics_is_public_and_valid(app, db, cast):
    meeting = make_meeting(db, cast.assembly, cast.facilitator, agenda=["One"])
    response = app.get(f"/assemblies/{cast.assembly.id}/meetings/{meeting.id}.ics")
    assert response.content_type == "text/calendar"
    event = icalendar.Calendar.from_ical(response.body).events[0]
    assert event.start.astimezone(dt.UTC) == meeting.starts_at.replace(microsecond=0)


def test_counts_after_api_calls(db, cast):
    assert _count(db, Membership) == 3
