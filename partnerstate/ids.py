"""Database ids as they arrive in URLs: a 404, never a 500, for one that cannot exist."""

from __future__ import annotations

from typing import Any

# Ids are 32-bit integers on PostgreSQL; a larger number cannot name a row.
MAX_ID = 2**31 - 1


def parse_id(raw: Any) -> int | None:
    """A positive database id from a URL segment, or None (then the page is a 404)."""
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return int(raw)
    return None
