"""Read and write ballots in the BLT format.

BLT is the plain-text ballot format of OpenSTV, Droop, PrefLib conversions and most
public STV/IRV archives::

    3 1                  # CANDIDATES SEATS
    -2                   # optional: withdrawn candidates, as negative numbers
    4 1 3 0              # WEIGHT, candidates most preferred first (1-based), 0
    2 2=3 1 0            # "=" ranks candidates equally
    (b7) 1 2 0           # an optional ballot id in parentheses is accepted and ignored
    0                    # end of the ballots
    "Alice"              # the candidate names, quoted or not, in number order
    "Bob"
    "Carol"
    "Tram line vote"     # the title (optional)

Comments (``#`` to the end of a line, outside quotes) and blank lines are allowed
anywhere. Candidates are 0-based indexes once parsed. Every error is a `BltError`
that names the 1-based line it comes from.

This module is pure: no Pyramid, no database.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

C = TypeVar("C", bound=Hashable)

#: A ranking: groups of equally ranked candidates, most preferred group first.
Ranking = list[list[int]]


class BltError(ValueError):
    """A malformed BLT file; ``line`` is the 1-based line the problem was found on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class BltElection:
    """The content of a BLT file. Candidates are referred to by 0-based index."""

    candidates: list[str]
    seats: int
    #: ``(weight, ranking)`` in file order; a ranking may be empty (a blank ballot).
    ballots: list[tuple[int, Ranking]] = field(default_factory=list)
    #: 0-based indexes of withdrawn candidates, in file order.
    withdrawn: list[int] = field(default_factory=list)
    title: str = ""


def parse_blt(text: str) -> BltElection:
    """Parse BLT text; raise `BltError` naming the line of the first problem."""
    lines = text.removeprefix("\ufeff").splitlines()
    reader = _Reader(lines)
    ncandidates, seats = _parse_header(reader)
    withdrawn: list[int] = []
    ballots: list[tuple[int, Ranking]] = []
    first_body_line = True
    while True:
        item = reader.next_data()
        if item is None:
            raise BltError(max(len(lines), 1), "the ballots must end with a line '0'")
        lineno, tokens = item
        if tokens == ["0"]:
            break
        if first_body_line and tokens[0].startswith("-"):
            withdrawn = _parse_withdrawn(lineno, tokens, ncandidates)
        else:
            ballots.append(_parse_ballot(lineno, tokens, ncandidates))
        first_body_line = False
    names, title = _parse_names(reader, ncandidates)
    return BltElection(names, seats, ballots, withdrawn, title)


def format_blt(
    candidates: Sequence[str],
    seats: int,
    ballots: Iterable[tuple[int, Sequence[Iterable[int]]]],
    title: str = "",
    withdrawn: Iterable[int] = (),
) -> str:
    """Write BLT text that `parse_blt` reads back to the same election.

    ``ballots`` are ``(weight, ranking)`` with 0-based candidate indexes, so grouped
    ballots (weight > 1) are fine. A weight above `MAX_WEIGHT` (the most `parse_blt`
    reads on one line) is written as several lines of the same ranking, so the file
    always reads back. Names and title are quoted; a newline inside one becomes a
    space, since BLT has no way to write it.
    """
    count = len(candidates)
    if not 1 <= seats <= count:
        raise ValueError(f"{seats} seats for {count} candidates")
    out = [f"{count} {seats}"]
    gone = [f"-{_checked_index(i, count) + 1}" for i in withdrawn]
    if gone:
        out.append(" ".join(gone))
    for weight, ranking in ballots:
        if isinstance(weight, bool) or not isinstance(weight, int) or weight < 1:
            raise ValueError(f"ballot weight must be a positive integer, not {weight!r}")
        ranks = ["=".join(str(_checked_index(i, count) + 1) for i in group) for group in ranking]
        line = " ".join([*(r for r in ranks if r), "0"])
        full, rest = divmod(weight, MAX_WEIGHT)
        out.extend([f"{MAX_WEIGHT} {line}"] * full)
        if rest:
            out.append(f"{rest} {line}")
    out.append("0")
    out.extend(_quote(name) for name in candidates)
    out.append(_quote(title))
    return "\n".join(out) + "\n"


def group_ballots(
    ballots: Iterable[tuple[int, Sequence[Iterable[C]]]],
) -> list[tuple[int, list[list[C]]]]:
    """Merge identical rankings, adding their weights (a `collections.Counter` for ballots).

    Order inside an equal-rank group does not matter and empty groups are dropped, so
    ``[["a", "b"]]`` and ``[["b", "a"], []]`` are the same ballot. Rankings keep the
    order in which they first appear. Feed single ballots as ``(1, ranking)``.
    """
    totals: dict[tuple[frozenset[C], ...], int] = {}
    firsts: dict[tuple[frozenset[C], ...], list[list[C]]] = {}
    for weight, ranking in ballots:
        groups = [list(group) for group in ranking]
        groups = [group for group in groups if group]
        key = tuple(frozenset(group) for group in groups)
        if key in totals:
            totals[key] += weight
        else:
            totals[key] = weight
            firsts[key] = groups
    return [(totals[key], firsts[key]) for key in totals]


# --- parsing helpers ------------------------------------------------------------------------------

_INTEGER = re.compile(r"\d+")
# More identical ballots than any election holds; it also keeps every weight inside a
# 32-bit database integer (PostgreSQL's INTEGER) and exact in pyvotecore's floats.
MAX_WEIGHT = 2**31 - 1


