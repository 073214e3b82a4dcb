"""Numbered pages of a listing: how many there are, and what a page past the end means."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.httpexceptions import HTTPFound


def page_number(request: Any, maximum: int = 100_000, name: str = "page") -> int:
    """The ``?page=`` parameter (or ``name``); anything but a whole number from 1 to
    ``maximum`` is page 1 (a mistyped link still shows the list)."""
    raw = request.GET.get(name, "1")
    if raw.isascii() and raw.isdigit() and len(raw) <= 9 and 0 < int(raw) <= maximum:
        return int(raw)
    return 1


def page_count(total: int, page_size: int) -> int:
    """At least one page, so that an empty listing still reads "Page 1 of 1"."""
    return max(1, -(-total // page_size))


def redirect_past_last_page(page: int, pages: int, page_url: Callable[[int], str]) -> None:
    """Send a page number past the end (an old link, fewer results now) to the last page."""
    if page > pages:
        raise HTTPFound(location=page_url(pages))
