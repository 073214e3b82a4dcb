"""``partnerstate ballots import VOTE_ID FILE``: paper ballots from a BLT file.

The command opens its own connection and commits, so these tests use a database of
their own (a SQLite file), never the suite's shared one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from deliberation.votes import services
from deliberation.votes.models import Ballot, Vote
from partnerstate import migrate
from partnerstate.cli import main
from partnerstate.database import make_engine, make_session_factory
from tests import factories
from tests.partnerstate.partnerships import helpers

GOOD = """3 1
# the proposal, the alternative... here: the vote's three options, in the API's order
12 1 2 0
7 2 1 3 0
5 3 0
2 1 2 3 0
1 0
0
"Whatever the names say"
"They are only informative"
"Status quo"
"Paper ballots, room 2"
"""


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int, int]:
    """A migrated SQLite file with an open vote (3 options) and a closed one."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'votes.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with make_session_factory(engine)() as db:
        official = factories.make_user(db, role="official")
        cast = helpers.make_cast(db, official)
        helpers.add_member(db, cast.assembly, factories.make_user(db))
        vote = services.open_election(
            db, cast.assembly, official, "Board", "stv", 1, ["Ana", "Bo", "Cy"]
        )
        closed = services.open_election(db, cast.assembly, official, "Old board", "stv", 1,
                                        ["Di", "Ed"])  # fmt: skip
        services.close_vote(db, closed, official)
        db.commit()
        ids = vote.id, closed.id
    engine.dispose()
    return url, *ids


def run(url: str, *args: str) -> object:
    return CliRunner().invoke(main, ["ballots", "import", *args, "--db", url])


def paper_count(url: str, vote_id: int) -> int:
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        total = db.scalar(
            select(func.coalesce(func.sum(Ballot.weight), 0)).where(
                Ballot.vote_id == vote_id, Ballot.source == "paper"
            )
        )
    engine.dispose()
    return int(total)


def write(tmp_path: Path, text: str, name: str = "room.blt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_then_close_counts_the_paper_ballots(cli_db, tmp_path):
    url, vote_id, _closed = cli_db
    before = paper_count(url, vote_id)
    result = run(url, str(vote_id), write(tmp_path, GOOD))
    assert result.exit_code == 0, result.output
    assert "Imported 27 paper ballots (5 lines) into vote" in result.output
    assert paper_count(url, vote_id) == before + 27
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        vote = db.get(Vote, vote_id)
        assert services.turnout_so_far(db, vote)["paper"] == before + 27
    engine.dispose()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('3 1\n12 1 2 0\n7 2 9 0\n0\n"A"\n"B"\n"C"\n', 3),
        ('3 1\n12 1 2\n0\n"A"\n"B"\n"C"\n', 2),
        ('\n\n2 1\n1 1 0\n0\n"A"\n"B"\n', 3),
        ('3 1\n1 1 0\n0\n"A"\n', 4),
        ("", 1),
        # A weight beyond any database integer once ended in a traceback.
        ('3 1\n2 1 0\n99999999999999999999 1 2 0\n0\n"A"\n"B"\n"C"\n', 3),
    ],
)
def test_a_malformed_file_imports_nothing(cli_db, tmp_path, text, line):
    url, vote_id, _closed = cli_db
    before = paper_count(url, vote_id)
    result = run(url, str(vote_id), write(tmp_path, text))
    assert result.exit_code == 2
    message = result.output.strip()
    assert "\n" not in message and "Traceback" not in message
    assert f"line {line}:" in message
    assert paper_count(url, vote_id) == before


def test_expected_must_be_the_files_total(cli_db, tmp_path):
    url, vote_id, _closed = cli_db
    before = paper_count(url, vote_id)
    result = run(url, str(vote_id), write(tmp_path, GOOD), "--expected", "26")
    assert result.exit_code == 2
    message = result.output.strip()
    assert "\n" not in message and "Traceback" not in message
    assert "the file holds 27 ballots, not the 26 expected" in message
    assert paper_count(url, vote_id) == before
    result = run(url, str(vote_id), write(tmp_path, GOOD), "--expected", "27")
    assert result.exit_code == 0, result.output
    assert paper_count(url, vote_id) == before + 27


# The file that once added 4,295,067,305 paper ballots to a vote of 83 electors.
HUGE = '3 1\n2147483647 1 0\n2147483647 2 0\n100011 3 0\n0\n"A"\n"B"\n"C"\n'


@pytest.mark.parametrize("expected", [None, "4295067305"])
def test_paper_ballots_are_bounded(cli_db, tmp_path, expected):
    url, vote_id, _closed = cli_db
    before = paper_count(url, vote_id)
    args = [str(vote_id), write(tmp_path, HUGE)]
    result = run(url, *args, *(["--expected", expected] if expected else []))
    assert result.exit_code == 2
    message = result.output.strip()
    assert "\n" not in message and "Traceback" not in message
    assert "the file holds 4295067305 ballots" in message
    limit = "1000000" if expected else "1000"
    assert f"at most {limit} paper ballots" in message
    assert paper_count(url, vote_id) == before


def test_equal_ranks_are_refused_where_the_method_refuses_them(cli_db, tmp_path):
    url, vote_id, _closed = cli_db  # an STV election: one candidate per rank online too
    before = paper_count(url, vote_id)
    result = run(url, str(vote_id), write(tmp_path, '3 1\n4 1 2 0\n2 1=2 3 0\n0\n"A"\n"B"\n"C"\n'))
    assert result.exit_code == 2
    assert "line 3:" in result.output and "equal ranks" in result.output
    assert paper_count(url, vote_id) == before


def test_unknown_or_closed_votes(cli_db, tmp_path):
    url, _vote_id, closed = cli_db
    path = write(tmp_path, GOOD)
    result = run(url, "999999", path)
    assert result.exit_code == 1 and result.output.strip() == "Error: there is no vote 999999"
    result = run(url, str(closed), path)
    assert result.exit_code == 1 and "is closed" in result.output
    assert "\n" not in result.output.strip()


def test_bad_arguments(cli_db, tmp_path):
    url, vote_id, _closed = cli_db
    result = run(url, str(vote_id), str(tmp_path / "missing.blt"))
    assert result.exit_code == 2 and "cannot read" in result.output
    result = run(url, "abc", write(tmp_path, GOOD))
    assert result.exit_code == 2 and "\n" not in result.output.strip()


def test_latin1_files_are_read(cli_db, tmp_path):
    url, vote_id, _closed = cli_db
    path = tmp_path / "old.blt"
    path.write_bytes('3 1\n1 3 0\n0\n"Ana"\n"Bo"\n"Cé"\n"Élection"\n'.encode("latin-1"))
    result = run(url, str(vote_id), str(path))
    assert result.exit_code == 0, result.output
