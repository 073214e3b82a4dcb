"""Alternatives: proposed by members, revised by their author, declined with a reason,
and — unless declined — options on the ballot."""

from __future__ import annotations

import pytest

from assemblies import services as assemblies_services
from deliberation.debate_models import Alternative
from deliberation.services import alternatives, ballot_options
from partnerstate.models import AuditEntry
from partnerstate.partnerships.errors import Conflict, Forbidden, Invalid
from tests.conftest import bearer, csrf_token, log_in
from tests.form_errors import field_errors
from tests.partnerstate.partnerships import helpers


@pytest.fixture
def cast(db, official):
    return helpers.make_cast(db, official)


@pytest.fixture
def partnership(db, cast):
    return helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "deliberation")


def url(partnership, suffix=""):
    return f"/api/v1/partnerships/{partnership.id}/alternatives{suffix}"


def propose(app, db, user, partnership, status=201, **body):
    body.setdefault("title", "Shorter term, more training")
    body.setdefault("summary", "A one-year pact, with training for twenty people.")
    return app.post_json(url(partnership), body, headers=bearer(db, user), status=status)


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "facilitator"])
def test_members_propose_alternatives(app, db, cast, partnership, who):
    data = propose(app, db, getattr(cast, who), partnership).json
    assert isinstance(data["id"], int)
    assert data["on_ballot"] is True and data["status"] == "proposed"
    assert data["changed_fields"] == []


def test_the_rule_is_the_services_own(db, cast, partnership):
    # Whoever calls it (a page, the API, a script), an observer adds no option.
    with pytest.raises(Forbidden):
        alternatives.propose(db, partnership, cast.observer, "Mine", "Why")
    mine = alternatives.propose(db, partnership, cast.member, "Mine", "Why")
    # An author who became an observer no longer changes an option on the ballot.
    membership_row = assemblies_services.get_membership(db, cast.assembly.id, cast.member.id)
    membership_row.role = "observer"
    db.flush()
    with pytest.raises(Forbidden):
        alternatives.revise(db, mine, cast.member, {"summary": "Changed"}, "en")


def test_observers_comment_but_add_no_option_to_the_ballot(app, db, cast, partnership):
    # Observers never vote (docs/assemblies.md), so they cannot put options on the ballot.
    propose(app, db, cast.observer, partnership, status=403)
    log_in(app, cast.observer.email)
    app.get(f"/partnerships/{partnership.id}/alternatives/new", status=403)
    page = app.get(f"/partnerships/{partnership.id}")
    assert "Propose an alternative" not in page.text
    assert page.html.select_one("form textarea[name=body]") is not None  # may still argue


def test_changed_fields_nested_or_top_level(app, db, cast, partnership):
    nested = propose(
        app, db, cast.member, partnership,
        changes={"duration_months": 12, "title": "A one-year garden pact"},
    ).json  # fmt: skip
    assert nested["changed_fields"] == ["duration_months", "title"]
    assert nested["title"] == "Shorter term, more training"
    assert nested["text"]["title"] == "A one-year garden pact"
    assert nested["text"]["duration_months"] == 12
    top = propose(
        app, db, cast.facilitator, partnership,
        city_commitments=[
            *helpers.COMMITMENTS,
            {"kind": "funding", "description": "A grant for seeds", "quantity": "2,000 €"},
        ],
    ).json  # fmt: skip
    assert top["changed_fields"] == ["city_commitments"]
    assert len(top["text"]["city_commitments"]) == 4


def test_unchanged_fields_are_not_recorded(app, db, cast, partnership):
    data = propose(app, db, cast.member, partnership, duration_months=24).json
    assert data["changed_fields"] == []


def test_a_non_member_may_not_propose(app, db, cast, partnership):
    propose(app, db, cast.outsider, partnership, status=403)


