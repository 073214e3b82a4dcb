"""Votes' services: opening, casting and replacing, closing and counting, secrecy, paper."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import MetaData, func, inspect, select, text

from deliberation.blt import parse_blt
from deliberation.tally import draw_tie_break, tally
from deliberation.votes import ballots as ballot_data
from deliberation.votes import services
from deliberation.votes.models import Ballot, BallotKey, Vote, VoteElector
from partnerstate.database import utcnow
from partnerstate.models import AuditEntry
from partnerstate.partnerships.errors import Conflict, Forbidden, Invalid
from tests import factories
from tests.deliberation.votes.conftest import option_ids
from tests.partnerstate.partnerships import helpers

# --- opening -------------------------------------------------------------------------------


def test_opening_freezes_the_electorate_and_moves_the_partnership(db, people, partnership, vote):
    assert partnership.status == "voting"
    assert vote.kind == "partnership" and vote.status == "open" and vote.method == "schulze"
    labels = [option.label for option in vote.options]
    assert labels[0] == partnership.title
    assert vote.options[-1].status_quo and vote.options[-1].key == "status_quo"
    assert vote.options[-1].label["fr"].startswith("Statu quo")
    assert [o.status_quo for o in vote.options[:-1]] == [False] * (len(vote.options) - 1)
    electors = set(db.scalars(select(VoteElector.user_id).where(VoteElector.vote_id == vote.id)))
    # Members and facilitators vote; observers, outsiders and the official do not.
    assert electors == {people.facilitator.id, people.member.id, people.voter.id}
    assert vote.electorate_size == 3
    assert vote.secret and len(vote.secret) == 64
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "vote.open"))
    assert (
        entry.object_id == str(vote.id) and entry.details["tie_break_seed"] == vote.tie_break_seed
    )


def test_the_tie_break_order_is_drawn_over_the_blt_names(vote):
    names = services.option_names(vote)
    by_name = dict(zip(names, option_ids(vote), strict=True))
    assert vote.tie_break == [by_name[n] for n in draw_tie_break(names, vote.tie_break_seed)]
    assert len(vote.tie_break_seed) == 32


def test_alternatives_not_declined_are_options(db, people, partnership):
    from deliberation.services import alternatives

    kept = alternatives.propose(db, partnership, people.member, "One year only", "Shorter.")
    gone = alternatives.propose(db, partnership, people.voter, "Twin of the first", "Same.")
    alternatives.decline(db, gone, people.facilitator, "duplicate", "Same as the first.")
    vote = services.open_partnership_vote(db, partnership, people.official, method="irv")
    keys = [option.key for option in vote.options]
    assert keys == ["proposal", f"alternative:{kept.id}", "status_quo"]
    assert vote.options[1].alternative_id == kept.id
    assert vote.options[1].content is not None


def test_quorum_defaults_to_the_assemblys(db, people, partnership):
    people.assembly.quorum_percent = 40.0
    vote = services.open_partnership_vote(db, partnership, people.facilitator)
    assert vote.quorum_percent == 40.0
    assert services.quorum_needed(vote) == 2  # 40 % of 3, rounded up


def test_opening_refusals(db, people, partnership):
    with pytest.raises(Forbidden):
        services.open_partnership_vote(db, partnership, people.member)
    with pytest.raises(Invalid) as error:
        services.open_partnership_vote(db, partnership, people.official, method="stv")
    assert "method" in error.value.fields
    with pytest.raises(Invalid) as error:
        services.open_partnership_vote(
            db, partnership, people.official, closes_at=utcnow() - dt.timedelta(minutes=1)
        )
    assert "closes_at" in error.value.fields
    with pytest.raises(Invalid):
        services.open_partnership_vote(db, partnership, people.official, quorum_percent=120)
    draft = helpers.make_partnership(db, people.official, people.assembly, people.commons)
    with pytest.raises(Conflict):
        services.open_partnership_vote(db, draft, people.official)


def test_a_vote_needs_an_electorate(db, official):
    assembly = helpers.make_assembly(db)
    with pytest.raises(Invalid) as error:
        services.open_election(db, assembly, official, "Board", "stv", 1, ["A", "B"])
    assert "electorate" in error.value.fields


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"candidates": []}, "candidates"),
        ({"candidates": ["Ana", "ana"]}, "candidates"),
        ({"candidates": ["Ana", ""]}, "candidates"),
        ({"candidates": ["x" * 201]}, "candidates"),
        ({"seats": 5}, "seats"),
        ({"seats": 0}, "seats"),
        ({"method": "schulze"}, "method"),
    ],
)
def test_election_refusals(db, people, changes, field):
    args = {"title": "Board", "method": "stv", "seats": 2, "candidates": ["Ana", "Bo", "Cy"]}
    args.update(changes)
    with pytest.raises(Invalid) as error:
        services.open_election(db, people.assembly, people.facilitator, **args)
    assert field in error.value.fields


def test_only_managers_open_elections(db, people):
    with pytest.raises(Forbidden):
        services.open_election(db, people.assembly, people.member, "Board", "stv", 1, ["A", "B"])


# --- casting --------------------------------------------------------------------------------


def test_cast_then_replace_keeps_one_ballot_and_the_receipt(db, people, vote):
    proposal, status_quo = option_ids(vote)
    first = services.cast_ballot(db, vote, people.member, [proposal, status_quo])
    assert not first.replaced
    assert ballot_data.normalize_receipt(first.receipt) == first.receipt
    again = services.cast_ballot(db, vote, people.member, [status_quo])
    assert again.replaced and again.receipt == first.receipt
    rows = db.scalars(select(Ballot).where(Ballot.vote_id == vote.id)).all()
    assert len(rows) == 1 and rows[0].ranking == f"[[{status_quo}]]"
    assert rows[0].source == "online" and rows[0].weight == 1
    mine = services.participation(db, vote, people.member)
    assert mine.elector and mine.voted_at is not None
    assert mine.receipt == first.receipt and mine.ranking == [[status_quo]]


def test_an_elector_row_already_in_the_session_learns_of_the_cast(db, people, vote):
    # The cast writes with table-level statements; an ORM row loaded before must not
    # go on saying the member has not voted.
    loaded = db.get(VoteElector, (vote.id, people.member.id))
    assert loaded.voted_at is None
    services.cast_ballot(db, vote, people.member, [option_ids(vote)[0]])
    assert loaded.voted_at is not None
    assert loaded not in db.dirty


def test_each_voter_has_their_own_ballot(db, people, vote):
    proposal, status_quo = option_ids(vote)
    a = services.cast_ballot(db, vote, people.member, [proposal])
    b = services.cast_ballot(db, vote, people.voter, [status_quo])
    assert a.receipt != b.receipt
    assert db.scalar(select(func.count()).select_from(Ballot)) == 2
    assert services.participation(db, vote, people.voter).ranking == [[status_quo]]
    assert services.turnout_so_far(db, vote) == {"online": 2, "paper": 0, "ballots": 2}


def test_outside_the_electorate(db, people, vote):
    proposal = option_ids(vote)[0]
    for user in (people.observer, people.outsider, people.official):
        with pytest.raises(Forbidden):
            services.cast_ballot(db, vote, user, [proposal])
        assert services.participation(db, vote, user).elector is False


def test_the_electorate_is_frozen(db, people, vote):
    newcomer = factories.make_user(db)
    helpers.add_member(db, people.assembly, newcomer, "member")
    with pytest.raises(Forbidden):
        services.cast_ballot(db, vote, newcomer, [option_ids(vote)[0]])
    assert vote.electorate_size == 3


@pytest.mark.parametrize(
    ("ranking", "code"),
    [
        ([], "empty"),
        ([[]], "empty_group"),
        ([999_999], "unknown"),
        (["abc"], "unknown"),
        ([True], "unknown"),
        ("P", "empty"),
    ],
)
def test_bad_rankings(db, people, vote, ranking, code):
    with pytest.raises(Invalid) as error:
        services.cast_ballot(db, vote, people.member, ranking)
    assert error.value.fields == {"ranking": services.RANKING_MESSAGES[code]}
    assert db.scalar(select(func.count()).select_from(Ballot)) == 0


def test_an_option_ranked_twice(db, people, vote):
    proposal, status_quo = option_ids(vote)
    for ranking in ([proposal, proposal], [[proposal, status_quo], proposal]):
        with pytest.raises(Invalid):
            services.cast_ballot(db, vote, people.member, ranking)


def test_equal_ranks_only_for_condorcet_methods(db, people, partnership, election):
    a, b, *_ = option_ids(election)
    with pytest.raises(Invalid) as error:
        services.cast_ballot(db, election, people.member, [[a, b]])
    assert error.value.message == services.RANKING_MESSAGES["equal_ranks"]
    vote = services.open_partnership_vote(db, partnership, people.official)
    proposal, status_quo = option_ids(vote)
    assert not services.cast_ballot(db, vote, people.member, [[str(proposal), status_quo]]).replaced


def test_no_ballot_after_the_closing_time_or_the_close(db, people, partnership):
    vote = services.open_partnership_vote(
        db, partnership, people.official, closes_at=utcnow() + dt.timedelta(hours=1)
    )
    proposal = option_ids(vote)[0]
    later = utcnow() + dt.timedelta(hours=2)
    with pytest.raises(Conflict):
        services.cast_ballot(db, vote, people.member, [proposal], now=later)
    assert not services.accepting_ballots(vote, later)
    services.close_vote(db, vote, people.official)
    with pytest.raises(Conflict):
        services.cast_ballot(db, vote, people.member, [proposal])


# --- closing ---------------------------------------------------------------------------------


def test_close_counts_publishes_and_moves_the_partnership(db, people, partnership, vote):
    proposal, status_quo = option_ids(vote)
    services.cast_ballot(db, vote, people.member, [proposal, status_quo])
    services.cast_ballot(db, vote, people.voter, [proposal])
    services.cast_ballot(db, vote, people.facilitator, [status_quo, proposal])
    result = services.close_vote(db, vote, people.facilitator)
    assert result["outcome"] == "adopted" and result["winners"] == [proposal]
    assert result["turnout"] == {
        "ballots": 3, "online": 3, "paper": 0, "electorate": 3, "online_share": 1.0
    }  # fmt: skip
    assert result["quorum_met"] is True and result["method"] == "schulze"
    assert result["pairwise"][str(proposal)][str(status_quo)] == 2
    assert result["tie_break"] == vote.tie_break
    assert [o["id"] for o in result["options"]] == [proposal, status_quo]
    assert vote.status == "closed" and vote.result == result and vote.closed_at is not None
    assert partnership.status == "adopted"
    assert (
        db.scalar(select(AuditEntry).where(AuditEntry.action == "vote.close")).details["outcome"]
        == "adopted"
    )
    with pytest.raises(Conflict):
        services.close_vote(db, vote, people.official)


def test_status_quo_wins_means_rejected(db, people, partnership, vote):
    proposal, status_quo = option_ids(vote)
    services.cast_ballot(db, vote, people.member, [status_quo])
    services.cast_ballot(db, vote, people.voter, [status_quo, proposal])
    assert services.close_vote(db, vote, people.official)["outcome"] == "rejected"
    assert partnership.status == "rejected"


def test_no_quorum(db, people, partnership):
    vote = services.open_partnership_vote(db, partnership, people.official, quorum_percent=50)
    services.cast_ballot(db, vote, people.member, [option_ids(vote)[0]])
    result = services.close_vote(db, vote, people.official)
    assert result["quorum_needed"] == 2 and result["quorum_met"] is False
    assert result["outcome"] == "no_quorum" and partnership.status == "no_quorum"


def test_an_empty_vote_is_decided_by_the_published_order(db, people, partnership):
    vote = services.open_partnership_vote(db, partnership, people.official, method="irv")
    result = services.close_vote(db, vote, people.official)
    assert result["winners"] == [vote.tie_break[0]] and result["tie_broken"] is True
    assert result["turnout"]["ballots"] == 0


def test_only_managers_close(db, people, vote):
    with pytest.raises(Forbidden):
        services.close_vote(db, vote, people.member)
    assert vote.status == "open"


def test_an_stv_election_fills_its_seats(db, people, election):
    ana, bo, cy, di = option_ids(election)
    services.cast_ballot(db, election, people.member, [ana, bo])
    services.cast_ballot(db, election, people.voter, [ana, cy])
    services.cast_ballot(db, election, people.facilitator, [bo, di])
    result = services.close_vote(db, election, people.official)
    assert result["outcome"] == "elected" and len(result["winners"]) == 2
    assert result["winners"][0] == ana and result["quota"] == 2
    assert result["rounds"][0]["tallies"][str(ana)] == 2


def _every_value(db) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every non-null cell of every table in the database.

    The tables are read from the database itself (reflected), not from the models, so
    nothing a migration created escapes the check.
    """
    connection = db.connection()
    tables = MetaData()
    tables.reflect(bind=connection)
    found = []
    for table in tables.sorted_tables:
        for row in connection.execute(table.select()).mappings():
            for column, value in row.items():
                if value is not None:
                    found.append((table.name, column, str(value)))
    return found


