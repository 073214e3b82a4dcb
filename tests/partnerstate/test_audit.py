"""The audit log: the single writer (services.audit) and the officials' page."""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from partnerstate import audit_labels
from partnerstate.models import AuditEntry
from partnerstate.services import audit
from partnerstate.views.audit import PAGE_SIZE
from tests import factories

# --- the service ------------------------------------------------------------------------------


def test_record_writes_who_what_when_on_which_object(db, official):
    before = dt.datetime.now(dt.UTC)
    entry = audit.record(db, official, "commons.validate", "commons", 7, reason="complete")
    db.commit()
    stored = db.get(AuditEntry, entry.id)
    assert stored.actor_id == official.id
    assert stored.actor.email == official.email
    assert stored.action == "commons.validate"
    assert stored.object_type == "commons"
    assert stored.object_id == "7"  # ids are opaque strings in the log
    assert stored.details == {"reason": "complete"}
    assert stored.created_at.tzinfo is not None
    assert before - dt.timedelta(seconds=5) <= stored.created_at <= dt.datetime.now(dt.UTC)


def test_record_without_an_actor(db):
    entry = audit.record(db, None, "system.purge", "login_failures", "all")
    db.flush()
    assert entry.actor_id is None
    assert entry.details == {}


def test_details_keep_json_values(db, official):
    details = {"before": {"status": "proposed"}, "after": ["a", "b"], "count": 3, "ok": True}
    entry = audit.record(db, official, "x.change", "x", "1", **details)
    db.commit()
    db.expire_all()
    assert db.get(AuditEntry, entry.id).details == details


def test_entries_for_one_object_oldest_first(db, official, member):
    audit.record(db, official, "commons.validate", "commons", 1)
    audit.record(db, official, "commons.edit", "commons", 2)
    audit.record(db, member, "commons.edit", "commons", 1)
    audit.record(db, official, "assembly.edit", "assembly", 1)
    db.flush()
    history = audit.entries_for(db, "commons", 1)
    assert [(e.action, e.actor_id) for e in history] == [
        ("commons.validate", official.id),
        ("commons.edit", member.id),
    ]
    assert audit.entries_for(db, "commons", "1") == history
    assert audit.entries_for(db, "commons", 99) == []


def test_recent_newest_first_with_paging(db, official):
    for n in range(5):
        audit.record(db, official, f"step.{n}", "thing", n)
    db.flush()
    assert [e.action for e in audit.recent(db, limit=2)] == ["step.4", "step.3"]
    assert [e.action for e in audit.recent(db, limit=2, offset=4)] == ["step.0"]


def test_entries_survive_the_actors_deletion(db):
    person = factories.make_user(db, role="official")
    entry = audit.record(db, person, "commons.validate", "commons", 1)
    db.commit()
    db.delete(person)
    db.commit()
    db.expire_all()
    kept = db.get(AuditEntry, entry.id)
    assert kept is not None and kept.actor_id is None


# --- the page -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(app):
    response = app.get("/audit")
    assert response.status_int == 303
    assert "/login?next=%2Faudit" in response.headers["Location"]


def test_member_is_refused(member_app):
    member_app.get("/audit", status=403)


def test_official_reads_the_log(official_app, db, official, member):
    audit.record(db, official, "commons.validate", "commons", 42, reason="Checked on site")
    audit.record(db, None, "system.purge", "login_failures", "all")
    db.commit()
    page = official_app.get("/audit")
    assert page.status_int == 200
    assert page.html.select_one("h1").text == "Audit log"
    rows = page.html.select("table tbody tr")
    assert len(rows) == 2
    newest, oldest = rows
    assert "system.purge" in newest.text
    assert "commons.validate" in oldest.text
    assert official.display_name in oldest.text
    assert "Validated a commons" in oldest.text
    assert oldest.select_one("a[href='/commons/42']").text == "Commons 42"
    assert "login_failures all" in newest.text  # unknown types and actions show as stored
    assert "Checked on site" in oldest.text
    assert oldest.select_one("time")["datetime"].startswith(str(dt.date.today().year))
    headers = [th.text for th in page.html.select("thead th[scope=col]")]
    assert headers == ["When", "Who", "Action", "Object", "Details"]


def test_official_reads_the_log_in_french(official_app, db, official):
    audit.record(db, official, "commons.validate", "commons", 1)
    db.commit()
    page = official_app.get("/audit?_LOCALE_=fr")
    assert '<html lang="fr" dir="ltr">' in page.text
    assert "Journal d’audit" in page.text
    assert "Validated a commons" not in page.text


# Partnership moves that pass their keyword arguments on to the audit entry's details.
DETAIL_FORWARDERS = {"start_voting", "record_outcome", "mark_signed"}


def _audit_record_calls(forwarders: frozenset[str] = frozenset()) -> Iterator[ast.Call]:
    """Every ``audit.record(…)`` call in the application's code (and ``forwarders``')."""
    root = Path(__file__).resolve().parents[2]
    for package in ("partnerstate", "assemblies", "deliberation", "reports"):
        for path in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                recorded = node.func.attr == "record" and ast.unparse(node.func.value) == "audit"
                if recorded or node.func.attr in forwarders:
                    yield node