class _Reader:
    """Walks the lines, handing out the non-blank, comment-free ones with their number."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.index = 0

    def next_data(self) -> tuple[int, list[str]] | None:
        """Next line of numbers, split into tokens; ``#`` starts a comment."""
        while self.index < len(self.lines):
            self.index += 1
            tokens = self.lines[self.index - 1].split("#", 1)[0].split()
            if tokens:
                return self.index, tokens
        return None

    def next_raw(self) -> tuple[int, str] | None:
        """Next non-blank line as it is (names may contain ``#`` inside quotes)."""
        while self.index < len(self.lines):
            self.index += 1
            line = self.lines[self.index - 1].strip()
            if line and not line.startswith("#"):
                return self.index, line
        return None


def _parse_header(reader: _Reader) -> tuple[int, int]:
    item = reader.next_data()
    if item is None:
        raise BltError(1, "the file is empty; it must start with a line 'CANDIDATES SEATS'")
    lineno, tokens = item
    if len(tokens) != 2 or not all(_INTEGER.fullmatch(t) for t in tokens):
        raise BltError(
            lineno, f"expected 'CANDIDATES SEATS' (two numbers), found {' '.join(tokens)!r}"
        )
    ncandidates, seats = int(tokens[0]), int(tokens[1])
    if ncandidates < 1:
        raise BltError(lineno, "there must be at least one candidate")
    if not 1 <= seats <= ncandidates:
        raise BltError(lineno, f"{seats} seats cannot be filled from {ncandidates} candidates")
    return ncandidates, seats


def _parse_withdrawn(lineno: int, tokens: list[str], ncandidates: int) -> list[int]:
    withdrawn: list[int] = []
    for token in tokens:
        if not (token.startswith("-") and _INTEGER.fullmatch(token[1:])):
            raise BltError(lineno, f"withdrawn candidates are negative numbers, not {token!r}")
        index = _candidate(lineno, token[1:], ncandidates)
        if index in withdrawn:
            raise BltError(lineno, f"candidate {index + 1} is withdrawn twice")
        withdrawn.append(index)
    return withdrawn


def _parse_ballot(lineno: int, tokens: list[str], ncandidates: int) -> tuple[int, Ranking]:
    if tokens[0].startswith("("):
        # Some producers number their ballots: "(id) WEIGHT ... 0". The id carries no vote.
        if not tokens[0].endswith(")"):
            raise BltError(lineno, f"unclosed ballot id {tokens[0]!r}")
        tokens = tokens[1:]
        if not tokens:
            raise BltError(lineno, "a ballot id without a ballot")
    weight_token, *rest = tokens
    if not _INTEGER.fullmatch(weight_token) or int(weight_token) < 1:
        hint = "; is the line '0' that ends the ballots missing?" if '"' in weight_token else ""
        raise BltError(
            lineno, f"the weight must be a positive whole number, not {weight_token!r}{hint}"
        )
    if int(weight_token) > MAX_WEIGHT:
        raise BltError(lineno, f"the weight {weight_token} is too large (at most {MAX_WEIGHT})")
    if not rest or rest[-1] != "0" or "0" in rest[:-1]:
        raise BltError(lineno, "a ballot line must end with 0, and only there")
    ranking: Ranking = []
    seen: set[int] = set()
    for token in rest[:-1]:
        group = []
        for part in token.split("="):
            index = _candidate(lineno, part, ncandidates)
            if index in seen:
                raise BltError(lineno, f"candidate {index + 1} is ranked twice")
            seen.add(index)
            group.append(index)
        ranking.append(group)
    return int(weight_token), ranking


def _candidate(lineno: int, token: str, ncandidates: int) -> int:
    if not _INTEGER.fullmatch(token):
        raise BltError(lineno, f"{token!r} is not a candidate number")
    number = int(token)
    if not 1 <= number <= ncandidates:
        raise BltError(lineno, f"candidate {number} does not exist ({ncandidates} candidates)")
    return number - 1


def _parse_names(reader: _Reader, ncandidates: int) -> tuple[list[str], str]:
    strings: list[str] = []
    last_line = reader.index
    while (item := reader.next_raw()) is not None:
        lineno, line = item
        last_line = lineno
        for value in _strings(lineno, line):
            if len(strings) > ncandidates:
                raise BltError(lineno, f"unexpected text after the title: {value!r}")
            strings.append(value)
    if len(strings) < ncandidates:
        raise BltError(
            max(last_line, 1), f"expected {ncandidates} candidate names, found {len(strings)}"
        )
    title = strings[ncandidates] if len(strings) > ncandidates else ""
    return strings[:ncandidates], title


def _strings(lineno: int, line: str) -> list[str]:
    """The quoted strings of a line, or the whole line (up to a comment) if unquoted."""
    if not line.startswith('"'):
        return [line.split("#", 1)[0].strip()]
    values: list[str] = []
    position = 0
    while position < len(line):
        char = line[position]
        if char.isspace():
            position += 1
        elif char == "#":
            break
        elif char == '"':
            value, position = _quoted(lineno, line, position + 1)
            values.append(value)
        else:
            raise BltError(lineno, f"unexpected {line[position:]!r} after a quoted name")
    return values


def _quoted(lineno: int, line: str, position: int) -> tuple[str, int]:
    chars: list[str] = []
    while position < len(line):
        char = line[position]
        if char == "\\" and position + 1 < len(line):
            chars.append(line[position + 1])
            position += 2
        elif char == '"':
            return "".join(chars), position + 1
        else:
            chars.append(char)
            position += 1
    raise BltError(lineno, "a quoted name is missing its closing quote")


def _checked_index(index: int, count: int) -> int:
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
        raise ValueError(f"candidate index {index!r} out of range for {count} candidates")
    return index


def _quote(text: str) -> str:
    flat = " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'
