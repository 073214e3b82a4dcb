"""Pure pieces of the votes: canonical rankings, receipts, voter keys, BLT names, the
ballot form's parsing, and the geometry of the charts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberation.votes import ballots as b
from deliberation.votes import charts
from deliberation.votes.forms import form_from_ranking, ranking_from_form


@given(st.lists(st.lists(st.integers(1, 10**9), min_size=1, max_size=4), max_size=6))
def test_canonical_text_reads_back(groups):
    seen: set[int] = set()
    unique = []
    for group in groups:
        group = [g for g in dict.fromkeys(group) if g not in seen]
        seen.update(group)
        if group:
            unique.append(group)
    text = b.canonical(unique)
    assert " " not in text
    assert b.parse(text) == [sorted(g) for g in unique]
    assert b.parse_keys(text) == [[str(i) for i in sorted(g)] for g in unique]
    assert b.key_parser()(text) == b.parse_keys(text)


def test_equal_groups_in_any_order_are_the_same_text():
    assert b.canonical([[3, 1], [2]]) == b.canonical([[1, 3], [], [2]]) == "[[1,3],[2]]"
    assert b.canonical([]) == "[]" and b.parse("[]") == [] and b.parse_keys("[]") == []


def test_the_key_parser_shares_groups():
    parse = b.key_parser()
    first, second = parse("[[1],[2,3]]"), parse("[[4],[2,3]]")
    assert first[1] is second[1] and first == [["1"], ["2", "3"]]


@pytest.mark.parametrize(
    ("ranking", "equal", "groups"),
    [
        ([1, 2], False, [[1], [2]]),
        (["2", 1], False, [[2], [1]]),
        ([[1, 2], 3], True, [[1, 2], [3]]),
        ([[1], 3], False, [[1], [3]]),
    ],
)
def test_good_rankings(ranking, equal, groups):
    assert b.check_ranking(ranking, [1, 2, 3], equal_ranks=equal) == groups


@pytest.mark.parametrize(
    ("ranking", "code"),
    [
        ([], "empty"),
        ("12", "empty"),
        (None, "empty"),
        ([[]], "empty_group"),
        ([[1, 2]], "equal_ranks"),
        ([4], "unknown"),
        ([True], "unknown"),
        ([1.0], "unknown"),
        (["1x"], "unknown"),
        ([1, [2, 1]], "twice"),
    ],
)
def test_bad_rankings(ranking, code):
    with pytest.raises(b.RankingError) as error:
        b.check_ranking(ranking, [1, 2, 3], equal_ranks=code == "twice")
    assert error.value.code == code


def test_receipts():
    receipts = {b.new_receipt() for _ in range(200)}
    assert len(receipts) == 200
    for receipt in receipts:
        assert re.fullmatch(r"([A-Z2-9]{4}-){3}[A-Z2-9]{4}", receipt)
        assert b.normalize_receipt(receipt.lower().replace("-", " ")) == receipt
    assert b.normalize_receipt("K7QH3MZCW9RAPT4E") == "K7QH-3MZC-W9RA-PT4E"
    for bad in ("", "K7QH-3MZC", "K7QH-3MZC-W9RA-PT40", "x" * 100, None):
        assert b.normalize_receipt(bad) is None  # type: ignore[arg-type]


def test_voter_keys_depend_on_the_secret_vote_and_voter():
    secret = b.new_secret()
    key = b.voter_key(secret, 1, 2)
    assert len(key) == 64 and key == b.voter_key(secret, 1, 2)
    assert key not in {b.voter_key(secret, 1, 3), b.voter_key(secret, 2, 2),
                       b.voter_key(b.new_secret(), 1, 2)}  # fmt: skip


def test_blt_names_are_unique_single_lines():
    assert b.blt_names(["Ana", "Bo\nBis", "Ana", "  "]) == ["Ana (1)", "Bo Bis", "Ana (3)", "?"]


def test_the_ballot_form():
    data = {"rank-1": "2", "rank-2": "1", "rank-3": "", "rank-4": "2", "rank-9": "1"}
    assert ranking_from_form([1, 2, 3, 4], data) == ([[2], [1, 4]], [])
    assert ranking_from_form([1, 2, 3], {"rank-1": "3", "rank-3": " 1 "}) == ([[3], [1]], [])
    # What is not a whole number from 1 to the number of options is refused, not dropped.
    assert ranking_from_form([1, 2], {"rank-1": "7", "rank-2": "x"}) == ([], [1, 2])
    bad = {"rank-1": "1.5", "rank-2": "-1", "rank-3": "0", "rank-4": "²", "rank-5": "2"}
    assert ranking_from_form([1, 2, 3, 4, 5], bad) == ([[5]], [1, 2, 3, 4])
    assert form_from_ranking([[2], [1, 4]]) == {"rank-2": 1, "rank-1": 2, "rank-4": 2}
    assert form_from_ranking(None) == {}


def test_round_bars_share_one_scale():
    rounds = [
        {"round": 1, "quota": 4, "tallies": {"1": 3, "2": 2, "3": 1}, "eliminated": [3]},
        {"round": 2, "quota": 4, "tallies": {"1": 4, "2": 2}, "elected": [1]},
        {"round": 3, "removed": [2]},
    ]
    drawn = charts.round_bars(rounds, [1, 2, 3], {"1": "Ana", "2": "Bo", "3": "Cy"})
    assert [c["round"] for c in drawn] == [1, 2]
    first, second = drawn
    assert [bar["label"] for bar in first["bars"]] == ["Ana", "Bo", "Cy"]
    assert first["bars"][2]["state"] == "eliminated" and second["bars"][0]["state"] == "elected"
    assert second["bars"][0]["width"] == charts.PLOT_WIDTH  # 4 is the largest value
    assert first["quota_x"] == charts.LABEL_WIDTH + charts.PLOT_WIDTH
    assert len(second["bars"]) == 2


def test_the_heatmap_colours_margins_with_readable_ink():
    pairwise = {"1": {"2": 10, "3": 5}, "2": {"1": 0, "3": 5}, "3": {"1": 5, "2": 5}}
    drawn = charts.heatmap([1, 2, 3], pairwise)
    cells = {(c["row"], c["column"]): c for c in drawn["cells"]}
    assert cells[(1, 1)]["value"] is None
    assert cells[(1, 2)]["wins"] and cells[(1, 2)]["fill"] == "#2166ac"  # widest win
    assert cells[(2, 1)]["fill"] == "#b35806" and cells[(2, 1)]["ink"] == "#ffffff"
    assert cells[(2, 3)]["fill"] == "#ffffff" and cells[(2, 3)]["ink"] == charts.INK  # a tie
    assert drawn["size"] == charts.HEADER + 3 * charts.CELL


def test_turnout_bar():
    assert charts.turnout_bar(50, 100, 25, width=400) == {
        "width": 400, "filled": 200.0, "quorum_x": 100.0,
    }  # fmt: skip
    assert charts.turnout_bar(0, 0, 0)["quorum_x"] is None