def test_every_recorded_action_has_a_label():
    # Scans the code for audit.record(…, "action", "type", …) so a new action needs a label.
    found = {
        node.args[2].value
        for node in _audit_record_calls()
        if len(node.args) > 2 and isinstance(node.args[2], ast.Constant)
    }
    assert len(found) > 30
    assert found <= set(audit_labels.ACTIONS), found - set(audit_labels.ACTIONS)


def test_every_recorded_detail_has_a_label():
    # audit.record(…, reason=…): a new detail name needs a label, or officials read "user_id".
    calls = _audit_record_calls(frozenset(DETAIL_FORWARDERS))
    found = {kw.arg for node in calls for kw in node.keywords if kw.arg}
    assert len(found) > 10
    assert found <= set(audit_labels.DETAILS), found - set(audit_labels.DETAILS)


def test_details_are_named_in_the_readers_language(official_app, db, official):
    audit.record(db, official, "vote.open", "vote", 3, partnership_id=7, seats=2)
    db.commit()
    page = official_app.get("/audit?_LOCALE_=fr")
    names = [term.text for term in page.html.select("dl.audit-details dt")]
    assert names == ["Partenariat", "Sièges"]


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        ({"from_status": "draft", "to_status": "deliberation"}, ["Brouillon", "En délibération"]),
        ({"transition": "open_deliberation"}, ["Ouvrir la délibération"]),
        ({"role": "facilitator"}, ["animateur·rice"]),
        ({"method": "irv"}, ["Vote alternatif (second tour instantané)"]),
        ({"party": "city"}, ["La ville"]),
        ({"locale": "fr"}, ["Français"]),
        ({"outcome": "no_quorum"}, ["Quorum non atteint"]),
    ],
)
def test_codes_in_details_are_named_in_the_readers_language(
    official_app, db, official, details, expected
):
    audit.record(db, official, "partnership.transition", "partnership", 3, **details)
    db.commit()
    page = official_app.get("/audit?_LOCALE_=fr")
    values = [value.text.strip() for value in page.html.select("dl.audit-details dd")]
    assert values == expected


def test_unknown_codes_in_details_are_shown_as_stored(official_app, db, official):
    audit.record(db, official, "partnership.transition", "partnership", 3, role="mayor", seats=2)
    db.commit()
    page = official_app.get("/audit?_LOCALE_=fr")
    values = [value.text.strip() for value in page.html.select("dl.audit-details dd")]
    assert values == ["mayor", "2"]


def test_empty_log(official_app):
    page = official_app.get("/audit")
    assert "Nothing has been recorded yet." in page.text
    assert page.html.select("table") == []


def test_user_text_in_details_is_escaped(official_app, db, official):
    audit.record(db, official, "x.y", "x", 1, reason="<script>alert(1)</script>")
    db.commit()
    page = official_app.get("/audit")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text


def test_paging(official_app, db, official):
    for n in range(PAGE_SIZE + 3):
        audit.record(db, official, f"step.{n}", "thing", n)
    db.commit()
    first = official_app.get("/audit")
    assert len(first.html.select("table tbody tr")) == PAGE_SIZE
    assert first.html.select("a[rel=prev]") == []
    second = official_app.get(first.html.select_one("a[rel=next]")["href"])
    rows = second.html.select("table tbody tr")
    assert [r.select_one("code").text for r in rows] == ["step.2", "step.1", "step.0"]
    assert second.html.select("a[rel=next]") == []
    assert second.html.select_one("a[rel=prev]")["href"].endswith("/audit?page=1")


def test_only_get(official_app):
    official_app.post("/audit", status=405)


def test_the_profile_links_officials_to_the_log(official_app):
    page = official_app.get("/profile")
    assert page.html.select_one("a[href='http://localhost/audit']") is not None


def test_the_profile_does_not_link_members_to_the_log(member_app):
    page = member_app.get("/profile")
    assert page.html.select_one("a[href='http://localhost/audit']") is None


def test_the_page_is_logged_for_nobody(official_app, db):
    """Reading the log is not itself an action worth logging."""
    official_app.get("/audit")
    assert db.scalars(select(AuditEntry)).all() == []


def test_empty_detail_values_show_a_dash(official_app, db, official):
    audit.record(db, official, "vote.open", "vote", 1, closes_at=None)
    db.commit()
    page = official_app.get("/audit")
    assert page.html.select_one(".audit-details dd").text == "—"


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "99999999999999999999"])
def test_a_mistyped_page_number_shows_the_first_page(official_app, db, official, page):
    # As on the commons register: a bad link still shows the list, not a "page not found".
    audit.record(db, official, "commons.validate", "commons", 1)
    db.commit()
    listed = official_app.get(f"/audit?page={page}")
    assert len(listed.html.select("table tbody tr")) == 1


@pytest.mark.parametrize("page", ["5", "99999"])
def test_a_page_past_the_end_is_a_404(official_app, page):
    official_app.get("/audit", {"page": page}, status=404)