@pytest.mark.parametrize("status", ["voting", "closed"])
def test_proposing_outside_deliberation_is_409(app, db, cast, status):
    other = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, status)
    propose(app, db, cast.member, other, status=409)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"summary": ""}, "summary"),
        ({"title": "<b>Mine</b>"}, "title"),
        ({"changes": {"duration_months": 0}}, "changes.duration_months"),
        (
            {"changes": {"city_commitments": [{"kind": "x", "description": "y"}]}},
            "changes.city_commitments.0.kind",
        ),
    ],
)
def test_bad_alternatives_are_422(app, db, cast, partnership, body, field):
    response = propose(app, db, cast.member, partnership, status=422, **body)
    assert field in response.json["error"]["fields"]


def test_the_author_revises_while_deliberation_lasts(app, db, cast, partnership):
    alt = propose(app, db, cast.member, partnership).json
    item = url(partnership, f"/{alt['id']}")
    revised = app.patch_json(
        item,
        {"summary": "A one-year pact.", "changes": {"duration_months": 12}},
        headers=bearer(db, cast.member),
    ).json
    assert revised["revision"] == 2 and revised["changed_fields"] == ["duration_months"]
    app.patch_json(item, {"summary": "Hijack"}, headers=bearer(db, cast.observer), status=403)
    helpers_move(db, cast, partnership, "start_voting")
    app.patch_json(item, {"summary": "Too late"}, headers=bearer(db, cast.member), status=409)


def helpers_move(db, cast, partnership, name):
    from partnerstate.partnerships import services

    services.move(db, partnership, name, cast.official)
    db.commit()


def test_a_facilitator_declines_with_a_reason(app, db, cast, partnership):
    alt = propose(app, db, cast.member, partnership).json
    decline = url(partnership, f"/{alt['id']}/decline")
    body = {"reason": "duplicate", "note": "Same as the first alternative."}
    app.post_json(decline, body, headers=bearer(db, cast.member), status=403)
    app.post_json(decline, body, headers=bearer(db, cast.official), status=403)
    declined = app.post_json(decline, body, headers=bearer(db, cast.facilitator)).json
    assert declined["status"] == "declined" and declined["on_ballot"] is False
    assert declined["decline_reason"] == "duplicate"
    app.post_json(decline, body, headers=bearer(db, cast.facilitator), status=409)
    entry = db.query(AuditEntry).filter_by(action="alternative.decline").one()
    assert entry.actor_id == cast.facilitator.id and entry.details["reason"] == "duplicate"
    # A declined alternative can no longer be revised.
    app.patch_json(
        url(partnership, f"/{alt['id']}"),
        {"summary": "x"},
        headers=bearer(db, cast.member),
        status=409,
    )


@pytest.mark.parametrize(
    "body",
    [{"reason": "boring", "note": "x"}, {"reason": "unlawful"}, {"reason": "unlawful", "note": ""}],
)
def test_declining_needs_a_known_reason_and_an_explanation(app, db, cast, partnership, body):
    alt = propose(app, db, cast.member, partnership).json
    app.post_json(
        url(partnership, f"/{alt['id']}/decline"),
        body,
        headers=bearer(db, cast.facilitator),
        status=422,
    )


def test_declining_after_voting_opened_is_409(app, db, cast, partnership):
    alt = propose(app, db, cast.member, partnership).json
    helpers_move(db, cast, partnership, "start_voting")
    response = app.post_json(
        url(partnership, f"/{alt['id']}/decline"),
        {"reason": "unlawful", "note": "x"},
        headers=bearer(db, cast.facilitator),
        status=409,
    )
    assert "voting" in response.json["error"]["message"]


def test_reading_alternatives(app, db, cast, partnership):
    alt = propose(app, db, cast.member, partnership).json
    listing = app.get(url(partnership)).json["items"]
    assert [a["id"] for a in listing] == [alt["id"]]
    assert app.get(url(partnership, f"/{alt['id']}")).json["title"] == "Shorter term, more training"
    app.get(url(partnership, "/999999"), status=404)


# --- the ballot ---------------------------------------------------------------------------------


