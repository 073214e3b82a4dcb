"""The charters API: issue, download, sign, verify, file the scan — every role, bad input."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from partnerstate.models import AuditEntry
from reports import charter
from reports.models import Charter
from tests import factories
from tests.conftest import bearer
from tests.reports import pdfs
from tests.reports.conftest import MINIMAL_PDF, issue, make_scene, sign


def _audit(db, action):
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# --- issuing -----------------------------------------------------------------------------


def test_an_official_issues_the_charter_of_an_adopted_partnership(app, db, scene):
    body = issue(app, db, scene).json
    assert body["status"] == "awaiting_signatures"
    assert charter.SHA256_RE.match(body["sha256"])
    item = db.get(Charter, body["id"])
    assert item.partnership_id == scene.partnership.id
    assert item.commons_id == scene.commons.id
    assert item.locale == "en"  # the assembly's language by default
    assert charter.digest(item.content) == body["sha256"]
    texts = [a["key"] for a in item.content["articles"]]
    assert "city_commitments" in texts and "commons_commitments" in texts
    city = next(a for a in item.content["articles"] if a["key"] == "city_commitments")
    assert [c["text"] for c in city["commitments"]] == [
        "The old tram depot, rent-free (400 m²)",
        "Civil liability insurance for volunteers",
        "Safety training for ten people a year",
    ]
    assert _audit(db, "charter.issue")[0].object_id == str(item.id)


def test_issuing_in_french_and_with_named_parties(app, db, scene):
    signatory = factories.make_user(db, name="Yusuf Demir")
    body = issue(
        app,
        db,
        scene,
        locale="fr",
        city={"department": "Direction des parcs", "signatory_name": "Claire Martin",
              "signatory_role": "Adjointe au maire"},
        commons={"signatory_email": signatory.email, "signatory_role": "Co-président"},
    ).json  # fmt: skip
    item = db.get(Charter, body["id"])
    assert item.locale == "fr"
    parties = item.content["parties"]
    assert parties["city"]["department"] == "Direction des parcs"
    assert parties["city"]["signatory"] == {"name": "Claire Martin", "role": "Adjointe au maire"}
    assert parties["commons"]["signatory"] == {"name": "Yusuf Demir", "role": "Co-président"}
    assert item.commons_signatory_id == signatory.id
    assert item.content["articles"][0]["heading"] == "Principes"


def test_one_charter_per_language(app, db, scene):
    first = issue(app, db, scene).json
    again = issue(app, db, scene, status=409).json
    assert again["error"]["code"] == "conflict"
    french = issue(app, db, scene, locale="fr").json
    assert french["sha256"] != first["sha256"]


def test_a_partnership_not_adopted_has_no_charter(app, db):
    for status in ("draft", "deliberation", "voting", "rejected"):
        scene = make_scene(db, status=status)
        error = issue(app, db, scene, status=409).json["error"]
        assert error["code"] == "conflict"
        assert error["fields"] == {"status": status}
    assert db.scalars(select(Charter)).first() is None


def test_members_may_not_issue_and_anonymous_must_authenticate(app, db, scene):
    url = f"/api/v1/partnerships/{scene.partnership.id}/charter"
    app.post_json(url, {}, headers=bearer(db, scene.member), status=403)
    app.post_json(url, {}, headers=bearer(db, scene.facilitator), status=403)
    app.post_json(url, {}, status=401)


def test_issuing_bad_input(app, db, scene):
    headers = bearer(db, scene.official)
    url = f"/api/v1/partnerships/{scene.partnership.id}/charter"
    fields = app.post_json(url, {"locale": "xx"}, headers=headers, status=422).json["error"]
    assert "locale" in fields["fields"]
    app.post_json(url, {"colour": "red"}, headers=headers, status=422)
    unknown = app.post_json(
        url, {"commons": {"signatory_email": "nobody@example.org"}}, headers=headers, status=422
    ).json
    assert "signatory_email" in unknown["error"]["fields"]
    app.post(url, "{not json", headers={**headers, "Content-Type": "application/json"}, status=400)
    app.post_json("/api/v1/partnerships/999999/charter", {}, headers=headers, status=404)
    app.post_json("/api/v1/partnerships/abc/charter", {}, headers=headers, status=404)


# --- reading ---------------------------------------------------------------------------------


def test_anyone_downloads_the_stored_pdf(app, db, scene):
    body = issue(app, db, scene).json
    response = app.get(f"/api/v1/charters/{body['id']}/pdf")
    assert response.content_type == "application/pdf"
    text = pdfs.text(response.body)
    assert "Moulins shared garden" in text
    assert body["sha256"] in text.replace(" ", "")
    attached = pdfs.attachments(response.body)
    assert hashlib.sha256(attached["charter.json"]).hexdigest() == body["sha256"]
    # Stored, not rendered again: the same bytes every time.
    assert app.get(f"/api/v1/charters/{body['id']}/pdf").body == response.body


def test_charter_json_and_list(app, db, scene):
    body = issue(app, db, scene).json
    item = app.get(f"/api/v1/charters/{body['id']}").json
    assert item["sha256"] == body["sha256"]
    assert item["signatures"] == [] and item["scans"] == []
    listing = app.get("/api/v1/charters").json
    assert [c["id"] for c in listing["items"]] == [body["id"]]
    assert listing["next"] is None
    assert app.get("/api/v1/charters?status=signed").json["items"] == []
    app.get("/api/v1/charters?status=nope", status=422)
    app.get("/api/v1/charters/999999", status=404)
    app.get("/api/v1/charters/999999/pdf", status=404)
    app.get("/api/v1/charters/x/pdf", status=404)


# --- signing ---------------------------------------------------------------------------------


def test_both_parties_sign_then_the_charter_is_signed_and_the_partnership_active(app, db, scene):
    body = issue(app, db, scene).json
    first = sign(app, db, scene.official, body["id"], place="Lille").json
    assert first["party"] == "city" and first["status"] == "awaiting_signatures"
    second = sign(
        app, db, scene.official, body["id"], party="commons", name="Yusuf Demir", role="Co-chair"
    ).json
    assert second["status"] == "signed"
    db.expire_all()
    assert db.get(Charter, body["id"]).status == "signed"
    assert scene.partnership.status == "active"
    item = db.get(Charter, body["id"])
    # The code never changes: signatures are not part of the text.
    assert item.sha256 == body["sha256"] == charter.digest(item.content)
    text = pdfs.text(app.get(f"/api/v1/charters/{body['id']}/pdf").body)
    assert "Claire Martin" in text and "Yusuf Demir" in text and "Lille" in text
    attached = pdfs.attachments(app.get(f"/api/v1/charters/{body['id']}/pdf").body)
    assert hashlib.sha256(attached["charter.json"]).hexdigest() == body["sha256"]
    assert [s["name"] for s in json.loads(attached["signatures.json"])] == [
        "Claire Martin",
        "Yusuf Demir",
    ]
    actions = [e.action for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("charter.sign") == 2
    assert "charter.signed" in actions


def test_signing_a_party_twice_is_a_conflict(app, db, scene):
    body = issue(app, db, scene).json
    sign(app, db, scene.official, body["id"])
    error = sign(app, db, scene.official, body["id"], status=409).json["error"]
    assert error["code"] == "conflict"
    sign(app, db, scene.official, body["id"], party="commons")
    sign(app, db, scene.official, body["id"], party="commons", status=409)


def test_a_named_signatory_signs_for_their_own_party_only(app, db, scene):
    signatory = factories.make_user(db, name="Yusuf Demir")
    body = issue(app, db, scene, commons={"signatory_email": signatory.email}).json
    sign(app, db, signatory, body["id"], party="city", status=403)
    signed = sign(app, db, signatory, body["id"], party="commons", name="Yusuf Demir").json
    assert signed["party"] == "commons"
    item = db.get(Charter, body["id"])
    assert item.signature_for("commons").user_id == signatory.id


def test_others_may_not_sign(app, db, scene):
    body = issue(app, db, scene).json
    sign(app, db, scene.member, body["id"], status=403)
    sign(app, db, scene.facilitator, body["id"], status=403)
    app.post_json(
        f"/api/v1/charters/{body['id']}/signatures",
        {"name": "X", "party": "city"},
        status=401,
    )


def test_signing_bad_input(app, db, scene):
    body = issue(app, db, scene).json
    errors = sign(app, db, scene.official, body["id"], party="mayor", status=422).json["error"]
    assert "party" in errors["fields"]
    errors = sign(app, db, scene.official, body["id"], name="", status=422).json["error"]
    assert "name" in errors["fields"]
    sign(app, db, scene.official, body["id"], name="x" * 201, status=422)
    sign(app, db, scene.official, 999999, status=404)
    assert db.get(Charter, body["id"]).signatures == []


# --- verification ------------------------------------------------------------------------------


def test_verify_a_code(app, db, scene):
    body = issue(app, db, scene).json
    sign(app, db, scene.official, body["id"])
    result = app.get(f"/api/v1/charters/verify/{body['sha256']}").json
    assert result["valid"] is True
    assert result["charter_id"] == body["id"]
    assert result["status"] == "awaiting_signatures"
    assert [s["name"] for s in result["signatures"]] == ["Claire Martin"]
    # A code typed in capitals is the same code.
    assert app.get(f"/api/v1/charters/verify/{body['sha256'].upper()}").json["valid"]


def test_unknown_or_malformed_codes_are_404_without_details(app, db, scene):
    issue(app, db, scene)
    for code in ("0" * 64, "abc", "g" * 64, "%27%20OR%201=1", "a" * 65):
        error = app.get(f"/api/v1/charters/verify/{code}", status=404).json["error"]
        assert error["code"] == "not_found"
        assert "charter_id" not in json.dumps(error)


# --- the signed scan -----------------------------------------------------------------------------


def test_filing_the_signed_scan(app, db, scene):
    body = issue(app, db, scene).json
    response = app.post(
        f"/api/v1/charters/{body['id']}/scans",
        upload_files=[("file", "signed.pdf", MINIMAL_PDF, "application/pdf")],
        headers=bearer(db, scene.official),
        status=201,
    ).json
    assert response["sha256"] == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert response["filename"] == "signed.pdf"
    listed = app.get(f"/api/v1/charters/{body['id']}").json["scans"]
    assert [s["sha256"] for s in listed] == [response["sha256"]]
    assert _audit(db, "charter.scan_upload")


def test_the_assembly_facilitator_may_file_the_scan_a_member_may_not(app, db, scene):
    body = issue(app, db, scene).json
    url = f"/api/v1/charters/{body['id']}/scans"
    files = [("file", "signed.pdf", MINIMAL_PDF, "application/pdf")]
    app.post(url, upload_files=files, headers=bearer(db, scene.facilitator), status=201)
    app.post(url, upload_files=files, headers=bearer(db, scene.member), status=403)
    app.post(url, upload_files=files, status=401)


def test_a_scan_that_is_not_a_pdf_is_refused(app, db, scene):
    body = issue(app, db, scene).json
    url = f"/api/v1/charters/{body['id']}/scans"
    headers = bearer(db, scene.official)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    error = app.post(
        url, upload_files=[("file", "scan.png", png, "image/png")], headers=headers, status=422
    ).json["error"]
    assert "file" in error["fields"]
    # A PDF name does not make a PDF.
    app.post(
        url, upload_files=[("file", "x.pdf", b"hello", "application/pdf")], headers=headers,
        status=422,
    )  # fmt: skip
    app.post(url, {"other": "field"}, headers=headers, status=422)
    app.post_json(url, {"file": "x"}, headers=headers, status=422)
    assert db.get(Charter, body["id"]).scans == []


def test_the_move_to_active_is_credited_to_the_city_not_the_commons_signatory(app, db, scene):
    """The commons' signatory signs last: the partnership comes into force on the city's
    signature, so the history and the notifications credit the city's signer."""
    from deliberation.services import notifications

    signatory = scene.member
    body = issue(app, db, scene, commons={"signatory_email": signatory.email}).json
    sign(app, db, scene.official, body["id"])
    sign(app, db, signatory, body["id"], party="commons", name="Mia Member")
    db.expire_all()
    assert scene.partnership.status == "active"
    moves = {
        entry.details["to_status"]: entry.actor_id
        for entry in db.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "partnership.transition",
                AuditEntry.object_id == str(scene.partnership.id),
            )
        )
    }
    assert moves["signed"] == signatory.id  # the last signature completed the charter
    assert moves["active"] == scene.official.id
    # The commons' signatory is told, as everyone else, that it is now active.
    told = notifications.for_user(db, signatory)
    active = [n for n in told if n.kind == "transition" and n.details["to_status"] == "active"]
    assert [n.actor.id for n in active] == [scene.official.id]
