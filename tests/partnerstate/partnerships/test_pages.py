"""Partnership pages: list, drafting, the page, editing, versions and their diffs, moves."""

from __future__ import annotations

import re

import pytest

from partnerstate.partnerships.models import Partnership
from tests.conftest import csrf_token, log_in
from tests.form_errors import field_errors
from tests.partnerstate.partnerships import helpers


@pytest.fixture
def cast(db, official):
    return helpers.make_cast(db, official)


# --- the list -----------------------------------------------------------------------------------


def test_the_list_is_public_and_filters(app, db, cast):
    draft = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, title="Tool library pact"
    )
    open_ = helpers.make_partnership(
        db, cast.official, cast.assembly, status="deliberation", title="Garden pact"
    )
    # An official, who reads drafts too (see test_drafts.py for everyone else).
    log_in(app, cast.official.email)
    page = app.get("/partnerships")
    assert "Tool library pact" in page.text and "Garden pact" in page.text
    assert '<th scope="col">' in page.text
    filtered = app.get("/partnerships", {"status": "deliberation"})
    assert "Garden pact" in filtered.text and "Tool library pact" not in filtered.text
    by_commons = app.get("/partnerships", {"commons": str(cast.commons.id)})
    assert "Tool library pact" in by_commons.text and "Garden pact" not in by_commons.text
    by_assembly = app.get("/partnerships", {"assembly": str(cast.assembly.id)})
    assert "Tool library pact" in by_assembly.text
    # Nonsense filters are ignored, never an error.
    app.get("/partnerships", {"status": "x", "commons": "abc", "page": "-1"}, status=200)
    # A page past the end goes to the last one, keeping the filters.
    past = app.get("/partnerships", {"status": "deliberation", "page": "5"}, status=302)
    assert "page=1" in past.location and "status=deliberation" in past.location
    assert draft.id and open_.id


def test_the_nav_links_to_partnerships(app):
    assert 'href="http://localhost/partnerships"' in app.get("/").text


# --- drafting -----------------------------------------------------------------------------------


def test_an_official_drafts_through_the_form(app, db, cast):
    log_in(app, cast.official.email)
    page = app.get("/partnerships/new")
    assert page.status_int == 200
    form = next(f for f in page.forms.values() if f.action.endswith("/partnerships/new"))
    form["assembly_id"] = str(cast.assembly.id)
    form["commons_id"] = str(cast.commons.id)
    form["title"] = "Repair café at the library"
    form["purpose"] = "Fix things together instead of throwing them away."
    form["city_commitments-0-kind"] = "space"
    form["city_commitments-0-description"] = "The library's hall on Saturdays"
    form["city_commitments-0-quantity"] = "80 m²"
    form["city_commitments-1-kind"] = "insurance"
    form["city_commitments-1-description"] = "Liability insurance"
    form["city_commitments-2-kind"] = "tools_equipment"
    form["city_commitments-2-description"] = "Soldering stations on loan"
    form["commons_commitments-0-description"] = "Open to all, free of charge"
    form["duration_months"] = "12"
    response = form.submit()
    assert response.status_int == 303
    partnership = (
        db.query(Partnership)
        .filter(Partnership.kind == "ordinary")
        .order_by(Partnership.id.desc())
        .first()
    )
    assert partnership.title == {"en": "Repair café at the library"}
    assert [c["kind"] for c in partnership.city_commitments] == [
        "space",
        "insurance",
        "tools_equipment",
    ]
    assert partnership.city_commitments[0]["quantity"] == "80 m²"
    shown = response.follow()
    assert "Repair café at the library" in shown.text
    assert "Soldering stations on loan" in shown.text


def test_a_bad_draft_is_shown_again_with_errors(app, db, cast):
    log_in(app, cast.official.email)
    page = app.get("/partnerships/new")
    form = next(f for f in page.forms.values() if f.action.endswith("/partnerships/new"))
    form["assembly_id"] = str(cast.assembly.id)
    form["commons_id"] = str(cast.commons.id)
    form["title"] = "<b>Bold</b>"
    form["city_commitments-0-description"] = "No kind given"
    form["city_commitments-1-kind"] = "insurance"
    form["city_commitments-1-description"] = "<i>Tagged</i>"
    response = form.submit(status=422)
    assert "HTML is not allowed here." in response.text
    assert 'id="city_commitments-0-kind"' in response.text
    assert "error-summary" in response.text
    # The summary names each commitment's row, and leads to its field.
    summary = response.text.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#city_commitments-0-kind">City commitment 1 —' in summary
    assert 'href="#city_commitments-1-description">City commitment 2 —' in summary
    assert db.query(Partnership).count() == 0