def test_ballot_options_are_the_proposal_and_every_alternative_not_declined(db, cast, partnership):
    kept = alternatives.propose(
        db, partnership, cast.member, "Kept", "Why", {"duration_months": 12}
    )
    dropped = alternatives.propose(db, partnership, cast.facilitator, "Dropped", "Why")
    alternatives.decline(db, dropped, cast.facilitator, "out_of_scope", "About another garden")
    options = ballot_options(db, partnership)
    assert [o.key for o in options] == ["proposal", f"alternative:{kept.id}"]
    assert options[0].is_proposal and options[0].title == partnership.title
    assert options[1].content["duration_months"] == 12
    assert options[0].content["duration_months"] == 24
    alternatives.reinstate(db, dropped, cast.facilitator)
    assert len(ballot_options(db, partnership)) == 3


def test_service_refusals(db, cast, partnership):
    alternative = alternatives.propose(db, partnership, cast.member, "Mine", "Why")
    with pytest.raises(Forbidden):
        alternatives.revise(db, alternative, cast.observer, {"summary": "x"}, "en")
    with pytest.raises(Forbidden):
        alternatives.decline(db, alternative, cast.member, "duplicate", "x")
    with pytest.raises(Conflict):
        alternatives.reinstate(db, alternative, cast.facilitator)
    with pytest.raises(Invalid):
        alternatives.propose(db, partnership, cast.member, "x", "y", {"colour": "red"})


# --- the pages ----------------------------------------------------------------------------------


def test_a_member_proposes_through_the_form(app, db, cast, partnership):
    log_in(app, cast.member.email)
    page = app.get(f"/partnerships/{partnership.id}")
    assert "Propose an alternative" in page.text
    form_page = app.get(f"/partnerships/{partnership.id}/alternatives/new")
    form = next(f for f in form_page.forms.values() if f.action.endswith("/alternatives/new"))
    assert form["title"].value == "Community garden at the tram depot"
    form["alt_title"] = "With a tool library"
    form["summary"] = "Add a tool library to the garden."
    form["city_commitments-3-kind"] = "tools_equipment"
    form["city_commitments-3-description"] = "Garden tools on loan"
    response = form.submit()
    assert response.status_int == 303
    alternative = db.query(Alternative).one()
    assert list(alternative.changes) == ["city_commitments"]
    shown = response.follow()
    assert "With a tool library" in shown.text
    assert "Garden tools on loan" in shown.text and "<ins>" in shown.text
    page = app.get(f"/partnerships/{partnership.id}")
    assert "Alternative: With a tool library" in page.text
    assert "No partnership (status quo)" in page.text


def test_a_bad_alternative_form_is_shown_again(app, db, cast, partnership):
    log_in(app, cast.member.email)
    form_page = app.get(f"/partnerships/{partnership.id}/alternatives/new")
    form = next(f for f in form_page.forms.values() if f.action.endswith("/alternatives/new"))
    form["alt_title"] = ""
    form["summary"] = "x"
    form["duration_months"] = "500"
    response = form.submit(status=422)
    assert "error-summary" in response.text
    assert db.query(Alternative).count() == 0


def test_every_problem_of_an_alternative_form_shows_at_once(app, db, cast, partnership):
    # A missing title used to hide the problems of the text it changes.
    log_in(app, cast.member.email)
    form_page = app.get(f"/partnerships/{partnership.id}/alternatives/new")
    form = next(f for f in form_page.forms.values() if f.action.endswith("/alternatives/new"))
    form["alt_title"] = ""
    form["summary"] = "Shorter."
    form["title"] = "<b>Garden</b>"
    form["city_commitments-0-quantity"] = "<i>lots</i>"
    response = form.submit(status=422)
    errors = field_errors(response)
    assert errors["alt_title"] == ["This field is required."]
    assert errors["title"] == ["HTML is not allowed here."]
    assert errors["city_commitments-0-quantity"] == ["HTML is not allowed here."]
    assert db.query(Alternative).count() == 0