def test_closing_a_vote_keeps_the_voter_keys_of_another_open_vote(db, people, vote, election):
    def keys_of(v):
        return db.scalar(select(func.count()).where(BallotKey.vote_id == v.id))

    services.cast_ballot(db, vote, people.member, [option_ids(vote)[0]])
    first = services.cast_ballot(db, election, people.member, [option_ids(election)[0]])
    services.close_vote(db, vote, people.official)
    assert (keys_of(vote), keys_of(election)) == (0, 1)
    # The election's voter can still change their ballot: their key is intact.
    again = services.cast_ballot(db, election, people.member, [option_ids(election)[1]])
    assert again.replaced and again.receipt == first.receipt
    services.close_vote(db, election, people.official)
    assert db.scalar(select(func.count()).select_from(BallotKey)) == 0


def test_after_the_close_nothing_links_a_voter_to_a_ballot(db, people, vote):
    proposal, status_quo = option_ids(vote)
    voters = (people.member, people.voter, people.facilitator)
    receipts = {
        user.id: services.cast_ballot(db, vote, user, [proposal, status_quo]).receipt
        for user in voters
    }
    services.cast_ballot(db, vote, people.member, [status_quo])  # a replacement
    keys = {ballot_data.voter_key(vote.secret, vote.id, user.id) for user in voters}
    assert db.scalar(select(func.count()).select_from(BallotKey)) == 3
    # On PostgreSQL the keys live in the vote's own partition, dropped at the close.
    partition = f"ballot_keys_v{vote.id}"
    partitioned = db.get_bind().dialect.name == "postgresql"
    if partitioned:
        count = text(f"SELECT count(*) FROM {partition}")  # noqa: S608 (an integer id)
        assert db.scalar(count) == 3
    services.close_vote(db, vote, people.official)
    db.flush()

    # The key is gone, and so is every voter key.
    assert vote.secret is None
    assert db.scalar(select(func.count()).select_from(BallotKey)) == 0
    if partitioned:
        assert db.scalar(text("SELECT to_regclass(:name)"), {"name": partition}) is None
    # The ballots table has nothing about the voter, by design (``counted`` is the same
    # for every ballot of a vote: set for all of them by the close).
    columns = {c["name"] for c in inspect(db.connection()).get_columns("ballots")}
    assert columns == {"receipt", "vote_id", "ranking", "weight", "source", "counted"}
    assert set(db.scalars(select(Ballot.counted).where(Ballot.vote_id == vote.id))) == {True}
    # Nowhere in the database does a receipt or a voter key appear next to anything
    # else: receipts only in the ballots' own column, voter keys nowhere.
    ballots = {"ballots", f"ballots_v{vote.id}"}  # the table, and on PostgreSQL its partition
    for table, column, value in _every_value(db):
        assert not any(key in value for key in keys), (table, column)
        if table not in ballots or column != "receipt":
            assert not any(r in value for r in receipts.values()), (table, column)
    # What is left about each voter is only that they voted.
    electors = db.execute(
        select(VoteElector.user_id, VoteElector.voted_at).where(VoteElector.vote_id == vote.id)
    ).all()
    assert {user_id for user_id, voted_at in electors if voted_at} == {u.id for u in voters}
    assert services.participation(db, vote, people.member).receipt is None


