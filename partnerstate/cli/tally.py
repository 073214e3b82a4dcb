"""``partnerstate tally FILE --method M``: count a BLT ballot file.

Any city can recount a published vote (``GET /api/v1/votes/{id}/ballots.blt``) or an
election archive with the same code the server uses (`deliberation.tally`). Errors
are one line on stderr with exit status 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from deliberation.blt import BltElection, BltError, parse_blt
from deliberation.tally import (
    CONDORCET,
    METHODS,
    NOTES,
    SINGLE_WINNER,
    TallyError,
    draw_tie_break,
)
from deliberation.tally import tally as count_votes

METHOD_NAMES = {
    "schulze": "Schulze method",
    "ranked-pairs": "Ranked Pairs",
    "irv": "instant-runoff voting",
    "stv": "single transferable vote",
    "schulze-stv": "Schulze STV",
    "plurality": "plurality (first preferences)",
}


class BadInput(click.ClickException):
    """Shown as the single line ``Error: message``; exit status 2, as for usage errors."""

    exit_code = 2


class OneLineCommand(click.Command):
    """A command whose usage errors are one line too (click prints the usage block)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            # Some click messages list choices on several lines: keep one.
            raise BadInput(" ".join(error.format_message().split())) from None


@click.command("tally", cls=OneLineCommand)
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--method", "-m", required=True, type=click.Choice(METHODS), help="Counting method.")
@click.option(
    "--seats",
    type=click.IntRange(min=1),
    help="Seats to fill (default: the file's, or 1 for single-winner methods).",
)
@click.option(
    "--tie-break",
    "tie_break",
    metavar='"A,B,..."',
    help="Candidates (names or numbers), most favoured first; the rest follow in file order.",
)
@click.option("--seed", help="Draw the tie-break order from this published seed instead.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def tally(
    file: str, method: str, seats: int | None, tie_break: str | None, seed: str | None, output: str
) -> None:
    """Count the ballots of a BLT FILE ("-" for standard input).

    Ties are never broken at random: by default the candidates' order in the file
    decides (a tie for a win goes to the earlier, for an elimination to the later).
    """
    election = _read(file)
    names = _labels(election.candidates)
    declared = election.seats
    if seats is None:
        seats = 1 if method in SINGLE_WINNER else declared
    elif seats > len(names):
        raise BadInput(f"--seats {seats}: the file has only {len(names)} candidates")
    if tie_break is not None and seed is not None:
        raise BadInput("give --tie-break or --seed, not both")
    order = _tie_break(tie_break, names) if tie_break is not None else None
    if seed is not None:
        order = draw_tie_break(names, seed)
    ballots = [
        (weight, [[names[i] for i in group] for group in ranking])
        for weight, ranking in election.ballots
    ]
    try:
        result = count_votes(
            method,
            names,
            ballots,
            seats=seats,
            tie_break=order,
            withdrawn=[names[i] for i in election.withdrawn],
        )
    except TallyError as error:
        raise BadInput(str(error)) from None
    if output == "json":
        click.echo(json.dumps({"title": election.title, **result}, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(result, election.title, declared_seats=declared))


def _read(file: str) -> BltElection:
    try:
        if file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(file, "rb") as handle:
                data = handle.read()
    except OSError as error:
        raise BadInput(f"cannot read {file}: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older STV tools wrote Latin-1; names are only labels, so read them as such.
        text = data.decode("latin-1")
    try:
        return parse_blt(text)
    except BltError as error:
        raise BadInput(f"{file}: {error}") from None


def _labels(names: list[str]) -> list[str]:
    """Candidate keys for the count: the names, numbered where two are the same."""
    return [
        f"{name} ({number})" if names.count(name) > 1 else name
        for number, name in enumerate(names, start=1)
    ]


def _tie_break(text: str, names: list[str]) -> list[str]:
    order = []
    for part in text.split(","):
        name = _named(part, names)
        if name is None:
            token = part.strip()
            if not (token.isdigit() and 1 <= int(token) <= len(names)):
                raise BadInput(
                    f"--tie-break: no candidate {token!r} (names or numbers 1-{len(names)})"
                )
            name = names[int(token) - 1]
        order.append(name)
    if len(set(order)) != len(order):
        raise BadInput("--tie-break names a candidate twice")
    return order


def _named(typed: str, names: list[str]) -> str | None:
    """The candidate ``typed`` names, as the file reader read the names, or None.

    Names keep their spaces ("Kieran  Wild " in a Glasgow file): an exact match wins;
    otherwise spaces around and inside are not significant, as long as that leaves
    only one candidate.
    """
    if typed in names:
        return typed
    loose = " ".join(typed.split())
    matches = [name for name in names if " ".join(name.split()) == loose]
    return matches[0] if len(matches) == 1 else None


# --- the text report --------------------------------------------------------------


def render_text(result: dict[str, Any], title: str = "", declared_seats: int | None = None) -> str:
    """A round-by-round report of a `deliberation.tally.tally` result, for people."""
    method = result["method"]
    lines = [title] if title else []
    seats = result["seats"]
    lines.append(
        f"Method: {METHOD_NAMES[method]} ({method}), {seats} seat{'s' if seats > 1 else ''}, "
        f"{_num(result['ballots'])} ballot{'' if result['ballots'] == 1 else 's'}"
    )
    if declared_seats and declared_seats != seats and method in SINGLE_WINNER:
        lines.append(f"(the file declares {declared_seats} seats; {method} elects one winner)")
    if result["withdrawn"]:
        lines.append("Withdrawn: " + ", ".join(result["withdrawn"]))
    if "quota" in result:
        lines.append(f"Quota: {_num(result['quota'])}")
    if method in CONDORCET:
        lines += _condorcet_text(result)
    else:
        for step in result["rounds"]:
            lines += _round_text(step)
    label = "Winner" if len(result["winners"]) == 1 else "Elected"
    lines += ["", f"{label}: " + ", ".join(result["winners"])]
    if result.get("tie"):
        tie = result["tie"]
        lines.append(
            f"{' and '.join(tie['candidates'])} were tied; the tie-break order decided for "
            f"{', '.join(tie['winners'])}."
        )
    if result["tie_broken"]:
        lines.append("A tie was broken with the order: " + ", ".join(result["tie_break"]))
    else:
        lines.append("No tie had to be broken.")
    return "\n".join(lines)


def _round_text(step: dict[str, Any]) -> list[str]:
    lines = ["", f"Round {step['round']}"]
    tallies = step.get("tallies", {})
    if tallies:
        width = max(len(name) for name in [*tallies, "exhausted"])
        # Fractional transfers: one number of decimals for the whole column.
        places = 5 if any(isinstance(v, float) for v in tallies.values()) else 0
        for name, votes in sorted(tallies.items(), key=lambda item: -item[1]):
            lines.append(f"  {name:<{width}}  {votes:>14.{places}f}")
        if "exhausted" in step:
            lines.append(f"  {'exhausted':<{width}}  {step['exhausted']:>14.{places}f}")
    for key, label in (("eliminated", "Eliminated"), ("elected", "Elected")):
        if step.get(key):
            lines.append(f"  {label}: " + ", ".join(step[key]))
    if step.get("tied"):
        lines.append("  Tie between: " + ", ".join(_show(t) for t in step["tied"]))
    if step.get("note"):
        lines.append(f"  ({NOTES.get(step['note'], step['note'])})")
    return lines


def _condorcet_text(result: dict[str, Any]) -> list[str]:
    candidates = result["candidates"]
    lines = ["", "Pairwise preferences (ballots preferring the row to the column):"]
    lines += _matrix(candidates, result["pairwise"])
    winner = result.get("condorcet_winner")
    if winner:
        lines.append(f"Condorcet winner: {winner}")
    elif result.get("majority_cycle"):
        lines.append("No Condorcet winner: the head-to-head majorities form a cycle.")
    else:
        lines.append("No Condorcet winner, and no cycle: options tie head to head.")
    if "strongest_paths" in result:
        lines += ["", "Strongest paths:", *_matrix(candidates, result["strongest_paths"])]
    if "locked_pairs" in result:
        lines += ["", "Pairs, strongest first:"]
        for step in result["rounds"]:
            if "pair" in step:
                a, b = step["pair"]
                lines.append(f"  {step['action']:<8} {a} > {b} ({step['strength']})")
    elif len(result["rounds"]) > 1:
        lines += ["", "Schwartz-set steps:"]
        for step in result["rounds"][:-1]:
            if "removed" in step:
                lines.append("  removed " + "; ".join(_show(r) for r in step["removed"]))
            else:
                pairs = "; ".join(f"{_show(a)} > {_show(b)}" for a, b in step["dropped_pairs"])
                strength = f" ({step['strength']})" if "strength" in step else ""
                lines.append(f"  dropped the weakest links {pairs}{strength}")
    last = result["rounds"][-1]
    if last.get("tied"):
        lines.append("Tie between: " + ", ".join(_show(t) for t in last["tied"]))
    if last.get("note"):
        lines.append(f"({NOTES.get(last['note'], last['note'])})")
    return lines


def _matrix(candidates: list[str], matrix: dict[str, dict[str, Any]]) -> list[str]:
    # Columns are numbered so that long names do not make the table unreadable.
    width = max(len(name) for name in candidates) + 5
    widest = max((len(_num(v)) for row in matrix.values() for v in row.values()), default=0)
    cells = max(5, widest + 1)  # one candidate left: an empty matrix
    header = " " * width + "".join(f"{n:>{cells}}" for n in range(1, len(candidates) + 1))
    lines = [header]
    for number, a in enumerate(candidates, start=1):
        row = "".join(f"{'-' if a == b else _num(matrix[a][b]):>{cells}}" for b in candidates)
        lines.append(f"{number:>3} {a:<{width - 4}}{row}")
    return lines


def _show(value: Any) -> str:
    # Schulze STV talks about sets of winners; everything else about single candidates.
    return " + ".join(value) if isinstance(value, list) else str(value)


def _num(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.5f}".rstrip("0")
    return str(int(value))
