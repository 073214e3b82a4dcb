"""Vote pages: the ballot without JavaScript, the results with tables and SVG, the forms."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from deliberation.votes import services
from deliberation.votes.models import Ballot, Vote
from tests.conftest import csrf_token, log_in
from tests.deliberation.votes.conftest import option_ids
from tests.form_errors import field_errors


def test_anonymous_visitors_see_the_options_and_are_asked_to_log_in(app, vote):
    page = app.get(f"/votes/{vote.id}")
    assert "<h1>Community garden at the tram depot</h1>" in page.text
    assert "Log in to vote" in page.text and "<select" not in page.text
    assert vote.tie_break_seed in page.text
    assert 'name="viewport"' in page.text


def test_outsiders_are_told_why_they_cannot_vote(app, people, vote):
    log_in(app, people.observer.email)
    page = app.get(f"/votes/{vote.id}")
    assert "not in this vote" in page.text and "<select" not in page.text


def test_a_member_votes_and_changes_the_ballot_without_javascript(app, db, people, vote):
    proposal, status_quo = option_ids(vote)
    log_in(app, people.member.email)
    page = app.get(f"/votes/{vote.id}")
    # One labelled select per option, "not ranked" first, then the ranks.
    for option_id in (proposal, status_quo):
        assert f'<label for="rank-{option_id}">' in page.text
    assert "Not ranked" in page.text and "Choice 2" in page.text
    assert "same number to options you like equally" in page.text
    form = next(f for f in page.forms.values() if f"rank-{proposal}" in f.fields)
    form[f"rank-{proposal}"] = "1"
    form[f"rank-{status_quo}"] = "2"
    done = form.submit(status=303)
    assert done.location.endswith(f"/votes/{vote.id}#your-ballot")
    page = done.follow()
    receipt = services.participation(db, vote, people.member).receipt
    assert receipt in page.text and "Your ballot was recorded" in page.text
    assert "You may change your ballot" in page.text
    # The form shows the current ballot; changing it keeps the receipt.
    assert re.search(rf'name="rank-{proposal}".*?<option value="1" selected>', page.text, re.S)
    form = next(f for f in page.forms.values() if f"rank-{proposal}" in f.fields)
    form[f"rank-{proposal}"] = ""
    form[f"rank-{status_quo}"] = "1"
    page = form.submit(status=303).follow()
    assert "Your ballot was changed" in page.text and receipt in page.text
    assert db.scalar(select(func.count()).select_from(Ballot)) == 1
    assert services.participation(db, vote, people.member).ranking == [[status_quo]]


def test_an_empty_ballot_is_refused_and_nothing_is_stored(app, db, people, vote):
    log_in(app, people.member.email)
    page = app.get(f"/votes/{vote.id}")
    form = next(
        f for f in page.forms.values() if "csrf_token" in f.fields and f.method.upper() == "POST"
    )
    page = form.submit(status=422)
    assert "Rank at least one option." in page.text and 'role="alert"' in page.text
    assert db.scalar(select(func.count()).select_from(Ballot)) == 0


def test_equal_ranks_refused_for_stv(app, db, people, election):
    a, b, *_ = option_ids(election)
    log_in(app, people.member.email)
    page = app.get(f"/votes/{election.id}")
    assert "Use each number only once" in page.text
    token = csrf_token(app, f"/votes/{election.id}")
    page = app.post(
        f"/votes/{election.id}", {"csrf_token": token, f"rank-{a}": "1", f"rank-{b}": "1"},
        status=422,
    )  # fmt: skip
    assert "does not allow equal ranks" in page.text
    # The voter's choices are kept in the form.
    assert re.search(rf'name="rank-{b}".*?<option value="1" selected>', page.text, re.S)


@pytest.mark.parametrize("bad", ["1.5", "-1", "3", "abc"])
def test_a_rank_that_is_not_a_choice_is_refused_on_its_option(app, db, people, vote, bad):
    # Such a rank used to be dropped: the ballot was recorded with the option unranked.
    proposal, status_quo = option_ids(vote)
    log_in(app, people.member.email)
    token = csrf_token(app, f"/votes/{vote.id}")
    for others in ({f"rank-{status_quo}": "2"}, {}):
        page = app.post(
            f"/votes/{vote.id}",
            {"csrf_token": token, f"rank-{proposal}": bad, **others},
            status=422,
        )
        assert field_errors(page) == {f"rank-{proposal}": ["Give a whole number from 1 to 2."]}
        assert "Rank at least one option." not in page.text
        assert re.search(rf'id="rank-{proposal}"[^>]*aria-invalid="true"', page.text)
        summary = page.html.select_one("#ballot-errors")
        assert summary.select_one(f"a[href='#rank-{proposal}']") is not None
    assert db.scalar(select(func.count()).select_from(Ballot)) == 0


def test_a_refused_rank_and_a_bad_ranking_show_together(app, db, people, election):
    a, b, c, _d = option_ids(election)
    log_in(app, people.member.email)
    token = csrf_token(app, f"/votes/{election.id}")
    page = app.post(
        f"/votes/{election.id}",
        {"csrf_token": token, f"rank-{a}": "1", f"rank-{b}": "1", f"rank-{c}": "first"},
        status=422,
    )
    assert "does not allow equal ranks" in page.text
    assert field_errors(page) == {f"rank-{c}": ["Give a whole number from 1 to 4."]}
    assert db.scalar(select(func.count()).select_from(Ballot)) == 0


def test_observers_cannot_post_a_ballot(app, db, people, vote):
    log_in(app, people.observer.email)
    token = csrf_token(app, "/logout")
    app.post(f"/votes/{vote.id}", {"csrf_token": token, f"rank-{option_ids(vote)[0]}": "1"},
             status=403)  # fmt: skip


def test_a_ballot_needs_the_csrf_token(app, db, people, vote):
    log_in(app, people.member.email)
    app.post(f"/votes/{vote.id}", {f"rank-{option_ids(vote)[0]}": "1"}, status=400)
    assert db.scalar(select(func.count()).select_from(Ballot)) == 0


def test_no_ballot_form_after_the_close(app, db, people, vote):
    services.close_vote(db, vote, people.official)
    db.commit()
    log_in(app, people.member.email)
    page = app.get(f"/votes/{vote.id}")
    assert "<select" not in page.text and "Results" in page.text
    token = csrf_token(app, "/logout")
    page = app.post(f"/votes/{vote.id}", {"csrf_token": token, f"rank-{option_ids(vote)[0]}": "1"},
                    status=409)  # fmt: skip
    assert "This vote is closed." in page.text


# --- closing -------------------------------------------------------------------------------------


def test_a_facilitator_closes_from_the_page(app, db, people, vote):
    services.cast_ballot(db, vote, people.member, [option_ids(vote)[0]])
    db.commit()
    log_in(app, people.facilitator.email)
    page = app.get(f"/votes/{vote.id}")
    assert f"/votes/{vote.id}/close" in page.text
    confirm = app.get(f"/votes/{vote.id}/close")
    assert "So far: 1 ballot (" in confirm.text
    done = confirm.forms[[f.method.upper() for f in confirm.forms.values()].index("POST")].submit(
        status=303
    )  # fmt: skip
    page = done.follow()
    assert "The vote is closed" in page.text and "Adopted" in page.text
    assert "online and on paper: 1 ballot." in page.text  # one ballot, not "1 ballots"
    assert "Ballots counted for the quorum: 1 ballot;" in page.text
    db.refresh(vote)
    assert vote.status == "closed"
    # Closing again just says so.
    again = app.post(f"/votes/{vote.id}/close", {"csrf_token": csrf_token(app, "/logout")},
                     status=303).follow()  # fmt: skip
    assert "already closed" in again.text


@pytest.mark.parametrize("who", ["member", "observer", "outsider"])
def test_others_cannot_close(app, people, vote, who):
    log_in(app, getattr(people, who).email)
    assert f"/votes/{vote.id}/close" not in app.get(f"/votes/{vote.id}").text
    app.get(f"/votes/{vote.id}/close", status=403)


def test_anonymous_close_asks_to_log_in(app, vote):
    assert "/login" in app.get(f"/votes/{vote.id}/close", status=303).location


# --- results -------------------------------------------------------------------------------------


def test_the_results_page_explains_the_count(app, closed):
    vote, receipt = closed
    page = app.get(f"/votes/{vote.id}")
    text = page.text
    assert "Adopted" in text and "3 of the 3 people in the electorate voted online (100%)" in text
    # The pairwise matrix as a real table, and as a heat-map that points to it.
    assert (
        'id="pairwise-table"' in text and '<th scope="col">' in text and '<th scope="row">' in text
    )
    assert re.search(r'<svg id="pairwise-chart" role="img" aria-labelledby="[^"]+"', text)
    assert '<title id="pairwise-chart-title">' in text
    assert 'id="paths-table"' in text  # Schulze's strongest paths
    assert "Ties are never broken at random" in text and vote.tie_break_seed in text
    assert f"/api/v1/votes/{vote.id}/ballots.blt" in text
    assert f"--seed {vote.tie_break_seed}" in text
    # The receipt check works without JavaScript (a GET form).
    checked = app.get(f"/votes/{vote.id}", {"receipt": receipt.lower()})
    assert "was counted" in checked.text
    missing = app.get(f"/votes/{vote.id}", {"receipt": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    assert "No counted ballot has this receipt." in missing.text


def test_turnout_never_passes_100_percent_with_paper_ballots(app, db, people, election):
    # The demo's election: 3 online voters, 39 paper ballots, an electorate of 3.
    a, b, c, _d = option_ids(election)
    for who, ranking in ((people.member, [a]), (people.voter, [b]), (people.facilitator, [c])):
        services.cast_ballot(db, election, who, ranking)
    services.import_paper_ballots(db, election, '4 2\n39 1 2 0\n0\n"A"\n"B"\n"C"\n"D"\n')
    services.close_vote(db, election, people.official)
    db.commit()
    text = app.get(f"/votes/{election.id}").text
    assert "1,400" not in text and "1,300" not in text
    assert "3 of the 3 people in the electorate voted online (100%)." in text
    assert "39 paper ballots counted at the assembly" in text
    assert "The quorum counts every ballot, online and on paper: 42 ballots." in text


def test_a_two_option_tie_is_called_a_tie_not_a_cycle(app, db, people, vote):
    proposal, status_quo = option_ids(vote)
    services.cast_ballot(db, vote, people.member, [proposal, status_quo])
    services.cast_ballot(db, vote, people.voter, [status_quo, proposal])
    result = services.close_vote(db, vote, people.official)
    db.commit()
    text = app.get(f"/votes/{vote.id}").text
    assert "cycle, which the method resolves" not in text
    assert "and there is no cycle: some options are tied." in text
    labels = {o.id: o.display_label("en") for o in vote.options}
    winner = result["winners"][0]
    # Listed as English lists: "A and B".
    tied = " and ".join(labels[i] for i in result["tie"]["candidates"])
    assert f"It was a tie between {tied}; the tie-break order published when voting" in text
    assert f"decided for {labels[winner]}." in text
    assert result["tie"] == {"candidates": result["tie_break"], "winners": [winner]}


def test_the_outcome_chart_orders_the_options_with_their_head_to_head_wins(
    app, db, people, partnership
):
    from deliberation.services import alternatives

    alternatives.propose(db, partnership, people.member, "One year only", "Shorter.")
    vote = services.open_partnership_vote(db, partnership, people.official, method="ranked-pairs")
    a, b, c = option_ids(vote)
    services.cast_ballot(db, vote, people.member, [b, a, c])
    services.cast_ballot(db, vote, people.voter, [b, c, a])
    services.cast_ballot(db, vote, people.facilitator, [a, b, c])
    services.close_vote(db, vote, people.official)
    db.commit()
    text = app.get(f"/votes/{vote.id}").text
    svg = re.search(r'<svg id="outcome-chart" role="img"(.*?)</svg>', text, re.S)
    assert svg and 'aria-labelledby="outcome-chart-title outcome-chart-desc"' in svg.group(0)
    labels = {o.id: o.display_label("en") for o in vote.options}
    # b beats both, a beats c, c beats nobody: that order, with 2/2, 1/2, 0/2.
    places = re.findall(r">(\d)\. ([^<]+)</text>", svg.group(1))
    assert [(n, label[:15]) for n, label in places] == [
        ("1", labels[b][:15]),
        ("2", labels[a][:15]),
        ("3", labels[c][:15]),
    ]  # fmt: skip  (long labels are shortened in the picture)
    assert re.findall(r'class="wins">([^<]+)</text>', svg.group(1)) == ["2/2 ✓", "1/2", "0/2"]
    assert 'href="#pairwise-table"' in text


def test_a_real_cycle_is_called_a_cycle(app, db, people, partnership):
    from deliberation.services import alternatives

    alternatives.propose(db, partnership, people.member, "One year only", "Shorter.")
    vote = services.open_partnership_vote(db, partnership, people.official)
    a, b, c = option_ids(vote)
    services.cast_ballot(db, vote, people.member, [a, b, c])
    services.cast_ballot(db, vote, people.voter, [b, c, a])
    services.cast_ballot(db, vote, people.facilitator, [c, a, b])
    services.close_vote(db, vote, people.official)
    db.commit()
    text = app.get(f"/votes/{vote.id}").text
    assert "there is a cycle, which the method resolves." in text


def test_irv_results_have_rounds_and_bars(app, db, people, partnership):
    vote = services.open_partnership_vote(db, partnership, people.official, method="irv")
    proposal, status_quo = option_ids(vote)
    services.cast_ballot(db, vote, people.member, [proposal])
    services.cast_ballot(db, vote, people.voter, [status_quo])
    services.cast_ballot(db, vote, people.facilitator, [proposal, status_quo])
    services.close_vote(db, vote, people.official)
    db.commit()
    text = app.get(f"/votes/{vote.id}").text
    assert 'id="rounds-table"' in text and "Round 1" in text and "Exhausted ballots" in text
    assert re.search(
        r'<svg id="round-chart-1" role="img" aria-labelledby="round-chart-1-title', text
    )
    assert "<rect" in text and "pairwise-table" not in text


def test_ranked_pairs_results_list_the_locked_pairs(app, db, people, partnership):
    vote = services.open_partnership_vote(db, partnership, people.official, method="ranked-pairs")
    services.cast_ballot(db, vote, people.member, option_ids(vote))
    services.close_vote(db, vote, people.official)
    db.commit()
    text = app.get(f"/votes/{vote.id}").text
    assert 'id="pairs-table"' in text and "locked" in text


def test_election_results_show_the_elected(app, db, people, election):
    a, b, c, _d = option_ids(election)
    services.cast_ballot(db, election, people.member, [a, b])
    services.cast_ballot(db, election, people.voter, [a, c])
    services.cast_ballot(db, election, people.facilitator, [b])
    services.close_vote(db, election, people.official)
    db.commit()
    text = app.get(f"/votes/{election.id}").text
    assert "Elected, in order of election:" in text and "<strong>Ana and Bo</strong>" in text
    assert "quota: 2" in text
    # The count's note is stored as a code and worded for the reader.
    assert any(step.get("note") == "elected_without_quota" for step in election.result["rounds"])
    assert "elected without the quota: no more continuing candidates than seats" in text
    assert "elected_without_quota" not in text
    assert "elected_without_quota" not in app.get(f"/votes/{election.id}?_LOCALE_=fr").text


def test_the_receipts_list(app, closed):
    vote, receipt = closed
    page = app.get(f"/votes/{vote.id}/receipts")
    assert f'<code dir="ltr">{receipt}</code>' in page.text
    txt = app.get(f"/votes/{vote.id}/receipts.txt")
    assert txt.content_type == "text/plain" and receipt in txt.text.splitlines()
    assert len(txt.text.splitlines()) == 3


def test_receipts_are_published_only_after_the_close(app, vote):
    app.get(f"/votes/{vote.id}/receipts", status=409)
    app.get(f"/votes/{vote.id}/receipts.txt", status=409)


def test_unknown_vote_pages_are_404(app):
    app.get("/votes/999999", status=404)
    app.get("/votes/999999/receipts", status=404)


def test_pages_in_french(app, closed):
    vote, _receipt = closed
    page = app.get(f"/votes/{vote.id}", {"_LOCALE_": "fr"})
    assert '<html lang="fr" dir="ltr">' in page.text and "Résultats" in page.text


# --- opening forms -------------------------------------------------------------------------------


def test_a_facilitator_opens_the_vote_from_the_partnership_page(app, db, people, partnership):
    log_in(app, people.facilitator.email)
    assert (
        f"/partnerships/{partnership.id}/vote/new"
        in app.get(f"/partnerships/{partnership.id}").text
    )
    page = app.get(f"/partnerships/{partnership.id}/vote/new")
    assert "Status quo: no partnership" in page.text
    form = next(f for f in page.forms.values() if "method" in f.fields)
    form["method"] = "irv"
    form["quorum_percent"] = "30"
    form["closes_at"] = "2099-06-30T18:00"
    page = form.submit(status=303).follow()
    vote = db.scalars(select(Vote).where(Vote.partnership_id == partnership.id)).one()
    assert vote.method == "irv" and vote.quorum_percent == 30
    assert vote.closes_at.year == 2099
    assert "Voting is open" in page.text
    # The partnership's page now links to the ballot.
    assert f"/votes/{vote.id}" in app.get(f"/partnerships/{partnership.id}").text


def test_bad_vote_forms_are_shown_again(app, db, people, partnership):
    log_in(app, people.official.email)
    token = csrf_token(app, f"/partnerships/{partnership.id}/vote/new")
    page = app.post(
        f"/partnerships/{partnership.id}/vote/new",
        {"csrf_token": token, "method": "schulze", "quorum_percent": "150", "closes_at": ""},
        status=422,
    )
    assert "between 0 and 100" in page.text
    page = app.post(
        f"/partnerships/{partnership.id}/vote/new",
        {"csrf_token": token, "method": "schulze", "closes_at": "2001-01-01T10:00"},
        status=422,
    )
    assert "must be in the future" in page.text
    assert db.scalar(select(func.count()).select_from(Vote)) == 0


def test_every_problem_of_a_vote_form_shows_at_once_with_422(app, db, people, partnership):
    # A bad quorum used to be answered 200 and to hide the closing time's problem.
    log_in(app, people.official.email)
    token = csrf_token(app, f"/partnerships/{partnership.id}/vote/new")
    page = app.post(
        f"/partnerships/{partnership.id}/vote/new",
        {"csrf_token": token, "method": "schulze", "quorum_percent": "150",
         "closes_at": "2001-01-01T10:00"},
        status=422,
    )  # fmt: skip
    errors = field_errors(page)
    assert errors["quorum_percent"] == ["Give a percentage between 0 and 100."]
    assert errors["closes_at"] == ["The closing time must be in the future."]
    page = app.post(
        f"/partnerships/{partnership.id}/vote/new",
        {"csrf_token": token, "method": "schulze", "quorum_percent": "many", "closes_at": "never"},
        status=422,
    )
    assert set(field_errors(page)) == {"quorum_percent", "closes_at"}
    assert db.scalar(select(func.count()).select_from(Vote)) == 0


def test_the_vote_form_names_a_partnership_past_deliberation_in_words(app, people, vote):
    # The vote fixture ended the deliberation: the page says so, in French here.
    log_in(app, people.facilitator.email)
    page = app.get(f"/partnerships/{vote.partnership_id}/vote/new?_LOCALE_=fr")
    flash = page.html.select_one(".flash-error").text
    assert "« Vote en cours »" in flash and "voting" not in flash


@pytest.mark.parametrize("who", ["member", "observer", "outsider"])
def test_others_cannot_open_votes_from_pages(app, people, partnership, who):
    log_in(app, getattr(people, who).email)
    app.get(f"/partnerships/{partnership.id}/vote/new", status=403)
    app.get(f"/assemblies/{people.assembly.id}/elections/new", status=403)


def test_a_facilitator_opens_an_election_from_a_page(app, db, people):
    log_in(app, people.facilitator.email)
    page = app.get(f"/assemblies/{people.assembly.id}/elections/new")
    form = next(f for f in page.forms.values() if "candidates" in f.fields)
    form["title"] = "Steering committee"
    form["method"] = "stv"
    form["seats"] = "2"
    form["candidates"] = "Ana\nBo\n\nCy\n"
    page = form.submit(status=303).follow()
    vote = db.scalars(select(Vote).where(Vote.kind == "election")).one()
    assert [o.label["en"] for o in vote.options] == ["Ana", "Bo", "Cy"] and vote.seats == 2
    assert "The election is open." in page.text


def test_bad_election_forms_are_shown_again(app, db, people):
    log_in(app, people.official.email)
    token = csrf_token(app, f"/assemblies/{people.assembly.id}/elections/new")
    page = app.post(
        f"/assemblies/{people.assembly.id}/elections/new",
        {"csrf_token": token, "title": "Board", "method": "stv", "seats": "3",
         "candidates": "Ana\nBo"},
        status=422,
    )  # fmt: skip
    assert "More seats than candidates." in page.text
    assert db.scalar(select(func.count()).select_from(Vote)) == 0


def test_a_schulze_stv_election_too_big_to_count_is_refused_by_the_form(app, db, people):
    log_in(app, people.official.email)
    token = csrf_token(app, f"/assemblies/{people.assembly.id}/elections/new")
    names = "\n".join(f"Candidate {n}" for n in range(1, 15))
    page = app.post(
        f"/assemblies/{people.assembly.id}/elections/new",
        {"csrf_token": token, "title": "Board", "method": "schulze-stv", "seats": "5",
         "candidates": names},
        status=422,
    )  # fmt: skip
    assert "Schulze STV can count at most 9 candidates for 5 seats" in page.text
    assert db.scalar(select(func.count()).select_from(Vote)) == 0


def test_every_problem_of_an_election_form_shows_at_once_with_422(app, db, people):
    log_in(app, people.official.email)
    url = f"/assemblies/{people.assembly.id}/elections/new"
    token = csrf_token(app, url)
    # An empty form used to be answered 200.
    page = app.post(url, {"csrf_token": token}, status=422)
    assert {"title", "candidates"} <= set(field_errors(page))
    # A missing title used to hide the candidates', the quorum's and the closing time's.
    page = app.post(
        url,
        {"csrf_token": token, "title": "", "method": "stv", "seats": "1",
         "candidates": "Ana\nana", "quorum_percent": "101", "closes_at": "2001-01-01T10:00"},
        status=422,
    )  # fmt: skip
    errors = field_errors(page)
    assert errors["title"] == ["This field is required."]
    assert errors["candidates"] == ["A candidate is listed twice."]
    assert errors["quorum_percent"] == ["Give a percentage between 0 and 100."]
    assert errors["closes_at"] == ["The closing time must be in the future."]
    assert "seats" not in errors
    assert db.scalar(select(func.count()).select_from(Vote)) == 0
