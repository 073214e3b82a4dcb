"""What the eye sees at 1280 px: the header on one line, the footer at the bottom, the home page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, demo_account, login

pytestmark = pytest.mark.browser

HEADER_PARTS = (
    "() => [...document.querySelectorAll('.header-row > *')]"
    ".map(e => e.getBoundingClientRect().top)"
)


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_signed_in_header_is_one_line_at_1280_pixels(page, locale):
    # The official has the longest demo name; French has the longest menu words.
    login(page, demo_account("official"))
    page.goto(f"/?_LOCALE_={locale}")
    tops = page.evaluate(HEADER_PARTS)
    assert len(tops) == 4  # brand, main menu, account, languages
    assert max(tops) - min(tops) < 12, tops
    assert page.locator(".site-header").bounding_box()["height"] < 70


@pytest.mark.parametrize("path", ["/charters/verify/" + "0" * 64, "/login"])
def test_the_footer_stays_at_the_bottom_of_a_short_page(page, path):
    page.goto(path)
    footer = page.locator(".site-footer").bounding_box()
    viewport = page.viewport_size["height"]
    assert page.evaluate("() => document.documentElement.scrollHeight") <= viewport
    assert abs(footer["y"] + footer["height"] - viewport) < 2, footer


def test_the_home_page_of_a_facilitator(page):
    login(page, demo_account("facilitator"))
    page.goto("/")
    sections = page.locator(".dashboard-section h2")
    assert "Requests to join to decide" in sections.all_inner_texts()[3]
    assert_accessible(page)
    page.goto("/?_LOCALE_=fr")
    assert_accessible(page)


def test_a_long_argument_is_folded_and_opens_without_script(browser, base_url, page):
    page_with_script = page
    """Posted through the page, a 10,000-character argument shows its beginning; the
    whole text opens from the keyboard (a <details>), with JavaScript turned off."""
    context = browser.new_context(
        base_url=base_url, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        login(page, demo_account("member"))
        page.goto("/partnerships/1")
        ending = "The very last sentence of this long argument."
        text = ("Gardens need water and time. " * 340)[:9_950] + ending
        form = page.locator("form").filter(has=page.locator("#body"))
        form.get_by_role("radio", name="For", exact=True).check()
        form.locator("#body").fill(text)
        form.get_by_role("button", name="Post the argument").click()
        folded = page.locator(".folded-post").filter(has_text="Gardens need water").last
        expect(folded.locator(".excerpt")).to_be_visible()
        expect(folded.get_by_text(ending)).to_be_hidden()
        folded.locator("summary").focus()
        page.keyboard.press("Enter")
        expect(folded.get_by_text(ending)).to_be_visible()
        expect(folded.locator(".excerpt")).to_be_hidden()  # not read twice
    finally:
        context.close()
    # axe needs JavaScript (evaluate never returns in a page without it): check there.
    login(page_with_script, demo_account("member"))
    page_with_script.goto("/partnerships/1")
    expect(page_with_script.locator(".folded-post details").first).to_be_visible()
    assert_accessible(page_with_script)
