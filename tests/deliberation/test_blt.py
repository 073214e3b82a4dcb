"""BLT reading and writing: real files, the common dialects, and errors that name a line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberation.blt import (
    MAX_WEIGHT,
    BltElection,
    BltError,
    format_blt,
    group_ballots,
    parse_blt,
)

ELECTIONS = Path(__file__).parent.parent / "data" / "elections"


def read(name: str) -> BltElection:
    return parse_blt((ELECTIONS / f"{name}.blt").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "candidates", "seats", "lines", "total", "title"),
    [
        ("burlington_2009_mayor", 6, 1, 384, 8980, "2009 Burlington VT Mayor (IRV)"),
        ("debian_2005_dpl", 7, 1, 358, 504, "Debian Project Leader Election 2005"),
        ("glasgow_2007_calton", 10, 3, 1516, 5199, "CALTON"),
    ],
)
def test_real_files(
    name: str, candidates: int, seats: int, lines: int, total: int, title: str
) -> None:
    election = read(name)
    assert len(election.candidates) == candidates
    assert election.seats == seats
    assert len(election.ballots) == lines
    assert sum(weight for weight, _ in election.ballots) == total
    assert election.title == title
    assert election.withdrawn == []


def test_burlington_names_and_equal_ranks() -> None:
    election = read("burlington_2009_mayor")
    assert election.candidates[0] == "Bob Kiss (Progressive)"
    assert election.candidates[5] == "Write-in"
    assert election.ballots[0] == (840, [[4]])
    # "1 6=5 2 1 4 0": write-in and Wright equal first, then Montroll, Kiss, Smith.
    assert (1, [[5, 4], [1], [0], [3]]) in election.ballots


def test_dialects() -> None:
    text = "\n".join(
        [
            "\ufeff# a comment before anything",
            "3 2   # three candidates, two seats",
            "",
            "-2",
            "4 1 3 0",
            "(b-7) 2 2=3 1 0   # ballot id, equal ranking",
            "1 0",
            "   0",
            '"Alice \\"Al\\" Smith"  # quoted, with escapes',
            "Bob Jones",
            '"Carol # not a comment"',
            '"Tram line"',
            "",
        ]
    )
    election = parse_blt(text)
    assert election == BltElection(
        candidates=['Alice "Al" Smith', "Bob Jones", "Carol # not a comment"],
        seats=2,
        ballots=[(4, [[0], [2]]), (2, [[1, 2], [0]]), (1, [])],
        withdrawn=[1],
        title="Tram line",
    )


def test_names_on_one_line_and_no_title() -> None:
    election = parse_blt('2 1\n1 1 2 0\n0\n"A" "B"\n')
    assert election.candidates == ["A", "B"]
    assert election.title == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: the file is empty"),
        ("# only a comment\n", "line 1: the file is empty"),
        ("3\n", "line 1: expected 'CANDIDATES SEATS'"),
        ("three 1\n", "line 1: expected 'CANDIDATES SEATS'"),
        ("0 1\n", "line 1: there must be at least one candidate"),
        ("2 3\n", "line 1: 3 seats cannot be filled from 2 candidates"),
        ("3 1\n1 1 2 0\n\n1 9 0\n", "line 4: candidate 9 does not exist (3 candidates)"),
        ("3 1\n1 1 2 1 0\n", "line 2: candidate 1 is ranked twice"),
        ("3 1\n1 1=1 0\n", "line 2: candidate 1 is ranked twice"),
        ("3 1\n1 1 2\n", "line 2: a ballot line must end with 0"),
        ("3 1\n1 1 0 2 0\n", "line 2: a ballot line must end with 0, and only there"),
        ("3 1\nx 1 0\n", "line 2: the weight must be a positive whole number, not 'x'"),
        ("3 1\n1.5 1 0\n", "line 2: the weight must be a positive whole number"),
        ("3 1\n1 1 0\n2147483648 1 0\n", "line 3: the weight 2147483648 is too large"),
        ("3 1\n1 a 0\n", "line 2: 'a' is not a candidate number"),
        ("3 1\n1 2= 0\n", "line 2: '' is not a candidate number"),
        ("3 1\n1 1 0\n-2\n", "line 3: the weight must be a positive whole number, not '-2'"),
        ("3 1\n-4\n", "line 2: candidate 4 does not exist (3 candidates)"),
        ("3 1\n-2 -2\n", "line 2: candidate 2 is withdrawn twice"),
        ("3 1\n-2 x\n", "line 2: withdrawn candidates are negative numbers, not 'x'"),
        ("3 1\n(b1\n", "line 2: unclosed ballot id '(b1'"),
        ("3 1\n1 1 0\n", "line 2: the ballots must end with a line '0'"),
        ('2 1\n1 1 0\n"A"\n"B"\n', "line 3: the weight must be a positive whole number"),
        ('3 1\n1 1 0\n0\n"A"\n"B"\n', "line 5: expected 3 candidate names, found 2"),
        ('2 1\n1 1 0\n0\n"A"\n"B"\n"T"\n"extra"\n', "line 7: unexpected text after the title"),
        ('2 1\n1 1 0\n0\n"A\n"B"\n', "line 4: a quoted name is missing its closing quote"),
        ('2 1\n1 1 0\n0\n"A" B\n"B"\n', "line 4: unexpected 'B' after a quoted name"),
    ],
)
def test_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(BltError) as caught:
        parse_blt(text)
    assert str(caught.value).startswith(message)
    assert caught.value.line == int(message.split(":")[0].removeprefix("line "))


def test_the_largest_weight_is_accepted() -> None:
    assert parse_blt('1 1\n2147483647 1 0\n0\n"A"\n').ballots == [(2**31 - 1, [[0]])]


def test_missing_end_line_hints_at_the_cause() -> None:
    with pytest.raises(BltError, match="is the line '0' that ends the ballots missing"):
        parse_blt('2 1\n1 1 0\n"A"\n"B"\n')


@pytest.mark.parametrize(
    "name", ["burlington_2009_mayor", "debian_2005_dpl", "glasgow_2007_calton"]
)
def test_format_reads_back(name: str) -> None:
    election = read(name)
    text = format_blt(
        election.candidates, election.seats, election.ballots, election.title, election.withdrawn
    )
    assert parse_blt(text) == election


def test_format_writes_the_documented_layout() -> None:
    text = format_blt(["Alice", 'Bob "B"'], 1, [(3, [[0], [1]]), (1, [[0, 1]]), (2, [])], "Vote")
    assert text == '2 1\n3 1 2 0\n1 1=2 0\n2 0\n0\n"Alice"\n"Bob \\"B\\""\n"Vote"\n'


def test_format_splits_weights_the_reader_would_refuse() -> None:
    # 4,295,067,305 paper ballots once made a published file that `tally` refused.
    weight = 4_295_067_305
    text = format_blt(["A", "B"], 1, [(weight, [[1], [0]]), (2, [[0]])], "Big")
    election = parse_blt(text)
    assert all(w <= MAX_WEIGHT for w, _ in election.ballots)
    assert sum(w for w, r in election.ballots if r == [[1], [0]]) == weight
    assert election.ballots[-1] == (2, [[0]])


def test_format_flattens_newlines_in_names() -> None:
    text = format_blt(["two\nlines"], 1, [], "a\r\ntitle")
    assert parse_blt(text).candidates == ["two lines"]
    assert parse_blt(text).title == "a title"


@pytest.mark.parametrize(
    ("candidates", "seats", "ballots", "withdrawn"),
    [
        (["A"], 2, [], []),
        (["A"], 1, [(0, [[0]])], []),
        (["A"], 1, [(True, [[0]])], []),
        (["A"], 1, [(1, [[1]])], []),
        (["A"], 1, [(1, [[-1]])], []),
        (["A"], 1, [], [3]),
    ],
)
def test_format_refuses_what_it_cannot_write(
    candidates: list[str],
    seats: int,
    ballots: list[tuple[int, list[list[int]]]],
    withdrawn: list[int],
) -> None:
    with pytest.raises(ValueError):
        format_blt(candidates, seats, ballots, "", withdrawn)


def test_group_ballots_merges_identical_rankings() -> None:
    ballots = [
        (1, [["a"], ["b", "c"]]),
        (2, [["x"]]),
        (1, [["a"], ["c", "b"], []]),
        (4, (("a",), ("b", "c"))),
        (1, []),
        (1, [[]]),
    ]
    assert group_ballots(ballots) == [(6, [["a"], ["b", "c"]]), (2, [["x"]]), (2, [])]


def test_group_ballots_keeps_order_and_distinguishes_rank_order() -> None:
    assert group_ballots([(1, [[1], [2]]), (1, [[2], [1]]), (1, [[1, 2]])]) == [
        (1, [[1], [2]]),
        (1, [[2], [1]]),
        (1, [[1, 2]]),
    ]


@st.composite
def elections(draw: st.DrawFn) -> BltElection:
    size = draw(st.integers(1, 6))
    names = draw(
        st.lists(
            st.text(st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=8),
            min_size=size,
            max_size=size,
        )
    )
    ballots = []
    for _ in range(draw(st.integers(0, 6))):
        order = draw(st.permutations(range(size)))[: draw(st.integers(0, size))]
        cuts = sorted(draw(st.sets(st.integers(1, max(len(order) - 1, 1)), max_size=3)))
        groups = [list(order[a:b]) for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]
        ballots.append((draw(st.integers(1, 1000)), [g for g in groups if g]))
    withdrawn = draw(st.lists(st.integers(0, size - 1), unique=True, max_size=size))
    title = draw(st.text(st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=10))
    return BltElection(names, draw(st.integers(1, size)), ballots, withdrawn, title)


@given(elections())
def test_round_trip(election: BltElection) -> None:
    text = format_blt(
        election.candidates, election.seats, election.ballots, election.title, election.withdrawn
    )
    # format_blt quotes every name, so spaces, quotes, backslashes and "#" all survive.
    assert parse_blt(text) == election