def test_receipts_are_checked_after_the_close(db, people, vote):
    receipt = services.cast_ballot(db, vote, people.member, [option_ids(vote)[0]]).receipt
    assert not services.receipt_counted(db, vote, receipt)  # not before the close
    services.close_vote(db, vote, people.official)
    assert services.receipt_counted(db, vote, receipt.lower().replace("-", " "))
    assert not services.receipt_counted(db, vote, "AAAA-AAAA-AAAA-AAAA")
    assert not services.receipt_counted(db, vote, "nonsense")
    assert services.counted_receipts(db, vote) == [receipt]


# --- paper ballots and the BLT export ----------------------------------------------------------

PAPER = """2 1
# two options: the proposal, then the status quo
3 1 2 0
2 2 0
1 1=2 0
1 0
0
"Proposal"
"Status quo"
"Paper ballots of the meeting"
"""


def test_paper_ballots_count_in_the_turnout(db, people, vote):
    calls = []
    assert services.import_paper_ballots(db, vote, PAPER, calls.append) == 7
    assert sum(calls) == 4  # file lines written
    services.cast_ballot(db, vote, people.member, [option_ids(vote)[1]])
    result = services.close_vote(db, vote, people.official)
    assert result["turnout"] == {
        "ballots": 8, "online": 1, "paper": 7, "electorate": 3, "online_share": 1 / 3
    }  # fmt: skip
    assert result["ballots"] == 7  # the blank paper ballot is not counted for an option
    proposal, status_quo = option_ids(vote)
    assert result["pairwise"][str(proposal)][str(status_quo)] == 3
    assert services.counted_receipts(db, vote) != []  # online receipts only
    assert len(services.counted_receipts(db, vote)) == 1


