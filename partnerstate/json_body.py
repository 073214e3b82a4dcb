"""What is wrong with a JSON body that parses but cannot be stored: checked before any view.

Python's ``json`` module accepts two things no view can use. A lone surrogate
(``"\\ud800"``) becomes a string that cannot be encoded to UTF-8, so it fails later in
the database driver or the response. Deep nesting (``[[[[…]]]]``) exhausts the parser's
recursion limit. Both are answered with a 400 instead. A NUL character is refused
too: PostgreSQL cannot store it in text, and no one types it.

Pure: no Pyramid, no SQLAlchemy.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from typing import Any

# Far deeper than any body the API describes (a ranking is a list of lists in an object).
MAX_DEPTH = 32

# Characters that no text field may hold: NUL, and halves of a surrogate pair.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class Problem(Enum):
    TOO_DEEP = "too_deep"
    UNPAIRED_SURROGATE = "unpaired_surrogate"
    NUL = "nul"


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings, counted without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def unstorable_text(text: str) -> Problem | None:
    """NUL or a lone surrogate in a string, which no column or response can carry."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return Problem.NUL if found.group() == "\x00" else Problem.UNPAIRED_SURROGATE


def problem(text: str) -> Problem | None:
    """Why this JSON text must be refused, or None.

    Text that is not JSON at all is not a problem here: the API's validation answers
    it in its own words.
    """
    if nesting_depth(text) > MAX_DEPTH:
        return Problem.TOO_DEEP
    try:
        value = json.loads(text)
    except ValueError:
        return None
    # Walk iteratively: the depth is already bounded, but the breadth is not.
    pending: list[Any] = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found = unstorable_text(item)
            if found is not None:
                return found
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None