def test_every_problem_of_a_draft_shows_at_once(app, db, cast):
    # A duration that is not a number used to hide the rules' checks of the rest.
    log_in(app, cast.official.email)
    token = csrf_token(app, "/partnerships/new")
    response = app.post(
        "/partnerships/new",
        {
            "csrf_token": token,
            "language": "en",
            "assembly_id": "",
            "commons_id": str(cast.commons.id),
            "title": "",
            "kind": "ordinary",
            "city_commitments-0-description": "No kind given",
            "city_commitments-0-quantity": "<b>80 m²</b>",
            "duration_months": "a year",
        },
        status=422,
    )
    errors = field_errors(response)
    assert errors["duration_months"] == ["Not a valid integer value."]  # not also the range
    assert errors["assembly_id"] == ["Choose an assembly."]  # left empty: not "no such number"
    assert errors["title"] == ["This field is required."]
    assert errors["city_commitments-0-quantity"] == ["HTML is not allowed here."]
    # The kinds in words, as the form's menu names them, never their internal codes.
    kind_error = errors["city_commitments-0-kind"][0]
    assert kind_error.startswith("Must be one of: Space, Utilities and maintenance, ")
    assert "utilities_maintenance" not in kind_error
    assert kind_error.endswith(", Data, or Communication.")
    assert db.query(Partnership).count() == 0