@pytest.mark.parametrize(
    ("blt", "line"),
    [
        ('2 1\n1 1 2 0\n1 1 3 0\n0\n"A"\n"B"\n', 3),
        ('2 1\n1 1 1 0\n0\n"A"\n"B"\n', 2),
        ('# header\n3 1\n1 1 0\n0\n"A"\n"B"\n"C"\n', 2),
        ('2 1\n-1\n1 2 0\n0\n"A"\n"B"\n', 1),
        ("2 1\n1 1 2 0\n", 2),
    ],
)
def test_malformed_paper_ballots_import_nothing(db, people, vote, blt, line):
    with pytest.raises(services.PaperBallotError) as error:
        services.import_paper_ballots(db, vote, blt)
    assert error.value.line == line
    assert db.scalar(select(func.count()).select_from(Ballot)) == 0


def test_irv_refuses_equal_ranks_on_paper_as_online(db, people, partnership):
    vote = services.open_partnership_vote(db, partnership, people.official, method="irv")
    with pytest.raises(services.PaperBallotError) as error:
        services.import_paper_ballots(db, vote, '2 1\n# room 2\n3 1 2 0\n\n1 1=2 0\n0\n"A"\n"B"\n')
    assert error.value.line == 5
    assert "equal ranks" in str(error.value)
    assert db.scalar(select(func.count()).select_from(Ballot)) == 0


