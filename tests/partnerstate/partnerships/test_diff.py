"""Word-level differences between versions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from partnerstate.partnerships import diff


def rebuild(segments, side):
    keep = {"old": ("equal", "delete"), "new": ("equal", "insert")}[side]
    return "".join(s.text for s in segments if s.op in keep)


def test_equal_texts_have_one_equal_segment():
    assert diff.diff_text("a garden", "a garden") == (diff.Segment("equal", "a garden"),)


def test_a_replaced_word_is_removed_then_added():
    segments = diff.diff_text("rent-free use of the hall", "rent-free use of the courtyard")
    assert segments == (
        diff.Segment("equal", "rent-free use of the "),
        diff.Segment("delete", "hall"),
        diff.Segment("insert", "courtyard"),
    )


def test_words_are_never_split():
    segments = diff.diff_text("maintenance", "maintenances")
    assert [s.op for s in segments] == ["delete", "insert"]


def test_empty_sides():
    assert diff.diff_text("", "new text") == (diff.Segment("insert", "new text"),)
    assert diff.diff_text("old text", "") == (diff.Segment("delete", "old text"),)
    assert diff.diff_text("", "") == ()


def test_field_diffs_count_words_and_keep_order():
    result = diff.diff_fields(
        {"title": "Garden pact", "purpose": "Grow food"},
        {"title": "Garden pact", "purpose": "Grow food together for everyone"},
        ["title", "purpose"],
    )
    assert [d.name for d in result] == ["title", "purpose"]
    assert not result[0].changed
    assert result[1].changed
    assert (result[1].added, result[1].removed) == (3, 0)


def test_field_missing_on_one_side_is_empty():
    (only,) = diff.diff_fields({}, {"objectives": "Plant trees"})
    assert only.old == "" and only.new == "Plant trees" and only.added == 2


def test_unified_diff_for_exports():
    text = diff.unified("a\nb\n", "a\nc\n", "v1", "v2")
    assert "--- v1" in text and "-b" in text and "+c" in text


@given(st.text(max_size=80), st.text(max_size=80))
def test_segments_rebuild_both_texts(old, new):
    segments = diff.diff_text(old, new)
    assert rebuild(segments, "old") == old
    assert rebuild(segments, "new") == new
    # Adjacent segments never share an operation (they are merged).
    assert all(a.op != b.op for a, b in zip(segments, segments[1:], strict=False))
