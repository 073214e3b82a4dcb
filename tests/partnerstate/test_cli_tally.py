"""``partnerstate tally``: reports, JSON, and one-line errors with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deliberation.tally import draw_tie_break
from partnerstate.cli.tally import tally

ELECTIONS = Path(__file__).parent.parent / "data" / "elections"
BURLINGTON = str(ELECTIONS / "burlington_2009_mayor.blt")
GLASGOW = str(ELECTIONS / "glasgow_2007_calton.blt")
DEBIAN = str(ELECTIONS / "debian_2005_dpl.blt")

TIED = '2 1\n1 1 2 0\n1 2 1 0\n0\n"Alice"\n"Bob"\n"Tied vote"\n'


def run(*args: str, stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(tally, list(args), input=stdin)


def write(tmp_path: Path, text: str | bytes, name: str = "vote.blt") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_irv_text_report_round_by_round() -> None:
    result = run(BURLINGTON, "--method", "irv")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("2009 Burlington VT Mayor (IRV)\n")
    assert "Quota: 4489" in out
    assert "Round 1" in out and "Round 5" in out
    assert "Kurt Wright (Republican)" in out
    for figure in ("2951", "2585", "2063", "1306", "36", "35", "4313", "4061"):
        assert figure in out
    assert "Eliminated: James Simpson (Green)" in out
    assert out.rstrip().endswith("Winner: Bob Kiss (Progressive)\nNo tie had to be broken.")
    assert result.stderr == ""


@pytest.mark.parametrize(
    "method", ["schulze", "ranked-pairs", "irv", "plurality", "stv", "schulze-stv"]
)
@pytest.mark.parametrize(
    "blt",
    ['1 1\n1 1 0\n0\n"Solo"\n"One candidate"\n', '2 1\n-2\n1 1 0\n0\n"Solo"\n"Gone"\n"T"\n'],
    ids=["one candidate", "one left after a withdrawal"],
)
def test_a_single_candidate_is_reported_as_the_winner(
    tmp_path: Path, method: str, blt: str
) -> None:
    # The app publishes such files (an election with one candidate): the empty pairwise
    # matrix once made the text report crash.
    result = run(write(tmp_path, blt), "--method", method)
    assert result.exit_code == 0, result.output
    assert ", 1 ballot\n" in result.stdout
    assert result.stdout.rstrip().splitlines()[-2] == "Winner: Solo"


def test_schulze_text_report_shows_the_matrices() -> None:
    result = run(BURLINGTON, "--method", "schulze")
    assert result.exit_code == 0
    assert "Pairwise preferences" in result.stdout
    assert "Strongest paths" in result.stdout
    assert "Condorcet winner: Andy Montroll (Democrat)" in result.stdout
    assert "Winner: Andy Montroll (Democrat)" in result.stdout


def test_ranked_pairs_text_report_lists_the_locks() -> None:
    result = run(DEBIAN, "-m", "ranked-pairs")
    assert result.exit_code == 0
    assert "locked" in result.stdout
    assert "Winner: Branden Robinson" in result.stdout


@pytest.mark.parametrize(
    ("path", "method", "winners"),
    [
        (BURLINGTON, "irv", ["Bob Kiss (Progressive)"]),
        (BURLINGTON, "schulze", ["Andy Montroll (Democrat)"]),
        (BURLINGTON, "ranked-pairs", ["Andy Montroll (Democrat)"]),
        (BURLINGTON, "plurality", ["Kurt Wright (Republican)"]),
        (DEBIAN, "schulze", ["Branden Robinson"]),
        (GLASGOW, "stv", ["George Redmond", "Alison E Thewliss", "Ruth Simpson"]),
    ],
)
def test_json(path: str, method: str, winners: list[str]) -> None:
    result = run(path, "--method", method, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["method"] == method
    assert data["winners"] == winners
    assert isinstance(data["rounds"], list) and data["rounds"]
    assert data["tie_broken"] is False


def test_glasgow_stv_json_details() -> None:
    data = json.loads(run(GLASGOW, "-m", "stv", "--format", "json").stdout)
    assert data["title"] == "CALTON"
    assert data["seats"] == 3  # from the file
    assert data["quota"] == 1300
    assert data["rounds"][0]["tallies"]["George Redmond"] == 1982


def test_stv_text_shows_fractional_transfers() -> None:
    out = run(GLASGOW, "-m", "stv").stdout
    assert "Elected: George Redmond, Alison E Thewliss, Ruth Simpson" in out
    assert "1175.68920" in out  # round 2: Thewliss after Redmond's surplus
    # The round's note is a code in the result, words in the report.
    assert "(elected without the quota: no more continuing candidates than seats)" in out
    data = json.loads(run(GLASGOW, "-m", "stv", "--format", "json").stdout)
    assert data["rounds"][-1]["note"] == "elected_without_quota"


def test_single_winner_method_on_a_multi_seat_file() -> None:
    result = run(GLASGOW, "-m", "schulze")
    assert result.exit_code == 0
    assert "(the file declares 3 seats; schulze elects one winner)" in result.stdout


def test_seats_option_overrides_the_file() -> None:
    data = json.loads(run(GLASGOW, "-m", "stv", "--seats", "1", "--format", "json").stdout)
    assert data["seats"] == 1
    assert len(data["winners"]) == 1


def test_tie_break_names_candidates_as_the_file_spells_them(tmp_path: Path) -> None:
    # Glasgow files pad names: "Kieran  Wild " (two spaces inside, one at the end).
    path = write(tmp_path, '2 1\n1 1 2 0\n1 2 1 0\n0\n"Ann Lee"\n"Kieran  Wild "\n"Tied"\n')
    for typed in ("Kieran  Wild ", "Kieran  Wild ,Ann Lee", "Kieran Wild", " Kieran  Wild "):
        result = run(path, "-m", "irv", "--tie-break", typed, "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["tie_break"] == ["Kieran  Wild ", "Ann Lee"]
        assert json.loads(result.stdout)["winners"] == ["Kieran  Wild "]


def test_a_tie_is_reported_as_a_tie_and_a_cycle_as_a_cycle(tmp_path: Path) -> None:
    out = run(write(tmp_path, TIED), "-m", "schulze").stdout
    assert "a cycle" not in out
    assert "No Condorcet winner, and no cycle: options tie head to head." in out
    assert "Alice and Bob were tied; the tie-break order decided for Alice." in out
    cycle = '3 1\n1 1 2 3 0\n1 2 3 1 0\n1 3 1 2 0\n0\n"A"\n"B"\n"C"\n'
    out = run(write(tmp_path, cycle, "cycle.blt"), "-m", "ranked-pairs").stdout
    assert "No Condorcet winner: the head-to-head majorities form a cycle." in out


def test_tie_break_option(tmp_path: Path) -> None:
    path = write(tmp_path, TIED)
    default = json.loads(run(path, "-m", "schulze", "--format", "json").stdout)
    assert default["winners"] == ["Alice"]
    assert default["tie_broken"] is True
    by_name = json.loads(
        run(path, "-m", "schulze", "--tie-break", "Bob, Alice", "--format", "json").stdout
    )
    assert by_name["winners"] == ["Bob"]
    assert by_name["tie_break"] == ["Bob", "Alice"]
    by_number = json.loads(run(path, "-m", "irv", "--tie-break", "2", "--format", "json").stdout)
    assert by_number["winners"] == ["Bob"]
    text = run(path, "-m", "irv", "--tie-break", "Bob").stdout
    assert "A tie was broken with the order: Bob, Alice" in text


def test_seed_option_draws_a_reproducible_order(tmp_path: Path) -> None:
    path = write(tmp_path, TIED)
    data = json.loads(run(path, "-m", "schulze", "--seed", "draw 2026", "--format", "json").stdout)
    assert data["tie_break"] == draw_tie_break(["Alice", "Bob"], "draw 2026")
    assert data["winners"] == data["tie_break"][:1]


def test_stv_reproducer_file_ends(tmp_path: Path) -> None:
    path = write(tmp_path, '4 3\n2 1 0\n1 2 0\n1 2 3 4 0\n0\n"A"\n"B"\n"C"\n"D"\n"loop"\n')
    data = json.loads(run(path, "-m", "stv", "--format", "json").stdout)
    assert data["winners"] == ["A", "B", "C"]
    assert data["tie_broken"] is True


def test_withdrawn_candidates_in_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '3 1\n-1\n3 1 2 0\n2 3 0\n0\n"A"\n"B"\n"C"\n')
    result = run(path, "-m", "irv")
    assert "Withdrawn: A" in result.stdout
    assert "Winner: B" in result.stdout


def test_duplicate_names_are_numbered(tmp_path: Path) -> None:
    path = write(tmp_path, '2 1\n3 2 0\n1 1 0\n0\n"Write-in"\n"Write-in"\n')
    data = json.loads(run(path, "-m", "plurality", "--format", "json").stdout)
    assert data["winners"] == ["Write-in (2)"]


def test_reads_standard_input_and_latin_1(tmp_path: Path) -> None:
    result = run("-", "-m", "irv", stdin=TIED)
    assert "Winner: Alice" in result.stdout
    path = write(tmp_path, '1 1\n1 1 0\n0\n"Zo\xe9"\n'.encode("latin-1"))
    assert "Winner: Zoé" in run(path, "-m", "irv").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "borda"], "Invalid value for '--method'"),
        ([], "Missing option '--method'"),
        (["-m", "irv", "--seats", "0"], "Invalid value for '--seats'"),
        (["-m", "irv", "--seats", "x"], "Invalid value for '--seats'"),
        (["-m", "stv", "--seats", "7"], "--seats 7: the file has only 6 candidates"),
        (["-m", "irv", "--seats", "2"], "irv elects one winner"),
        (["-m", "irv", "--tie-break", "Nobody"], "--tie-break: no candidate 'Nobody'"),
        (["-m", "irv", "--tie-break", "9"], "--tie-break: no candidate '9'"),
        (["-m", "irv", "--tie-break", "1,1"], "--tie-break names a candidate twice"),
        (["-m", "irv", "--tie-break", "1", "--seed", "x"], "not both"),
        (["-m", "irv", "--format", "xml"], "Invalid value for '--format'"),
        (["-m", "irv", "--colour"], "No such option"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = run(BURLINGTON, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3 1\n1 1 2 0\n1 9 0\n0\n", "line 3: candidate 9 does not exist (3 candidates)"),
        ("", "line 1: the file is empty"),
        ('2 1\n1 1 0\n"A"\n"B"\n', "line 3: the weight must be a positive whole number"),
        ('2 1\n1 1 0\n0\n"A"\n', "line 4: expected 2 candidate names, found 1"),
    ],
)
def test_malformed_file_exits_2_naming_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    result = run(path, "-m", "irv")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {path}: {message}")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("target", ["missing.blt", "."])
def test_unreadable_file_exits_2(tmp_path: Path, target: str) -> None:
    path = str(tmp_path / target)
    result = run(path, "-m", "irv")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot read {path}: ")
    assert result.stderr.count("\n") == 1


def test_registered_in_the_partnerstate_command() -> None:
    from partnerstate.cli import main

    result = CliRunner().invoke(main, ["tally", BURLINGTON, "-m", "irv", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["winners"] == ["Bob Kiss (Progressive)"]
    result = CliRunner().invoke(main, ["tally", BURLINGTON, "-m", "nope"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