def test_paper_ballots_are_bounded_by_the_electorate_or_a_room(db, people, vote):
    assert vote.electorate_size < services.PAPER_ROOM
    limit = services.paper_limit(vote)
    assert limit == services.PAPER_ROOM
    services.import_paper_ballots(db, vote, f'2 1\n{limit - 1} 1 0\n0\n"A"\n"B"\n')
    with pytest.raises(services.PaperBallotError) as error:
        services.import_paper_ballots(db, vote, '2 1\n2 2 0\n0\n"A"\n"B"\n')
    assert f"it already has {limit - 1}" in str(error.value)
    # Declared by the assembly, the count may go further.
    assert services.import_paper_ballots(db, vote, '2 1\n2 2 0\n0\n"A"\n"B"\n', expected=2) == 2
    with pytest.raises(services.PaperBallotError):
        services.import_paper_ballots(db, vote, '2 1\n2 2 0\n0\n"A"\n"B"\n', expected=3)
    assert services.turnout_so_far(db, vote)["paper"] == limit + 1


def test_no_paper_ballots_once_closed(db, people, vote):
    services.close_vote(db, vote, people.official)
    with pytest.raises(Conflict):
        services.import_paper_ballots(db, vote, PAPER)


@pytest.mark.parametrize("method", ["schulze", "ranked-pairs", "irv"])
def test_the_blt_export_recounts_to_the_published_result(db, people, partnership, method):
    from deliberation.services import alternatives

    alternatives.propose(db, partnership, people.member, "One year only", "Shorter.")
    vote = services.open_partnership_vote(db, partnership, people.official, method=method)
    a, b, c = option_ids(vote)
    services.cast_ballot(db, vote, people.member, [a, b])
    services.cast_ballot(db, vote, people.voter, [b, c, a])
    services.import_paper_ballots(db, vote, '3 1\n2 3 1 0\n1 2 0\n3 1 2 0\n0\n"x"\n"y"\n"z"\n')
    result = services.close_vote(db, vote, people.official)
    _assert_recount_matches(db, vote, result)


