"""The frozen electorate: who leaves the assembly keeps an open vote, unless struck.

The electorate is frozen when voting opens (DESIGN.md). Removal from the assembly or a
move to observer changes nothing in a vote already open; a facilitator or an official
may strike someone who has not voted yet, for a reason kept in the audit log.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assemblies import services as assemblies
from deliberation.votes import services
from deliberation.votes.models import VoteElector
from partnerstate.models import AuditEntry
from partnerstate.partnerships.errors import Conflict, Forbidden, Invalid
from tests import factories
from tests.conftest import bearer, csrf_token, log_in
from tests.deliberation.votes.conftest import option_ids
from tests.partnerstate.partnerships import helpers

REASON = "Moved to another city in March"


def _strike_entries(db, vote):
    query = select(AuditEntry).where(
        AuditEntry.action == "vote.strike", AuditEntry.object_id == str(vote.id)
    )
    return list(db.scalars(query))


# --- the rule: removal or demotion keeps the vote --------------------------------------------


def test_a_member_removed_after_the_opening_still_votes(db, people, vote):
    assemblies.remove_member(db, people.assembly, people.voter.id, people.official, "Asked to")
    cast = services.cast_ballot(db, vote, people.voter, [option_ids(vote)[0]])
    assert cast.receipt and not cast.replaced


def test_a_member_made_observer_after_the_opening_still_votes(db, people, vote):
    assemblies.change_role(db, people.assembly, people.voter.id, "observer", people.official)
    assert services.cast_ballot(db, vote, people.voter, [option_ids(vote)[0]]).receipt


def test_a_member_who_joins_after_the_opening_does_not_vote(db, people, vote):
    newcomer = factories.make_user(db)
    helpers.add_member(db, people.assembly, newcomer)
    with pytest.raises(Forbidden):
        services.cast_ballot(db, vote, newcomer, [option_ids(vote)[0]])


# --- striking: the service -------------------------------------------------------------------


def test_striking_takes_the_elector_out_and_records_the_reason(db, people, vote):
    size = vote.electorate_size
    left = services.strike_elector(db, vote, people.voter.id, f"  {REASON} ", people.facilitator)
    assert left == size - 1 == vote.electorate_size
    assert db.get(VoteElector, (vote.id, people.voter.id)) is None
    with pytest.raises(Forbidden):
        services.cast_ballot(db, vote, people.voter, [option_ids(vote)[0]])
    (entry,) = _strike_entries(db, vote)
    assert entry.actor_id == people.facilitator.id
    assert entry.details["user_id"] == people.voter.id and entry.details["reason"] == REASON
    assert entry.details["electorate"] == size - 1
    # The quorum and the published turnout count against the smaller electorate.
    services.cast_ballot(db, vote, people.member, [option_ids(vote)[0]])
    result = services.close_vote(db, vote, people.official)
    assert result["turnout"]["electorate"] == size - 1


def test_someone_who_voted_cannot_be_struck(db, people, vote):
    services.cast_ballot(db, vote, people.voter, [option_ids(vote)[0]])
    with pytest.raises(Conflict):
        services.strike_elector(db, vote, people.voter.id, REASON, people.facilitator)
    assert db.get(VoteElector, (vote.id, people.voter.id)) is not None
    assert _strike_entries(db, vote) == []


def test_nobody_is_struck_from_a_closed_vote(db, people, vote):
    services.close_vote(db, vote, people.official)
    with pytest.raises(Conflict):
        services.strike_elector(db, vote, people.voter.id, REASON, people.official)


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * (services.MAX_REASON + 1)])
def test_a_reason_is_required(db, people, vote, reason):
    with pytest.raises(Invalid) as refused:
        services.strike_elector(db, vote, people.voter.id, reason, people.facilitator)
    assert "reason" in refused.value.fields
    assert db.get(VoteElector, (vote.id, people.voter.id)) is not None


def test_only_electors_can_be_struck(db, people, vote):
    with pytest.raises(Invalid):
        services.strike_elector(db, vote, people.outsider.id, REASON, people.facilitator)


def test_only_managers_may_strike(db, people, vote):
    with pytest.raises(Forbidden):
        services.strike_elector(db, vote, people.voter.id, REASON, people.member)


# --- striking: the API, for every role -------------------------------------------------------


def _strike_url(vote, user):
    return f"/api/v1/votes/{vote.id}/electorate/{user.id}/strike"


def test_anonymous_callers_may_not_strike(app, people, vote):
    app.post_json(_strike_url(vote, people.voter), {"reason": REASON}, status=401)


@pytest.mark.parametrize("who", ["member", "voter", "observer", "outsider"])
def test_members_observers_and_outsiders_may_not_strike(app, db, people, vote, who):
    app.post_json(
        _strike_url(vote, people.member), {"reason": REASON},
        headers=bearer(db, getattr(people, who)), status=403,
    )  # fmt: skip
    assert db.get(VoteElector, (vote.id, people.member.id)) is not None


def test_a_facilitator_of_another_assembly_may_not_strike(app, db, people, vote):
    elsewhere = helpers.make_assembly(db, "Another assembly")
    facilitator = factories.make_user(db)
    helpers.add_member(db, elsewhere, facilitator, "facilitator")
    app.post_json(
        _strike_url(vote, people.voter), {"reason": REASON},
        headers=bearer(db, facilitator), status=403,
    )  # fmt: skip


@pytest.mark.parametrize("who", ["facilitator", "official"])
def test_facilitators_and_officials_strike(app, db, people, vote, who):
    body = app.post_json(
        _strike_url(vote, people.voter), {"reason": REASON},
        headers=bearer(db, getattr(people, who)), status=200,
    ).json  # fmt: skip
    assert body == {"vote_id": vote.id, "user_id": people.voter.id, "electorate": 2}
    shown = app.get(f"/api/v1/votes/{vote.id}", headers=bearer(db, people.voter)).json
    assert shown["electorate"] == 2 and shown["you"]["elector"] is False


def test_the_api_refuses_what_the_service_refuses(app, db, people, vote):
    headers = bearer(db, people.facilitator)
    url = _strike_url(vote, people.voter)
    error = app.post_json(url, {"reason": " "}, headers=headers, status=422).json["error"]
    assert "reason" in error["fields"]
    app.post_json(url, {}, headers=headers, status=422)
    app.post_json(url, {"reason": REASON, "extra": 1}, headers=headers, status=422)
    app.post_json(_strike_url(vote, people.outsider), {"reason": REASON}, headers=headers,
                  status=404)  # fmt: skip
    app.post_json(f"/api/v1/votes/{vote.id}/electorate/x/strike", {"reason": REASON},
                  headers=headers, status=422)  # fmt: skip
    app.post_json(f"/api/v1/votes/{vote.id}/electorate/99999/strike", {"reason": REASON},
                  headers=headers, status=404)  # fmt: skip
    services.cast_ballot(db, vote, people.voter, [option_ids(vote)[0]])
    error = app.post_json(url, {"reason": REASON}, headers=headers, status=409).json["error"]
    assert error["code"] and error["message"]


# --- striking: the page ----------------------------------------------------------------------


def test_the_vote_page_states_the_rule(app, vote):
    page = app.get(f"/votes/{vote.id}")
    assert "The electorate was frozen when voting opened" in page.text
    assert 'id="strike"' not in page.text  # the form is for facilitators and officials


@pytest.mark.parametrize("who", ["member", "observer"])
def test_the_strike_form_is_not_for_members_or_observers(app, db, people, vote, who):
    log_in(app, getattr(people, who).email)
    assert 'id="strike-email"' not in app.get(f"/votes/{vote.id}").text
    token = csrf_token(app, "/profile")
    app.post(
        f"/votes/{vote.id}/electorate/strike",
        {"email": people.voter.email, "reason": REASON, "csrf_token": token}, status=403,
    )  # fmt: skip


def test_a_facilitator_strikes_through_the_page(app, db, people, vote):
    log_in(app, people.facilitator.email)
    page = app.get(f"/votes/{vote.id}")
    assert '<label for="strike-email">' in page.text and '<label for="strike-reason">' in page.text
    token = csrf_token(app, f"/votes/{vote.id}")
    url = f"/votes/{vote.id}/electorate/strike"
    # Without its CSRF token the form is refused and nothing changes.
    app.post(url, {"email": people.voter.email, "reason": REASON}, status=400)
    assert db.get(VoteElector, (vote.id, people.voter.id)) is not None
    # Without a reason: back to the page with the message, nothing struck.
    response = app.post(url, {"email": people.voter.email, "reason": "", "csrf_token": token})
    assert response.status_int == 303
    assert "Say why this person no longer votes" in response.follow().text
    assert db.get(VoteElector, (vote.id, people.voter.id)) is not None
    response = app.post(url, {"email": people.voter.email, "reason": REASON, "csrf_token": token})
    assert response.status_int == 303 and response.location.endswith("#strike")
    assert "no longer votes in this vote" in response.follow().text
    assert db.get(VoteElector, (vote.id, people.voter.id)) is None
    assert _strike_entries(db, vote)[0].details["reason"] == REASON
