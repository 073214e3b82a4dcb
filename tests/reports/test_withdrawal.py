"""Withdrawing an unsigned charter issued by mistake, and issuing it again (API)."""

from __future__ import annotations

from sqlalchemy import select

from partnerstate.models import AuditEntry
from reports.models import Charter
from tests.conftest import bearer, csrf_token, log_in
from tests.form_errors import field_errors
from tests.reports.conftest import MINIMAL_PDF, form_token, issue, sign

REASON = "Issued in French by mistake; the text exists in English only."


def withdraw(app, db, user, charter_id, status=200, **body):
    return app.post_json(
        f"/api/v1/charters/{charter_id}/withdrawal",
        body,
        headers=bearer(db, user),
        status=status,
    )


def test_an_official_withdraws_an_unsigned_charter_with_a_reason(app, db, scene):
    first = issue(app, db, scene).json
    body = withdraw(app, db, scene.official, first["id"], reason=f"  {REASON} ").json
    assert body["status"] == "withdrawn"
    assert body["withdrawal_reason"] == REASON
    assert body["withdrawn_at"]
    item = db.get(Charter, first["id"])
    assert (item.status, item.withdrawn_by_id) == ("withdrawn", scene.official.id)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "charter.withdraw")).one()
    assert entry.object_id == str(item.id)
    assert REASON in str(entry.details)
    # Still in the register, marked withdrawn.
    listed = app.get("/api/v1/charters").json["items"]
    assert [(c["id"], c["status"]) for c in listed] == [(item.id, "withdrawn")]


def test_a_withdrawn_code_never_verifies_as_valid(app, db, scene):
    first = issue(app, db, scene).json
    withdraw(app, db, scene.official, first["id"], reason=REASON)
    body = app.get(f"/api/v1/charters/verify/{first['sha256']}").json
    assert body["valid"] is False
    assert body["status"] == "withdrawn"
    assert body["withdrawal_reason"] == REASON
    page = app.get(f"/charters/verify/{first['sha256']}")
    assert "Valid: this code" not in page.text
    assert "Withdrawn" in page.text
    assert REASON in page.text


def test_a_withdrawn_charter_no_longer_blocks_issuing_again(app, db, scene):
    first = issue(app, db, scene).json
    issue(app, db, scene, status=409)
    withdraw(app, db, scene.official, first["id"], reason=REASON)
    second = issue(app, db, scene).json
    assert second["status"] == "awaiting_signatures"
    assert second["sha256"] != first["sha256"]
    # The new text names the code of the charter it replaces.
    assert db.get(Charter, second["id"]).content["supersedes"] == first["sha256"]
    assert app.get(f"/api/v1/charters/verify/{second['sha256']}").json["valid"] is True
    # Withdrawn and issued again, twice: each text is new.
    withdraw(app, db, scene.official, second["id"], reason=REASON)
    third = issue(app, db, scene).json
    assert len({first["sha256"], second["sha256"], third["sha256"]}) == 3


def test_withdrawing_needs_a_reason_and_an_unsigned_current_charter(app, db, scene):
    first = issue(app, db, scene).json
    error = withdraw(app, db, scene.official, first["id"], status=422, reason="   ").json
    assert error["error"]["fields"] == {"reason": "Say why the charter is withdrawn."}
    withdraw(app, db, scene.official, first["id"], status=422, reason="x" * 1001)
    withdraw(app, db, scene.official, first["id"], status=422)  # no reason at all
    assert db.get(Charter, first["id"]).status == "awaiting_signatures"
    withdraw(app, db, scene.official, first["id"], reason=REASON)
    withdraw(app, db, scene.official, first["id"], status=409, reason=REASON)


def test_a_signed_charter_cannot_be_withdrawn(app, db, scene):
    first = issue(app, db, scene).json
    sign(app, db, scene.official, first["id"])
    error = withdraw(app, db, scene.official, first["id"], status=409, reason=REASON).json
    assert "signed" in error["error"]["message"]
    assert db.get(Charter, first["id"]).status == "awaiting_signatures"


def test_only_officials_withdraw(app, db, scene):
    first = issue(app, db, scene).json
    withdraw(app, db, scene.member, first["id"], status=403, reason=REASON)
    withdraw(app, db, scene.facilitator, first["id"], status=403, reason=REASON)
    app.post_json(f"/api/v1/charters/{first['id']}/withdrawal", {"reason": REASON}, status=401)
    assert db.get(Charter, first["id"]).status == "awaiting_signatures"


def test_a_withdrawn_charter_is_neither_signed_nor_filed(app, db, scene):
    first = issue(app, db, scene).json
    withdraw(app, db, scene.official, first["id"], reason=REASON)
    error = sign(app, db, scene.official, first["id"], status=409).json
    assert error["error"]["message"] == "This charter was withdrawn."
    app.post(
        f"/api/v1/charters/{first['id']}/scans",
        upload_files=[("file", "scan.pdf", MINIMAL_PDF)],
        headers=bearer(db, scene.official),
        status=409,
    )


# --- through the pages (no JavaScript, CSRF) ------------------------------------------------


def test_an_official_withdraws_through_the_charter_page(app, db, scene):
    first = issue(app, db, scene).json
    url = f"/charters/{first['id']}"
    assert "Withdraw the charter" not in app.get(url).text  # anonymous
    log_in(app, scene.official.email)
    assert "Already issued" in app.get(f"/partnerships/{scene.partnership.id}/charter/new").text
    page = app.get(url)
    assert f'action="http://localhost/charters/{first["id"]}/withdraw"' in page.text
    token = form_token(page)
    # No CSRF token: refused, nothing changes.
    app.post(f"{url}/withdraw", {"reason": REASON}, status=400)
    empty = app.post(f"{url}/withdraw", {"csrf_token": token, "reason": "  "}, status=422)
    assert field_errors(empty) == {"reason": ["Say why the charter is withdrawn."]}
    assert db.get(Charter, first["id"]).status == "awaiting_signatures"
    done = app.post(f"{url}/withdraw", {"csrf_token": token, "reason": REASON}, status=303).follow()
    assert "Withdrawn on" in done.text
    assert REASON in done.text
    assert "Record the signature" not in done.text
    assert "Withdraw the charter" not in done.text
    listing = app.get("/charters")
    assert "Withdrawn" in listing.text
    # Issued again from the partnership's page.
    before = app.get(f"/partnerships/{scene.partnership.id}/charter/new")
    assert "Already issued" not in before.text


def test_members_may_not_withdraw_through_the_page(app, db, scene):
    first = issue(app, db, scene).json
    log_in(app, scene.member.email)
    assert "Withdraw the charter" not in app.get(f"/charters/{first['id']}").text
    app.post(
        f"/charters/{first['id']}/withdraw",
        {"csrf_token": csrf_token(app, "/profile"), "reason": REASON},
        status=403,
    )
    assert db.get(Charter, first["id"]).status == "awaiting_signatures"


def test_a_signed_charter_offers_no_withdrawal(app, db, scene):
    first = issue(app, db, scene).json
    sign(app, db, scene.official, first["id"])
    log_in(app, scene.official.email)
    page = app.get(f"/charters/{first['id']}")
    assert "Withdraw the charter" not in page.text
    refused = app.post(
        f"/charters/{first['id']}/withdraw",
        {"csrf_token": form_token(page), "reason": REASON},
        status=409,
    )
    assert "A charter that has been signed cannot be withdrawn." in refused.text