@pytest.mark.parametrize("method", ["stv", "schulze-stv"])
def test_an_election_export_recounts_to_the_published_result(db, people, method):
    vote = services.open_election(
        db, people.assembly, people.official, "Board", method, 2, ["Ana", "Bo", "Cy", "Di"]
    )
    a, b, c, d = option_ids(vote)
    services.cast_ballot(db, vote, people.member, [a, b])
    services.cast_ballot(db, vote, people.voter, [c, a, d])
    services.import_paper_ballots(
        db, vote, '4 2\n3 1 2 0\n2 3 4 0\n2 4 0\n1 2 3 1 0\n0\n"A"\n"B"\n"C"\n"D"\n'
    )
    result = services.close_vote(db, vote, people.official)
    _assert_recount_matches(db, vote, result)


def _assert_recount_matches(db, vote, result):
    """The published BLT, counted by the pure tally with the seed, gives the same result."""
    election = parse_blt(services.blt_export(db, vote))
    assert election.candidates == services.option_names(vote)
    assert election.title == vote.display_title(vote.locale)
    assert election.seats == vote.seats
    names = election.candidates
    recount = tally(
        vote.method,
        names,
        [(w, [[names[i] for i in g] for g in r]) for w, r in election.ballots],
        seats=vote.seats,
        tie_break=draw_tie_break(names, vote.tie_break_seed),
    )
    ids = {name: str(option_id) for name, option_id in zip(names, option_ids(vote), strict=True)}
    recounted = services._ids_as_integers(_renamed(recount, ids))
    for key in ("winners", "tie_break", "rounds", "ballots", "tie_broken", "pairwise", "quota"):
        assert recounted.get(key) == result.get(key), key


def _renamed(value, ids):
    """A recount's result with the BLT names replaced by option ids (as strings)."""
    if isinstance(value, dict):
        return {ids.get(k, k): _renamed(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, ids) for v in value]
    if isinstance(value, str):
        return ids.get(value, value)
    return value


def test_votes_are_found_by_partnership_and_assembly(db, people, partnership, vote):
    assert services.votes_for_partnership(db, partnership.id) == [vote]
    assert services.votes_for_assembly(db, people.assembly.id) == [vote]
    assert services.adopting_vote(db, partnership.id) is None
    services.cast_ballot(db, vote, people.member, [option_ids(vote)[0]])
    services.close_vote(db, vote, people.official)
    assert services.adopting_vote(db, partnership.id) == vote
    assert [o.key for o in services.winning_options(vote)] == ["proposal"]
    assert db.get(Vote, vote.id).result["outcome"] == "adopted"
    assert db.execute(text("SELECT count(*) FROM ballot_keys")).scalar() == 0
