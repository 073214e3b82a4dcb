"""The JSON body checks, without a web server."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerstate.json_body import MAX_DEPTH, Problem, nesting_depth, problem


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["[[[[", "{{{"]', 1),  # brackets inside strings do not count
        ('["\\"[[["]', 1),  # nor after an escaped quote
    ],
)
def test_nesting_depth(text, depth):
    assert nesting_depth(text) == depth


def test_depth_at_the_limit_is_fine_and_beyond_it_is_not():
    assert problem("[" * MAX_DEPTH + "]" * MAX_DEPTH) is None
    assert problem("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)) is Problem.TOO_DEEP


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('"\\ud800"', Problem.UNPAIRED_SURROGATE),
        ('{"a": ["x", "\\udc00y"]}', Problem.UNPAIRED_SURROGATE),
        ('{"\\ud800": 1}', Problem.UNPAIRED_SURROGATE),
        ('{"a": "b\\u0000"}', Problem.NUL),
        ('["\\ud83c\\udf3b"]', None),  # a pair is one character (a sunflower)
        ("not json", None),  # the API's validation answers that
        ('{"a": 1e999, "b": null}', None),
    ],
)
def test_problems(text, found):
    assert problem(text) is found


# Any character, surrogate halves included (Hypothesis leaves them out by default).
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=5)
JSON_VALUES = st.recursive(
    ANY_TEXT | st.integers() | st.none(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
    max_leaves=10,
)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)


@given(JSON_VALUES)
def test_a_value_passes_exactly_when_all_its_strings_are_storable(value):
    storable = all(
        not any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in text) for text in _strings(value)
    )
    assert (problem(json.dumps(value)) is None) == storable
