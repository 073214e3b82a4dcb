"""Ballots as data: canonical rankings, receipts, voter keys. Pure (no Pyramid, no SQL).

A ranking is stored as canonical JSON text so that the database can group identical
ballots with a plain ``GROUP BY``: groups of equally ranked option ids, most preferred
first, ids sorted inside a group, no spaces — ``[[12],[14,15]]``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any

# Receipts: 16 characters from 30 that cannot be confused (no 0/O, 1/I/L, U), grouped.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
RECEIPT_GROUPS = 4
RECEIPT_GROUP_SIZE = 4


class RankingError(ValueError):
    """A ranking a voter may not cast; ``code`` says why (for the message)."""

    def __init__(self, code: str, option: Any = None) -> None:
        super().__init__(code if option is None else f"{code}: {option!r}")
        self.code = code
        self.option = option


def canonical(groups: Iterable[Iterable[int]]) -> str:
    """The canonical text of a ranking given as groups of option ids."""
    cleaned = [sorted(group) for group in groups]
    return json.dumps([group for group in cleaned if group], separators=(",", ":"))


def parse(text: str) -> list[list[int]]:
    """The groups of a stored ranking."""
    return [[int(option) for option in group] for group in parse_keys(text)]


def parse_keys(text: str) -> list[list[str]]:
    """The groups of a stored ranking with option ids as strings (the tally's keys).

    The canonical text is ours, so plain splitting reads it, several times faster than
    a JSON parser: a close reads one of these per distinct ranking.
    """
    inner = text[2:-2]
    if not inner:
        return []
    return [group.split(",") for group in inner.split("],[")]


def key_parser() -> Callable[[str], list[list[str]]]:
    """`parse_keys` for many rankings at once: equal groups are read once and shared.

    Most groups are single options, so a close of 100,000 distinct rankings over 10
    options reads a few dozen different groups. The lists are shared between the
    rankings returned: callers must not change them (the tally copies what it gets).
    """
    groups: dict[str, list[str]] = {}
    get, keep = groups.get, groups.setdefault

    def parse(text: str) -> list[list[str]]:
        if text == "[]":
            return []
        return [get(g) or keep(g, g.split(",")) for g in text[2:-2].split("],[")]

    return parse


def check_ranking(
    ranking: Sequence[Any], option_ids: Sequence[int], *, equal_ranks: bool
) -> list[list[int]]:
    """Turn a voter's ``[id | [id, ...], ...]`` into groups, or raise `RankingError`.

    Ids may be integers or strings of digits (the API's ids are opaque). Refused: an
    empty ranking, an empty group, an unknown option, an option ranked twice, and
    equal ranks where the method cannot use them.
    """
    if isinstance(ranking, (str, bytes)) or not isinstance(ranking, Sequence) or not ranking:
        raise RankingError("empty")
    known = set(option_ids)
    seen: set[int] = set()
    groups: list[list[int]] = []
    for entry in ranking:
        members = list(entry) if isinstance(entry, (list, tuple)) else [entry]
        if not members:
            raise RankingError("empty_group")
        if len(members) > 1 and not equal_ranks:
            raise RankingError("equal_ranks")
        group = []
        for member in members:
            option = _as_id(member)
            if option is None or option not in known:
                raise RankingError("unknown", member)
            if option in seen:
                raise RankingError("twice", option)
            seen.add(option)
            group.append(option)
        groups.append(group)
    return groups


def _as_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def new_secret() -> str:
    """The per-vote key of the voter keys (hex), destroyed at the close."""
    return secrets.token_hex(32)


def voter_key(secret: str, vote_id: int, user_id: int) -> str:
    """HMAC-SHA256 of the voter under the vote's secret: finds their ballot while open.

    Without the secret the key cannot be computed from a user id, nor reversed.
    """
    message = f"partnerstate-ballot:{vote_id}:{user_id}".encode()
    return hmac.new(bytes.fromhex(secret), message, hashlib.sha256).hexdigest()


def new_receipt() -> str:
    """A random receipt such as ``K7QH-3MZC-W9RA-PT4E`` (about 78 bits)."""
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(16))
    size = RECEIPT_GROUP_SIZE
    return "-".join(chars[i : i + size] for i in range(0, len(chars), size))


def normalize_receipt(text: str) -> str | None:
    """A receipt as typed (any case, spaces or dashes anywhere) in stored form, or None."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    chars = "".join(c for c in text.upper() if c not in " -\t")
    size = RECEIPT_GROUP_SIZE
    if len(chars) != RECEIPT_GROUPS * size or any(c not in RECEIPT_ALPHABET for c in chars):
        return None
    return "-".join(chars[i : i + size] for i in range(0, len(chars), size))


def blt_names(labels: Sequence[str]) -> list[str]:
    """Candidate names as the BLT export writes them and ``partnerstate tally`` reads them.

    Line breaks become spaces (BLT cannot hold them) and a name used twice gets its
    number, exactly as the ``tally`` command labels candidates, so the tie-break order
    drawn from the seed over these names is the one a recount with ``--seed`` draws.
    """
    flat = [" ".join(label.split()) or "?" for label in labels]
    return [
        f"{name} ({number})" if flat.count(name) > 1 else name
        for number, name in enumerate(flat, start=1)
    ]
