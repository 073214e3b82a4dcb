"""Differences between two versions of a text, word by word, with difflib.

Pure: the caller turns each version's fields into plain strings (in one language),
and gets back, per field, a list of segments ``(op, text)`` where ``op`` is
``equal``, ``delete`` or ``insert``. Templates render deletions as ``<del>`` and
insertions as ``<ins>``, each with words a screen reader speaks ("removed:", "added:"),
since colour and strike-through alone are not accessible.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

Op = Literal["equal", "delete", "insert"]

# Words and runs of whitespace are the units, so a diff never splits a word.
_TOKEN = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


@dataclass(frozen=True)
class FieldDiff:
    name: str
    old: str
    new: str
    segments: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def added(self) -> int:
        return sum(len(s.text.split()) for s in self.segments if s.op == "insert")

    @property
    def removed(self) -> int:
        return sum(len(s.text.split()) for s in self.segments if s.op == "delete")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def diff_text(old: str, new: str) -> tuple[Segment, ...]:
    """Word-level differences from ``old`` to ``new``; adjacent segments are merged."""
    before, after = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "equal", "".join(before[i1:i2]))
        else:
            # A replacement reads best as the removed words, then the added ones.
            if i2 > i1:
                _append(segments, "delete", "".join(before[i1:i2]))
            if j2 > j1:
                _append(segments, "insert", "".join(after[j1:j2]))
    return tuple(segments)


def _append(segments: list[Segment], op: Op, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].op == op:
        segments[-1] = Segment(op, segments[-1].text + text)
    else:
        segments.append(Segment(op, text))


def diff_fields(
    old: dict[str, str], new: dict[str, str], order: list[str] | tuple[str, ...] | None = None
) -> list[FieldDiff]:
    """One :class:`FieldDiff` per field (in ``order``, else sorted), changed or not."""
    names = list(order) if order is not None else sorted(set(old) | set(new))
    return [
        FieldDiff(
            name,
            old.get(name, ""),
            new.get(name, ""),
            diff_text(old.get(name, ""), new.get(name, "")),
        )
        for name in names
    ]


def unified(old: str, new: str, old_label: str = "before", new_label: str = "after") -> str:
    """A plain unified diff, line by line (for text exports and logs)."""
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=old_label,
            tofile=new_label,
        )
    )
