"""The votes' JSON API, for every role and every bad input the contract names."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from deliberation.votes import services
from deliberation.votes.models import Ballot
from tests.conftest import bearer
from tests.deliberation.votes.conftest import option_ids
from tests.partnerstate.partnerships import helpers


def cast(app, db, user, vote, ranking, status=201):
    return app.post_json(
        f"/api/v1/votes/{vote.id}/ballots", {"ranking": ranking}, headers=bearer(db, user),
        status=status,
    )  # fmt: skip


# --- opening a vote on a partnership -------------------------------------------------------------


@pytest.mark.parametrize("who", ["official", "facilitator"])
def test_officials_and_facilitators_open_the_vote(app, db, people, partnership, who):
    body = app.post_json(
        f"/api/v1/partnerships/{partnership.id}/vote",
        {"method": "ranked-pairs", "quorum_percent": 25, "closes_at": "2099-01-31T18:00:00+01:00"},
        headers=bearer(db, getattr(people, who)),
        status=201,
    ).json
    assert isinstance(body["id"], int) and body["status"] == "open"
    assert [o["status_quo"] for o in body["options"]] == [False, True]
    assert body["options"][0]["label"] == "Community garden at the tram depot"
    assert body["method"] == "ranked-pairs" and body["quorum_percent"] == 25
    assert body["closes_at"] == "2099-01-31T17:00:00+00:00"
    assert body["electorate"] == 3 and len(body["tie_break"]) == 2
    db.refresh(partnership)
    assert partnership.status == "voting"


def test_opening_without_a_body_uses_schulze(app, db, people, partnership):
    body = app.post(
        f"/api/v1/partnerships/{partnership.id}/vote", headers=bearer(db, people.official),
        status=201,
    ).json  # fmt: skip
    assert body["method"] == "schulze"


@pytest.mark.parametrize("who", ["member", "observer", "outsider"])
def test_others_may_not_open_a_vote(app, db, people, partnership, who):
    app.post_json(
        f"/api/v1/partnerships/{partnership.id}/vote", {},
        headers=bearer(db, getattr(people, who)), status=403,
    )  # fmt: skip


def test_opening_needs_a_token(app, partnership):
    app.post_json(f"/api/v1/partnerships/{partnership.id}/vote", {}, status=401)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"method": "stv"}, "method"),
        ({"quorum_percent": 101}, "quorum_percent"),
        ({"closes_at": "tomorrow"}, "closes_at"),
        ({"closes_at": "2020-01-01T00:00:00Z"}, "closes_at"),
        ({"closes_at": "2099-01-01T00:00:00"}, "closes_at"),
        ({"colour": "red"}, "body"),
    ],
)
def test_bad_openings(app, db, people, partnership, body, field):
    error = app.post_json(
        f"/api/v1/partnerships/{partnership.id}/vote", body,
        headers=bearer(db, people.official), status=422,
    ).json["error"]  # fmt: skip
    assert field in error["fields"]


def test_opening_twice_or_out_of_deliberation_is_a_conflict(app, db, people, partnership, vote):
    app.post_json(
        f"/api/v1/partnerships/{partnership.id}/vote", {},
        headers=bearer(db, people.official), status=409,
    )  # fmt: skip
    draft = helpers.make_partnership(db, people.official, people.assembly, people.commons)
    refused = app.post_json(
        f"/api/v1/partnerships/{draft.id}/vote", {}, headers=bearer(db, people.official),
        status=409,
    )  # fmt: skip
    # The state and the step in words, in the reader's language; the code stays in "fields".
    message = refused.json["error"]["message"]
    assert "“Draft”" in message and "(Start voting)" in message
    french = app.post_json(
        f"/api/v1/partnerships/{draft.id}/vote?_LOCALE_=fr", {},
        headers=bearer(db, people.official), status=409,
    ).json["error"]["message"]  # fmt: skip
    assert "« Brouillon »" in french and "draft" not in french and "start_voting" not in french


def test_unknown_partnership(app, db, people):
    app.post_json("/api/v1/partnerships/999999/vote", {}, headers=bearer(db, people.official),
                  status=404)  # fmt: skip
    app.post_json("/api/v1/partnerships/abc/vote", {}, headers=bearer(db, people.official),
                  status=404)  # fmt: skip


def test_malformed_json(app, db, people, partnership):
    app.post(
        f"/api/v1/partnerships/{partnership.id}/vote", "{nope",
        headers={**bearer(db, people.official), "Content-Type": "application/json"}, status=400,
    )  # fmt: skip


# --- elections -----------------------------------------------------------------------------------


def test_a_facilitator_opens_an_election(app, db, people):
    body = app.post_json(
        f"/api/v1/assemblies/{people.assembly.id}/elections",
        {"title": {"en": "Board", "fr": "Bureau"}, "method": "stv", "seats": 2,
         "candidates": ["Ana", "Bo", {"en": "Cy", "fr": "Cyrille"}]},
        headers=bearer(db, people.facilitator), status=201,
    ).json  # fmt: skip
    assert body["kind"] == "election" and body["seats"] == 2 and body["title"] == "Board"
    assert [o["label"] for o in body["options"]] == ["Ana", "Bo", "Cy"]
    assert not any(o["status_quo"] for o in body["options"])


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"title": "B", "method": "irv", "seats": 1, "candidates": ["A"]}, 422),
        ({"title": "B", "method": "stv", "seats": 3, "candidates": ["A", "B"]}, 422),
        ({"title": "B", "method": "stv", "seats": 1, "candidates": []}, 422),
        ({"title": "B", "method": "stv", "seats": 1, "candidates": ["A", "A"]}, 422),
        ({"method": "stv", "seats": 1, "candidates": ["A"]}, 422),
        # Plain text, as everywhere else a name or a title is typed.
        ({"title": "<b>B</b>", "method": "stv", "seats": 1, "candidates": ["A"]}, 422),
        ({"title": "B", "method": "stv", "seats": 1, "candidates": ["<script>A</script>"]}, 422),
    ],
)
def test_bad_elections(app, db, people, body, status):
    app.post_json(
        f"/api/v1/assemblies/{people.assembly.id}/elections", body,
        headers=bearer(db, people.official), status=status,
    )  # fmt: skip


def test_schulze_stv_beyond_its_limit_is_refused_with_the_limit(app, db, people):
    candidates = [f"Candidate {n}" for n in range(1, 12)]  # 11 for 7 seats: too many
    body = app.post_json(
        f"/api/v1/assemblies/{people.assembly.id}/elections",
        {"title": "Board", "method": "schulze-stv", "seats": 7, "candidates": candidates},
        headers=bearer(db, people.official), status=422,
    ).json  # fmt: skip
    message = body["error"]["fields"]["candidates"]
    assert "at most 9 candidates for 7 seats" in message
    # The same election by STV, or Schulze STV within the limit, opens.
    for method, seats, names in (("stv", 7, candidates), ("schulze-stv", 4, candidates)):
        app.post_json(
            f"/api/v1/assemblies/{people.assembly.id}/elections",
            {"title": "Board", "method": method, "seats": seats, "candidates": names},
            headers=bearer(db, people.official), status=201,
        )  # fmt: skip


@pytest.mark.parametrize("who", ["member", "observer", "outsider"])
def test_others_may_not_open_elections(app, db, people, who):
    app.post_json(
        f"/api/v1/assemblies/{people.assembly.id}/elections",
        {"title": "Board", "method": "stv", "seats": 1, "candidates": ["A", "B"]},
        headers=bearer(db, getattr(people, who)), status=403,
    )  # fmt: skip


def test_election_in_an_unknown_assembly(app, db, people):
    app.post_json(
        "/api/v1/assemblies/999999/elections",
        {"title": "Board", "method": "stv", "seats": 1, "candidates": ["A", "B"]},
        headers=bearer(db, people.official), status=404,
    )  # fmt: skip


# --- reading a vote ------------------------------------------------------------------------------


def test_anyone_reads_a_vote(app, db, people, vote):
    body = app.get(f"/api/v1/votes/{vote.id}").json
    assert body["status"] == "open" and body["accepting_ballots"] is True
    assert body["tie_break_seed"] == vote.tie_break_seed and "you" not in body
    mine = app.get(f"/api/v1/votes/{vote.id}", headers=bearer(db, people.member)).json["you"]
    assert mine == {"elector": True, "voted": False, "voted_at": None, "receipt": None,
                    "ranking": None}  # fmt: skip
    app.get("/api/v1/votes/999999", status=404)
    app.get("/api/v1/votes/x1", status=404)


# --- ballots -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "voter", "facilitator"])
def test_electors_cast_and_replace(app, db, people, vote, who):
    proposal, status_quo = option_ids(vote)
    user = getattr(people, who)
    first = cast(app, db, user, vote, [proposal, status_quo]).json
    assert first["replaced"] is False and len(first["receipt"]) == 19
    second = cast(app, db, user, vote, [status_quo], status=200).json
    assert second == {"receipt": first["receipt"], "replaced": True}
    mine = app.get(f"/api/v1/votes/{vote.id}", headers=bearer(db, user)).json["you"]
    assert mine["voted"] and mine["receipt"] == first["receipt"]
    assert mine["ranking"] == [[status_quo]]
    assert db.scalar(select(func.count()).select_from(Ballot)) == 1


def test_equal_ranks_and_string_ids(app, db, people, vote):
    proposal, status_quo = option_ids(vote)
    cast(app, db, people.member, vote, [[str(proposal), status_quo]])


@pytest.mark.parametrize("who", ["observer", "outsider", "official"])
def test_outside_the_electorate_is_403(app, db, people, vote, who):
    cast(app, db, getattr(people, who), vote, [option_ids(vote)[0]], status=403)


def test_a_member_who_joined_later_is_403(app, db, people, vote):
    from tests import factories

    newcomer = factories.make_user(db)
    helpers.add_member(db, people.assembly, newcomer)
    cast(app, db, newcomer, vote, [option_ids(vote)[0]], status=403)


def test_casting_needs_a_token(app, vote):
    app.post_json(f"/api/v1/votes/{vote.id}/ballots", {"ranking": [1]}, status=401)


@pytest.mark.parametrize(
    "ranking",
    [[], [[]], [999_999], ["x"], [1.5], [None], [{"id": 1}], "P", None],
)
def test_bad_rankings_are_422(app, db, people, vote, ranking):
    cast(app, db, people.member, vote, ranking, status=422)
    assert db.scalar(select(func.count()).select_from(Ballot)) == 0


def test_ranked_twice_is_422(app, db, people, vote):
    proposal, _status_quo = option_ids(vote)
    error = cast(app, db, people.member, vote, [proposal, proposal], status=422).json["error"]
    assert "ranking" in error["fields"]


def test_equal_ranks_refused_for_irv_and_stv(app, db, people, partnership, election):
    a, b, *_ = option_ids(election)
    cast(app, db, people.member, election, [[a, b]], status=422)
    irv = services.open_partnership_vote(db, partnership, people.official, method="irv")
    db.commit()
    proposal, status_quo = option_ids(irv)
    cast(app, db, people.member, irv, [[proposal, status_quo]], status=422)
    cast(app, db, people.member, irv, [proposal, status_quo])


def test_extra_fields_are_422(app, db, people, vote):
    app.post_json(
        f"/api/v1/votes/{vote.id}/ballots", {"ranking": [option_ids(vote)[0]], "name": "me"},
        headers=bearer(db, people.member), status=422,
    )  # fmt: skip


# --- closing and results -------------------------------------------------------------------------


def test_the_whole_vote(app, db, people, partnership, vote):
    proposal, status_quo = option_ids(vote)
    receipts = [
        cast(app, db, people.member, vote, [proposal, status_quo]).json["receipt"],
        cast(app, db, people.voter, vote, [status_quo]).json["receipt"],
        cast(app, db, people.facilitator, vote, [proposal]).json["receipt"],
    ]
    app.get(f"/api/v1/votes/{vote.id}/results", status=409)
    app.get(f"/api/v1/votes/{vote.id}/ballots.blt", status=409)
    app.get(f"/api/v1/votes/{vote.id}/receipts/{receipts[0]}", status=409)
    app.get(f"/api/v1/votes/{vote.id}/receipts", status=409)

    result = app.post(f"/api/v1/votes/{vote.id}/close", headers=bearer(db, people.facilitator)).json
    assert result["winners"] == [proposal] and result["outcome"] == "adopted"
    assert result["turnout"]["ballots"] == 3 and result["turnout"]["electorate"] == 3
    assert result["quorum_met"] is True and result["method"] == "schulze"
    assert result["tie_break"] == vote.tie_break and "pairwise" in result
    assert result["rounds"]
    assert app.get(f"/api/v1/votes/{vote.id}/results").json == result
    db.refresh(partnership)
    assert partnership.status == "adopted"
    assert app.get(f"/api/v1/votes/{vote.id}").json["status"] == "closed"

    for receipt in receipts:
        body = app.get(f"/api/v1/votes/{vote.id}/receipts/{receipt}").json
        assert body["counted"] is True and body["receipt"] == receipt
    app.get(f"/api/v1/votes/{vote.id}/receipts/{receipts[0].lower()}", status=200)
    app.get(f"/api/v1/votes/{vote.id}/receipts/AAAA-BBBB-CCCC-DDDD", status=404)
    app.get(f"/api/v1/votes/{vote.id}/receipts/nonsense", status=404)
    # Whatever is typed, an uncounted receipt is a 404, as the contract says (not a 422).
    app.get(f"/api/v1/votes/{vote.id}/receipts/{'A' * 500}", status=404)
    listed = app.get(f"/api/v1/votes/{vote.id}/receipts").json
    assert listed == {"items": sorted(receipts), "next": None}

    blt = app.get(f"/api/v1/votes/{vote.id}/ballots.blt")
    assert blt.content_type == "text/plain"
    assert blt.text.startswith("2 1\n")
    assert '"Community garden at the tram depot"' in blt.text

    # Closing twice, casting after the close.
    app.post(f"/api/v1/votes/{vote.id}/close", headers=bearer(db, people.official), status=409)
    cast(app, db, people.member, vote, [proposal], status=409)


@pytest.mark.parametrize("who", ["member", "observer", "outsider"])
def test_others_may_not_close(app, db, people, vote, who):
    app.post(f"/api/v1/votes/{vote.id}/close", headers=bearer(db, getattr(people, who)),
             status=403)  # fmt: skip
    app.post(f"/api/v1/votes/{vote.id}/close", status=401)


def test_an_official_closes_an_election(app, db, people, election):
    a, b, c, d = option_ids(election)
    cast(app, db, people.member, election, [a, b])
    cast(app, db, people.voter, election, [c, a])
    result = app.post(
        f"/api/v1/votes/{election.id}/close", headers=bearer(db, people.official)
    ).json
    assert result["outcome"] == "elected" and len(result["winners"]) == 2
    assert result["quota"] == 1 and result["method"] == "stv"


def test_unknown_votes_are_404(app, db, people):
    headers = bearer(db, people.official)
    app.post("/api/v1/votes/999999/close", headers=headers, status=404)
    app.get("/api/v1/votes/999999/results", status=404)
    app.get("/api/v1/votes/999999/ballots.blt", status=404)
    app.get("/api/v1/votes/999999/receipts/AAAA", status=404)
    app.post_json("/api/v1/votes/999999/ballots", {"ranking": [1]}, headers=headers, status=404)


def test_the_openapi_document_lists_the_votes(app):
    paths = app.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/votes/{id}/ballots",
        "/api/v1/votes/{id}/ballots.blt",
        "/api/v1/partnerships/{id}/vote",
        "/api/v1/assemblies/{id}/elections",
    ):
        assert path in paths  # fmt: skip


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ("{nope", 400, None),
        ("[1, 2]", 422, "body"),
        ('{"rank": [1]}', 422, "body"),
        ("{}", 422, "ranking"),
        ('{"ranking": 5}', 422, "ranking"),
        ('{"ranking": [' + ", ".join(["1"] * 201) + "]}", 422, "ranking"),
        ('{"ranking": [[' + ", ".join(["1"] * 201) + "]]}", 422, "ranking"),
    ],
)
def test_malformed_ballot_bodies(app, db, people, vote, body, status, field):
    headers = {**bearer(db, people.member), "Content-Type": "application/json"}
    error = app.post(f"/api/v1/votes/{vote.id}/ballots", body, headers=headers, status=status).json[
        "error"
    ]
    if field:
        assert field in error["fields"]
    assert db.scalar(select(func.count()).select_from(Ballot)) == 0
