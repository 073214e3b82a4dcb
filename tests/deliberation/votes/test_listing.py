"""Finding votes: the /votes page and the assembly page's "Votes and elections" section."""

from __future__ import annotations

import pytest

from deliberation.votes import services
from tests.conftest import log_in
from tests.deliberation.votes.conftest import option_ids


def _cards(page):
    return [" ".join(card.text.split()) for card in page.html.select(".vote-list li")]


def test_the_votes_page_lists_open_votes_then_results(app, db, people, vote, election):
    proposal, _ = option_ids(vote)
    services.cast_ballot(db, election, people.member, [election.options[0].id])
    services.close_vote(db, election, people.official)
    db.commit()
    page = app.get("/votes")
    assert page.html.select_one("h1").text == "Votes and elections"
    open_section, results = page.html.select("main section")
    assert "Community garden at the tram depot" in open_section.text
    assert "Steering committee" in results.text and "Elected" in results.text
    assert "won by: Ana" in " ".join(results.text.split())
    # Each vote links to its page, and to its assembly.
    assert page.html.select_one(f"a[href='http://localhost/votes/{vote.id}']")
    assert page.html.select_one(f"a[href='http://localhost/assemblies/{people.assembly.id}']")
    # Anonymous visitors are not told anything about ballots.
    assert "You have voted" not in page.text and "awaited" not in page.text


def test_an_elector_sees_whether_their_ballot_is_awaited(app, db, people, vote):
    log_in(app, people.member.email)
    assert "Your ballot is awaited" in _cards(app.get("/votes"))[0]
    services.cast_ballot(db, vote, people.member, [option_ids(vote)[0]])
    db.commit()
    assert "You have voted" in _cards(app.get("/votes"))[0]


def test_people_outside_the_electorate_are_not_asked_to_vote(app, people, vote):
    log_in(app, people.observer.email)
    card = _cards(app.get("/votes"))[0]
    assert "awaited" not in card and "You have voted" not in card


def test_an_empty_city_says_so_in_french(app):
    page = app.get("/votes?_LOCALE_=fr")
    assert page.html.select_one("h1").text == "Votes et élections"
    assert "Aucun vote n’est ouvert pour le moment." in page.text


def test_the_votes_page_is_in_the_navigation(app):
    nav = app.get("/").html.select_one("header nav")
    assert nav.select_one("a[href='http://localhost/votes']").text.strip() == "Votes"


def test_the_assembly_page_lists_its_votes(app, people, vote, election):
    page = app.get(f"/assemblies/{people.assembly.id}")
    section = page.html.select_one("#votes-heading").parent
    titles = [a.text for a in section.select(".vote-list a")]
    # Both open: the newest first.
    assert titles == ["Steering committee", "Community garden at the tram depot"]
    assert "Open an election" not in section.text


@pytest.mark.parametrize("who", ["facilitator", "official"])
def test_managers_may_open_an_election_from_the_assembly_page(app, people, who):
    log_in(app, getattr(people, who).email)
    page = app.get(f"/assemblies/{people.assembly.id}")
    link = page.html.select_one("#votes-heading").parent.select_one("a.button")
    assert link["href"].endswith(f"/assemblies/{people.assembly.id}/elections/new")
    assert app.get(link["href"]).status_int == 200


@pytest.mark.parametrize("who", [None, "member", "observer"])
def test_without_votes_others_see_no_section(app, people, who):
    if who:
        log_in(app, getattr(people, who).email)
    page = app.get(f"/assemblies/{people.assembly.id}")
    assert page.html.select_one("#votes-heading") is None


def test_only_get(app):
    app.post("/votes", status=405)
