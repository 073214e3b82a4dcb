"""Helpers shared by the journey tests (commons, assemblies, votes, charters).

Each journey involves several people: ``person(browser, base_url, "official")`` opens a
browser context of their own (own cookies), in English whatever the account's saved
language (the ``_LOCALE_`` cookie wins over the profile, and leaves the profile as it is).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.browser.conftest import NAVIGATION_TIMEOUT_MS, TIMEOUT_MS, demo_account, login

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


def english(context: Any, base_url: str) -> None:
    context.add_cookies([{"name": "_LOCALE_", "value": "en", "url": base_url}])


@contextmanager
def person(browser: Any, base_url: str, who: str | None, **options: Any) -> Iterator[Any]:
    """A page of a fresh context signed in as the demo account ``who`` (None: a visitor)."""
    context = browser.new_context(base_url=base_url, locale="en-US", **(options or DESKTOP))
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    english(context, base_url)
    # Nothing leaves the machine (the map's tiles): the journeys must not wait on the network.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    page = context.new_page()
    try:
        if who is not None:
            login(page, demo_account(who))
        yield page
    finally:
        context.close()


def unique(prefix: str) -> str:
    """A name no other test uses (the demo database is shared by the whole session)."""
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def flash(page: Any) -> Any:
    """The flash messages the last action left (role=status)."""
    return page.locator("p.flash[role=status]")


def submit(page: Any, form: str = "main form") -> None:
    """Submit ``form`` with its submit button and wait for the next page."""
    with page.expect_navigation():
        page.locator(form).locator("button[type=submit]").first.click()