def test_every_problem_of_an_edit_shows_at_once(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    log_in(app, cast.official.email)
    page = app.get(f"/partnerships/{partnership.id}/edit")
    form = next(f for f in page.forms.values() if "/edit" in f.action)
    form["duration_months"] = "500"
    form["title"] = "<b>Garden</b>"
    form["note"] = "<i>why</i>"
    response = form.submit(status=422)
    errors = field_errors(response)
    assert errors["duration_months"] == ["Must be between 1 and 120."]
    assert errors["title"] == ["HTML is not allowed here."]
    assert "no HTML" in errors["note"][0]
    db.refresh(partnership)
    assert partnership.version == 1


@pytest.mark.parametrize("who", ["member", "facilitator"])
def test_only_officials_see_the_draft_form(app, db, cast, who):
    log_in(app, getattr(cast, who).email)
    app.get("/partnerships/new", status=403)


def test_anonymous_visitors_are_asked_to_log_in(app):
    response = app.get("/partnerships/new", status=303)
    assert "/login" in response.location


# --- the page -----------------------------------------------------------------------------------


def test_the_page_shows_the_text_commitments_phase_and_history(app, db, cast):
    partnership = helpers.make_partnership(
        db,
        cast.official,
        cast.assembly,
        cast.commons,
        "deliberation",
        objectives="**Plant** fifty fruit trees",
    )
    page = app.get(f"/partnerships/{partnership.id}")
    text = page.text
    assert "<h1>Community garden at the tram depot</h1>" in text
    assert "The old tram depot, rent-free" in text and "400 m²" in text
    assert "Keep the garden open to everyone on Saturdays" in text
    assert "<strong>Plant</strong> fifty fruit trees" in text
    assert 'aria-current="step"' in text
    assert "The deliberation is open until" in text
    assert "From “Draft” to “In deliberation”" in text
    assert "Deliberation" in text and "Alternatives" in text


def test_the_page_reminds_when_the_deadline_is_near_or_past(app, db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    partnership.deliberation_ends_at = helpers.later(1)
    db.commit()
    assert "The deliberation ends soon" in app.get(f"/partnerships/{partnership.id}").text
    partnership.deliberation_ends_at = helpers.later(-1)
    db.commit()
    assert "The deliberation ended on" in app.get(f"/partnerships/{partnership.id}").text


def test_unknown_pages_are_404(app):
    app.get("/partnerships/999999", status=404)
    app.get("/partnerships/999999/edit", status=404)


def test_user_text_is_shown_as_typed_and_nothing_in_it_runs(app, db, cast):
    purpose = (
        '<img src=x onerror="alert(1)"> [click](javascript:alert(2)) <script>alert(3)</script>'
        " <https://x.org> `<b>`"
    )
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation", purpose=purpose
    )
    page = app.get(f"/partnerships/{partnership.id}")
    prose = page.html.select_one("[aria-labelledby=purpose-heading] .prose")
    # Raw HTML is shown as text; Markdown's autolink and code span work.
    assert prose.get_text().strip() == (
        '<img src=x onerror="alert(1)"> [click](javascript:alert(2)) <script>alert(3)</script>'
        " https://x.org <b>"
    )
    assert [a["href"] for a in prose.select("a")] == ["https://x.org"]
    assert [tag.name for tag in prose.find_all(True)] == ["p", "a", "code"]
    assert not [
        name for tag in page.html.find_all(True) for name in tag.attrs if name.startswith("on")
    ]
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "javascript:" not in page.text


def test_actions_by_role(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    url = f"/partnerships/{partnership.id}"
    # The draft is not there for the public and members (test_drafts.py).
    app.get(url, status=404)
    log_in(app, cast.member.email)
    app.get(url, status=404)
    log_in(app, cast.facilitator.email)
    page = app.get(url)
    assert "Open deliberation" in page.text and "Edit the text" not in page.text
    log_in(app, cast.official.email)
    page = app.get(url)
    assert (
        "Open deliberation" in page.text
        and "Edit the text" in page.text
        and "Withdraw" in page.text
    )


# --- moves through forms ------------------------------------------------------------------------


def move(app, partnership, name, status=None, **fields):
    token = csrf_token(app, "/profile")
    return app.post(
        f"/partnerships/{partnership.id}/moves/{name}",
        {"csrf_token": token, **fields},
        status=status,
    )


def test_a_facilitator_opens_deliberation_from_the_page(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    log_in(app, cast.facilitator.email)
    day = helpers.later(14).date().isoformat()
    response = move(app, partnership, "open_deliberation", ends_on=day)
    assert response.status_int == 303
    db.refresh(partnership)
    assert partnership.status == "deliberation"
    assert partnership.deliberation_ends_at.date().isoformat() in (
        day,
        helpers.later(15).date().isoformat(),
    )
    assert "In deliberation" in response.follow().text


def test_the_move_page_shows_what_is_missing(app, db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, city_commitments=[], duration_months=None
    )
    log_in(app, cast.official.email)
    response = move(app, partnership, "open_deliberation", status=422)
    assert "List at least one of the city" in response.text
    assert "Give the duration in months." in response.text
    db.refresh(partnership)
    assert partnership.status == "draft"


def test_a_past_deadline_is_refused(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    log_in(app, cast.official.email)
    response = move(app, partnership, "open_deliberation", ends_on="2001-01-01", status=422)
    assert "must be in the future" in response.text


def test_withdraw_needs_a_reason(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    log_in(app, cast.official.email)
    move(app, partnership, "withdraw", reason="", status=422)
    assert move(app, partnership, "withdraw", reason="Building sold").status_int == 303
    db.refresh(partnership)
    assert partnership.status == "closed" and partnership.closing_reason == "Building sold"


def test_a_move_out_of_order_is_explained(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    log_in(app, cast.official.email)
    response = move(app, partnership, "activate").follow()
    assert "draft" in response.text and "flash-error" in response.text


def test_moves_need_the_right_role_and_csrf(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    log_in(app, cast.member.email)
    move(app, partnership, "open_deliberation", status=404)  # a draft members cannot see
    log_in(app, cast.official.email)
    app.post(f"/partnerships/{partnership.id}/moves/open_deliberation", {}, status=400)
    app.get(f"/partnerships/{partnership.id}/moves/start_voting", status=404)
    app.get(f"/partnerships/{partnership.id}/moves/nonsense", status=404)


def test_the_full_lifecycle_through_pages(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "signed")
    log_in(app, cast.official.email)
    move(app, partnership, "activate")
    move(app, partnership, "close", reason="End of term")
    db.refresh(partnership)
    assert partnership.status == "closed"
    page = app.get(f"/partnerships/{partnership.id}")
    assert "Reason for closing:" in page.text and "End of term" in page.text


def test_changing_the_deadline(app, db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    log_in(app, cast.facilitator.email)
    token = csrf_token(app, "/profile")
    day = helpers.later(40).date().isoformat()
    response = app.post(
        f"/partnerships/{partnership.id}/deadline", {"csrf_token": token, "ends_on": day}
    )
    assert response.status_int == 303
    app.post(
        f"/partnerships/{partnership.id}/deadline",
        {"csrf_token": token, "ends_on": "2001-01-01"},
        status=422,
    )


# --- editing and versions -----------------------------------------------------------------------


def test_editing_creates_a_version_and_a_readable_diff(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    log_in(app, cast.official.email)
    page = app.get(f"/partnerships/{partnership.id}/edit")
    form = next(f for f in page.forms.values() if "/edit" in f.action)
    assert form["title"].value == "Community garden at the tram depot"
    assert form["city_commitments-0-description"].value == "The old tram depot, rent-free"
    form["purpose"] = "Grow food and friendship on unused municipal land, with the school."
    form["city_commitments-3-kind"] = "funding"
    form["city_commitments-3-description"] = "A grant for seeds"
    form["city_commitments-3-quantity"] = "2,000 € a year"
    form["note"] = "The school joins"
    response = form.submit()
    assert response.status_int == 303
    db.refresh(partnership)
    assert partnership.version == 2 and len(partnership.city_commitments) == 4
    versions = app.get(f"/partnerships/{partnership.id}/versions")
    assert "The school joins" in versions.text
    diff = app.get(f"/partnerships/{partnership.id}/versions/2")
    assert re.search(
        r"<ins><span class=\"visually-hidden\">\[added: </span>.*with the school\.", diff.text
    )
    assert "A grant for seeds" in diff.text
    assert "<del>" in diff.text or "<ins>" in diff.text
    compared = app.get(f"/partnerships/{partnership.id}/versions/2", {"against": "1"})
    assert compared.status_int == 200
    app.get(f"/partnerships/{partnership.id}/versions/3", status=404)
    app.get(f"/partnerships/{partnership.id}/versions/2", {"against": "7"}, status=404)


def test_translating_keeps_the_original(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    log_in(app, cast.official.email)
    page = app.get(f"/partnerships/{partnership.id}/edit", {"language": "fr"})
    assert "Original text: Community garden at the tram depot" in page.text
    form = next(f for f in page.forms.values() if "/edit" in f.action)
    assert form["title"].value == ""
    form["title"] = "Jardin partagé du dépôt de tram"
    form["city_commitments-0-description"] = "L'ancien dépôt, sans loyer"
    form.submit()
    db.refresh(partnership)
    assert partnership.title == {
        "en": "Community garden at the tram depot",
        "fr": "Jardin partagé du dépôt de tram",
    }
    assert partnership.city_commitments[0]["description"] == {
        "en": "The old tram depot, rent-free",
        "fr": "L'ancien dépôt, sans loyer",
    }
    french = app.get(f"/partnerships/{partnership.id}", {"_LOCALE_": "fr"})
    assert "Jardin partagé du dépôt de tram" in french.text


@pytest.mark.parametrize(("who", "status"), [("member", 404), ("facilitator", 403)])
def test_only_officials_edit_pages(app, db, cast, who, status):
    # Members do not see the draft at all; facilitators see it but may not edit it.
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    log_in(app, getattr(cast, who).email)
    app.get(f"/partnerships/{partnership.id}/edit", status=status)


def test_editing_after_voting_started_is_a_conflict(app, db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "voting")
    log_in(app, cast.official.email)
    app.get(f"/partnerships/{partnership.id}/edit", status=409)


# --- French -------------------------------------------------------------------------------------


def test_the_page_reads_in_french(app, db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    page = app.get(f"/partnerships/{partnership.id}", {"_LOCALE_": "fr"})
    assert '<html lang="fr" dir="ltr">' in page.text
    assert "Les engagements habilitants de la ville" in page.text
    assert "En délibération" in page.text
    listing = app.get("/partnerships", {"_LOCALE_": "fr"})
    assert "Partenariats" in listing.text


# --- other pages --------------------------------------------------------------------------------


def test_a_commons_page_lists_its_partnerships(app, db, cast):
    helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation", title="Garden pact"
    )
    page = app.get(f"/commons/{cast.commons.id}")
    assert "Garden pact" in page.text
    assert "Draft a partnership" not in page.text
    log_in(app, cast.official.email)
    page = app.get(f"/commons/{cast.commons.id}")
    assert f"/partnerships/new?commons={cast.commons.id}" in page.text
    form_page = app.get(f"/partnerships/new?commons={cast.commons.id}")
    assert f'<option selected value="{cast.commons.id}">' in form_page.text


def test_a_commons_without_partnerships_says_so(app, db, cast):
    assert "No partnership yet." in app.get(f"/commons/{cast.commons.id}").text


def test_an_assembly_page_lists_its_partnerships(app, db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation", title="Garden pact"
    )
    page = app.get(f"/assemblies/{cast.assembly.id}")
    assert "Garden pact" in page.text
    shown = app.get(f"/partnerships/{partnership.id}")
    assert f'href="http://localhost/assemblies/{cast.assembly.id}"' in shown.text
