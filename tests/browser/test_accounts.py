"""A newcomer's first minutes in a real browser: register, log out, log in, change language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    has_horizontal_scroll,
    login,
    logout,
    unique_email,
)

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"


def _focus_by_tab(page, selector: str, limit: int = 40) -> None:
    """Press Tab until ``selector`` has the focus: proves it is reachable by keyboard."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} never received the focus by Tab")


def test_register_log_out_and_log_in_with_the_keyboard(page, browser_database_url):
    from tests.browser.test_assemblies import verification_path

    email = unique_email("newcomer")

    # Register through the form.
    page.goto("/")
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Display name").fill("Nadia Newcomer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Preferred language").select_option("en")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")
    # The link of the mail confirms the address and signs the newcomer in.
    page.goto(verification_path(browser_database_url, email))
    expect(page.get_by_text("Your email address is confirmed. Welcome!")).to_be_visible()
    assert page.locator("nav.account-nav").get_by_text("Nadia Newcomer").is_visible()

    logout(page)
    assert page.locator("nav.account-nav").get_by_role("link", name="Log in").is_visible()
    assert page.get_by_text("Nadia Newcomer").count() == 0

    # Log in with the keyboard only: Tab to each field, type, Enter.
    page.goto("/login")
    _focus_by_tab(page, "#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    assert page.locator("nav.account-nav").get_by_text("Nadia Newcomer").is_visible()


def test_a_wrong_password_is_announced_next_to_the_field(page):
    page.goto("/login")
    page.get_by_label("Email").fill(unique_email())
    page.get_by_label("Password").fill("not the password")
    page.locator("main form button[type=submit]").click()
    summary = page.get_by_role("alert")
    assert "Wrong email or password." in summary.inner_text()
    password = page.get_by_label("Password")
    assert password.get_attribute("aria-invalid") == "true"
    assert password.get_attribute("aria-describedby") == "password-error"


def test_the_skip_link_is_the_first_stop_and_reaches_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_switch_to_french_and_back(page):
    page.goto("/login")
    page.locator("nav.language-nav summary").click()
    page.locator("nav.language-nav").get_by_role("link", name="Français").click()
    page.wait_for_url("**/login")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Se connecter"
    # The choice sticks on the next page.
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Prendre soin des communs" in page.get_by_role("heading", level=1).inner_text()
    page.locator("nav.language-nav summary").click()
    page.locator("nav.language-nav").get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_french_browser_gets_french(browser, base_url):
    context = browser.new_context(base_url=base_url, locale="fr-CA")
    try:
        page = context.new_page()
        page.goto("/")
        assert page.locator("html").get_attribute("lang") == "fr"
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/nowhere"])
def test_phone_sized_screens_need_no_horizontal_scroll(browser, base_url, path):
    context = browser.new_context(
        base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(path)
        assert not has_horizontal_scroll(page), f"{path} scrolls sideways at 390 px"
    finally:
        context.close()


def test_phone_sized_signed_in_pages(browser, base_url):
    from tests.browser.conftest import demo_account

    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        login(page, demo_account("official"))
        for path in ("/profile", "/audit", "/?_LOCALE_=fr"):
            page.goto(path)
            assert not has_horizontal_scroll(page), f"{path} scrolls sideways at 390 px"
    finally:
        context.close()


def test_home_page_screenshots(page, browser, base_url, artifacts):
    page.goto("/")
    page.screenshot(path=str(artifacts / "home.png"), full_page=True)
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    try:
        phone = context.new_page()
        phone.goto("/?_LOCALE_=fr")
        phone.screenshot(path=str(artifacts / "home-phone-fr.png"), full_page=True)
    finally:
        context.close()
    assert (artifacts / "home.png").stat().st_size > 10_000