def test_every_problem_of_a_revision_shows_at_once(app, db, cast, partnership):
    alternative = alternatives.propose(db, partnership, cast.member, "Mine", "Why")
    db.commit()
    log_in(app, cast.member.email)
    page = app.get(f"/partnerships/{partnership.id}/alternatives/{alternative.id}/edit")
    form = next(f for f in page.forms.values() if f.action.endswith("/edit"))
    form["summary"] = ""
    form["alt_title"] = "<b>Mine</b>"
    form["duration_months"] = "soon"
    response = form.submit(status=422)
    errors = field_errors(response)
    assert errors["summary"] == ["This field is required."]
    assert errors["alt_title"] == ["HTML is not allowed here."]
    assert errors["duration_months"][0] == "Not a valid integer value."
    db.refresh(alternative)
    assert alternative.revision == 1


def test_the_service_names_the_texts_and_the_changes_problems_together(db, cast, partnership):
    with pytest.raises(Invalid) as caught:
        alternatives.propose(db, partnership, cast.member, "<b>x</b>", "Why", {"type": "odd"})
    assert set(caught.value.fields) == {"title", "changes.type"}


def test_a_facilitator_declines_through_the_page_and_the_reason_shows(app, db, cast, partnership):
    alternative = alternatives.propose(db, partnership, cast.member, "Duplicate one", "Same")
    db.commit()
    log_in(app, cast.facilitator.email)
    page = app.get(f"/partnerships/{partnership.id}/alternatives/{alternative.id}")
    assert "Decline" in page.text
    decline_page = app.get(f"/partnerships/{partnership.id}/alternatives/{alternative.id}/decline")
    form = next(f for f in decline_page.forms.values() if f.action.endswith("/decline"))
    form["reason"] = "duplicate"
    form.submit(status=422)
    form["note"] = "Same as “With a tool library”."
    form.submit().follow()
    db.refresh(alternative)
    assert alternative.declined
    text = app.get(f"/partnerships/{partnership.id}").text
    assert "Duplicate of another option" in text and "Same as “With a tool library”." in text
    assert "Alternative: Duplicate one" not in text
    token = csrf_token(app, "/profile")
    app.post(
        f"/partnerships/{partnership.id}/alternatives/{alternative.id}/reinstate",
        {"csrf_token": token},
    ).follow()
    db.refresh(alternative)
    assert not alternative.declined


def test_every_problem_of_the_decline_form_shows_at_once(app, db, cast, partnership):
    alternative = alternatives.propose(db, partnership, cast.member, "Duplicate one", "Same")
    db.commit()
    log_in(app, cast.facilitator.email)
    token = csrf_token(app, "/profile")
    page = app.post(
        f"/partnerships/{partnership.id}/alternatives/{alternative.id}/decline",
        {"csrf_token": token, "note": "<i>Same</i>"},
        status=422,
    )
    assert field_errors(page) == {
        "reason": ["Choose a reason."],
        "note": ["HTML is not allowed here."],
    }
    db.refresh(alternative)
    assert not alternative.declined


def test_only_facilitators_see_the_decline_page(app, db, cast, partnership):
    alternative = alternatives.propose(db, partnership, cast.member, "Mine", "Why")
    db.commit()
    for who in ("member", "official"):
        log_in(app, getattr(cast, who).email)
        app.get(f"/partnerships/{partnership.id}/alternatives/{alternative.id}/decline", status=403)


def test_the_author_revises_through_the_page(app, db, cast, partnership):
    alternative = alternatives.propose(
        db, partnership, cast.member, "Mine", "Why", {"duration_months": 12}
    )
    db.commit()
    log_in(app, cast.member.email)
    page = app.get(f"/partnerships/{partnership.id}/alternatives/{alternative.id}/edit")
    form = next(f for f in page.forms.values() if f.action.endswith("/edit"))
    assert form["duration_months"].value == "12"
    form["duration_months"] = "18"
    form.submit().follow()
    db.refresh(alternative)
    assert alternative.changes["duration_months"] == 18 and alternative.revision == 2
    log_in(app, cast.observer.email)
    app.get(f"/partnerships/{partnership.id}/alternatives/{alternative.id}/edit", status=403)
