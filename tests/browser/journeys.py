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
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import NAVIGATION_TIMEOUT_MS, TIMEOUT_MS, demo_account, login

DEMO_ASSEMBLY = "Lille Assembly of the Commons"
DEMO_PANTRY = "Faubourg community pantry"  # published; any number of partnerships may name it

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


def draft_partnership(official: Any, title: str) -> str:
    """An official drafts a partnership of the demo assembly for the demo pantry, through
    the form (one commitment each side); returns the partnership's path."""
    official.goto("/partnerships")
    official.get_by_role("link", name="Draft a partnership").click()
    official.get_by_label("Assembly").select_option(label=DEMO_ASSEMBLY)
    official.get_by_label("Commons", exact=True).select_option(label=DEMO_PANTRY)
    official.get_by_label("Language of the texts below").select_option("en")
    official.get_by_label("Title").fill(title)
    official.get_by_label("Purpose and general interest").fill(
        "Nobody in the Faubourg goes hungry: the pantry shares what shops give."
    )
    city = official.locator("fieldset.commitment").first
    city.get_by_label("Kind").select_option("space")
    city.get_by_label("What the city commits to").fill("A cold room in the market hall")
    official.get_by_label("What the commoners commit to").first.fill(
        "Open the pantry five days a week"
    )
    official.get_by_label("Duration in months").fill("36")
    submit(official)
    expect(flash(official)).to_have_text("The draft partnership was saved.")
    expect(official).to_have_url(re.compile(r"/partnerships/\d+$"))
    return urlsplit(official.url).path
