"""Census files: parse and check a CSV of residents, and hash each entry.

A census file is a CSV (comma or semicolon separated, UTF-8 or Windows-1252) whose
first line names the columns: ``identifier`` and either ``postcode`` or
``date_of_birth`` (other columns are refused, so that no one uploads more
personal data than needed). Every line is checked before anything is stored:
:func:`parse_census` returns the normalised entries, or raises
:class:`CensusError` listing each malformed line by number.

Entries are stored only as :func:`digest`: an HMAC-SHA256 of the normalised
identifier and postcode (or date of birth), keyed with the assembly's salt. A
resident proves they are on the census by typing the same data, which is
normalised and hashed the same way.

No Pyramid and no SQLAlchemy here.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from partnerstate.i18n import _

POSTCODE = "postcode"
DATE_OF_BIRTH = "date_of_birth"
KEYS = (POSTCODE, DATE_OF_BIRTH)
IDENTIFIER = "identifier"

MAX_IDENTIFIER = 200
MAX_LINES = 2_000_000
MAX_ERRORS = 50
_POSTCODE = re.compile(r"^[A-Z0-9]{2,10}$")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")
# Header spellings accepted for each column (lower-cased, spaces and dashes as "_").
_ALIASES = {
    "identifier": IDENTIFIER,
    "id": IDENTIFIER,
    "identifiant": IDENTIFIER,
    "postcode": POSTCODE,
    "postal_code": POSTCODE,
    "zip": POSTCODE,
    "code_postal": POSTCODE,
    "date_of_birth": DATE_OF_BIRTH,
    "birth_date": DATE_OF_BIRTH,
    "dob": DATE_OF_BIRTH,
    "date_de_naissance": DATE_OF_BIRTH,
}


@dataclass(frozen=True)
class Problem:
    """A malformed line: its number (1 is the header) and a translatable message."""

    line: int
    message: Any

    def describe(self) -> str:
        """In English, for the command line."""
        text = self.message.interpolate() if hasattr(self.message, "interpolate") else self.message
        return f"line {self.line}: {text}"


class CensusError(ValueError):
    """The file cannot be imported; ``problems`` lists the malformed lines (at most 50)."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        super().__init__(self.summary())

    def summary(self) -> str:
        """One line: the first problem, and how many more there are."""
        first = self.problems[0].describe()
        more = self.total - 1
        if more <= 0:
            return first
        lines = ", ".join(str(p.line) for p in self.problems[1:6])
        suffix = ", …" if more > 5 else ""
        return f"{first} (and {more} more malformed line{'s' if more > 1 else ''}: {lines}{suffix})"


@dataclass
class CensusFile:
    """A checked census: what the identifier is paired with, and the normalised pairs."""

    key: str
    entries: list[tuple[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.entries)


def normalize_identifier(value: str) -> str:
    """Case, accents' composition and spacing do not matter in an identifier."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def normalize_postcode(value: str) -> str | None:
    """``59 000`` and ``59000``, ``sw1a 1aa`` and ``SW1A1AA`` are the same; None if invalid."""
    text = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value)).upper()
    return text if _POSTCODE.match(text) else None


def normalize_date_of_birth(value: str, today: dt.date | None = None) -> str | None:
    """ISO ``YYYY-MM-DD`` from ``YYYY-MM-DD``, ``DD/MM/YYYY`` or ``DD.MM.YYYY``; None if invalid."""
    text = value.strip()
    today = today or dt.date.today()
    for form in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
        if day.year < 1880 or day > today:
            return None
        return day.isoformat()
    return None


def normalize_value(key: str, value: str) -> str | None:
    return normalize_postcode(value) if key == POSTCODE else normalize_date_of_birth(value)


def digest(salt: str, identifier: str, value: str) -> str:
    """The stored form of a census entry (inputs already normalised)."""
    message = f"{identifier}\x1f{value}".encode()
    return hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as spreadsheets often write."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _column(name: str) -> str | None:
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return _ALIASES.get(key)


def _header(cells: list[str]) -> tuple[str, int, int]:
    names = [_column(cell) for cell in cells]
    unknown = [cell for cell, name in zip(cells, names, strict=True) if name is None]
    if unknown:
        raise CensusError(
            [
                Problem(
                    1,
                    _(
                        'unknown column "${name}": the header must name the columns '
                        "identifier and postcode (or date_of_birth), nothing else",
                        mapping={"name": unknown[0][:40]},
                    ),
                )
            ]
        )
    keys = [name for name in names if name in KEYS]
    if IDENTIFIER not in names or len(keys) != 1 or len(names) != 2:
        raise CensusError(
            [
                Problem(
                    1,
                    _(
                        "the header must name two columns: identifier, and postcode or "
                        "date_of_birth"
                    ),
                )
            ]
        )
    return keys[0], names.index(IDENTIFIER), names.index(keys[0])


def parse_census(text: str, today: dt.date | None = None) -> CensusFile:
    """Check a whole census file; raises :class:`CensusError` naming malformed lines.

    Blank lines are skipped; the same person twice is an error (a data problem
    someone should look at), as is any line that does not have both values.
    """
    lines = text.splitlines()
    first = next((number for number, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise CensusError([Problem(1, _("the file is empty"))])
    delimiter = ";" if lines[first].count(";") > lines[first].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    problems: list[Problem] = []
    total = 0
    seen: dict[tuple[str, str], int] = {}
    census: CensusFile | None = None
    id_col = value_col = 0
    try:
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if census is None:
                key, id_col, value_col = _header(row)
                census = CensusFile(key)
                continue
            problem = _check_row(row, census.key, id_col, value_col, today)
            if isinstance(problem, tuple):
                pair = problem
                if pair in seen:
                    problem = _("the same person as on line ${line}", mapping={"line": seen[pair]})
                else:
                    seen[pair] = number
                    census.entries.append(pair)
                    if len(census.entries) > MAX_LINES:
                        raise CensusError(
                            [Problem(number, _("too many lines (at most 2,000,000)"))]
                        )
                    continue
            total += 1
            if len(problems) < MAX_ERRORS:
                problems.append(Problem(number, problem))
    except csv.Error as error:
        total += 1
        problems.append(
            Problem(reader.line_num, _("broken CSV: ${detail}", mapping={"detail": str(error)}))
        )
    if problems:
        raise CensusError(problems, total)
    if census is None:  # pragma: no cover - a non-blank first line is always a header
        raise CensusError([Problem(1, _("the file is empty"))])
    if not census.entries:
        raise CensusError([Problem(first + 1, _("the file has a header but no residents"))])
    return census


def _check_row(
    row: list[str], key: str, id_col: int, value_col: int, today: dt.date | None
) -> tuple[str, str] | Any:
    """The normalised pair, or a translatable message saying what is wrong."""
    if len(row) != 2:
        return _("expected 2 values, found ${count}", mapping={"count": len(row)})
    identifier = normalize_identifier(row[id_col])
    raw_value = row[value_col].strip()
    if not identifier:
        return _("the identifier is empty")
    if len(identifier) > MAX_IDENTIFIER:
        return _("the identifier is longer than 200 characters")
    if not raw_value:
        if key == POSTCODE:
            return _("the postcode is empty")
        return _("the date of birth is empty")
    value = normalize_value(key, raw_value)
    if value is None:
        if key == POSTCODE:
            return _('"${value}" is not a postcode', mapping={"value": raw_value[:20]})
        return _(
            '"${value}" is not a date of birth (YYYY-MM-DD or DD/MM/YYYY)',
            mapping={"value": raw_value[:20]},
        )
    return (identifier, value)
