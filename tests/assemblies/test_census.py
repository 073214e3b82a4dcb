"""Census files: parsing, checking every line, normalising and hashing (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from assemblies import census

TODAY = dt.date(2026, 6, 1)


def parse(text: str) -> census.CensusFile:
    return census.parse_census(text, today=TODAY)


def problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(census.CensusError) as caught:
        parse(text)
    return [(p.line, p.describe()) for p in caught.value.problems]


def test_postcode_file_with_commas():
    parsed = parse("identifier,postcode\nA-1,59000\nA-2, 59 800 \n")
    assert parsed.key == census.POSTCODE
    assert parsed.entries == [("a-1", "59000"), ("a-2", "59800")]
    assert len(parsed) == 2


def test_date_of_birth_file_with_semicolons_bom_and_crlf():
    data = "\ufeffIdentifiant;Date de naissance\r\nX 1;21/03/1984\r\nX 2;1990-12-31\r\n".encode()
    parsed = parse(census.decode(data))
    assert parsed.key == census.DATE_OF_BIRTH
    assert parsed.entries == [("x 1", "1984-03-21"), ("x 2", "1990-12-31")]


def test_columns_in_any_order_and_blank_lines_skipped():
    parsed = parse("\npostcode,identifier\n\nSW1A 1AA,Jane  DOE\n\n")
    assert parsed.entries == [("jane doe", "SW1A1AA")]


def test_latin1_file_is_read():
    data = "identifier;postcode\nRené;59000\n".encode("cp1252")
    assert parse(census.decode(data)).entries == [("rené", "59000")]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", 1, "empty"),
        ("\n\n", 1, "empty"),
        ("name,postcode\nA,59000\n", 1, 'unknown column "name"'),
        ("identifier\nA\n", 1, "two columns"),
        ("identifier,postcode,date_of_birth\nA,1,2\n", 1, "two columns"),
        ("postcode,date_of_birth\n1,2\n", 1, "two columns"),
        ("identifier,postcode\n", 1, "no residents"),
        ("identifier,postcode\nA,59000,extra\n", 2, "expected 2 values, found 3"),
        ("identifier,postcode\nA\n", 2, "expected 2 values, found 1"),
        ("identifier,postcode\n ,59000\n", 2, "identifier is empty"),
        ("identifier,postcode\nA, \n", 2, "postcode is empty"),
        ("identifier,postcode\nA,5\n", 2, '"5" is not a postcode'),
        ("identifier,postcode\nA,59-000-000-000\n", 2, "is not a postcode"),
        ("identifier,date_of_birth\nA,31/02/1990\n", 2, "is not a date of birth"),
        ("identifier,date_of_birth\nA,2030-01-01\n", 2, "is not a date of birth"),
        ("identifier,date_of_birth\nA,1850-01-01\n", 2, "is not a date of birth"),
        ("identifier,date_of_birth\nA,\n", 2, "date of birth is empty"),
        ("identifier,postcode\n" + "x" * 201 + ",59000\n", 2, "longer than 200"),
        ("identifier,postcode\nA,59000\nB,59000\na,59000\n", 4, "same person as on line 2"),
        ('identifier,postcode\n"A,59000\n', 2, "broken CSV"),
    ],
)
def test_malformed_files_name_the_line(text, line, fragment):
    found = problems(text)
    assert found[0][0] == line
    assert fragment in found[0][1]


def test_every_malformed_line_is_reported_and_summarised_on_one_line():
    text = "identifier,postcode\nA,59000\nB,x\nC,59000\n,59000\nE,1\n"
    with pytest.raises(census.CensusError) as caught:
        parse(text)
    error = caught.value
    assert [p.line for p in error.problems] == [3, 5, 6]
    summary = error.summary()
    assert "\n" not in summary
    assert summary.startswith('line 3: "x" is not a postcode')
    assert "(and 2 more malformed lines: 5, 6)" in summary


def test_many_errors_are_capped_but_counted():
    text = "identifier,postcode\n" + "".join(f"P{n},bad!\n" for n in range(80))
    with pytest.raises(census.CensusError) as caught:
        parse(text)
    assert len(caught.value.problems) == census.MAX_ERRORS
    assert caught.value.total == 80
    assert caught.value.summary().endswith("3, 4, 5, 6, 7, …)")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("59000", "59000"), ("59 000", "59000"), ("sw1a-1aa", "SW1A1AA"), ("1", None), ("", None)],
)
def test_normalize_postcode(raw, expected):
    assert census.normalize_postcode(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1984-03-21", "1984-03-21"),
        ("21/03/1984", "1984-03-21"),
        ("21.03.1984", "1984-03-21"),
        (" 21/03/1984 ", "1984-03-21"),
        ("1984/03/21", None),
        ("tomorrow", None),
    ],
)
def test_normalize_date_of_birth(raw, expected):
    assert census.normalize_date_of_birth(raw, today=TODAY) == expected


def test_identifiers_ignore_case_spacing_and_unicode_forms():
    assert census.normalize_identifier("  Jean   DUPONT ") == "jean dupont"
    composed, decomposed = "Ren\u00e9", "Rene\u0301"
    assert census.normalize_identifier(composed) == census.normalize_identifier(decomposed)


def test_digest_is_keyed_and_never_contains_the_data():
    one = census.digest("salt-1", "a-1", "59000")
    assert len(one) == 64 and int(one, 16) >= 0
    assert "59000" not in one
    assert one == census.digest("salt-1", "a-1", "59000")
    assert one != census.digest("salt-2", "a-1", "59000")
    # The separator keeps ("a-15", "9000") apart from ("a-1", "59000").
    assert one != census.digest("salt-1", "a-15", "9000")
