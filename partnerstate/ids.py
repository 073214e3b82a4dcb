"""Database ids as they arrive in URLs, queries and bodies: a 404 or no match, never a 500.

A number beyond the database's integers cannot name a row, but handed to the database it
is an error there (an overflow on SQLite past 2**63, an out-of-range parameter on
PostgreSQL past 2**31): every id from outside goes through here first.
"""

from __future__ import annotations

from typing import Any

# Ids are 32-bit integers on PostgreSQL; a larger number cannot name a row.
MAX_ID = 2**31 - 1


def is_id(value: Any) -> bool:
    """Whether ``value`` (an int, as JSON or a validated parameter gives it) may name a row."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def parse_id(raw: Any) -> int | None:
    """A positive database id from a URL segment or an int, or None (then the page is a 404)."""
    if is_id(raw):
        return int(raw)
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return int(raw)
    return None
