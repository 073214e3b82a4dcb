"""axe-core finds no serious or critical WCAG 2.1 A/AA problem on the core pages."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, demo_account, login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/nowhere", "/?_LOCALE_=fr"])
def test_public_pages(page, path):
    page.goto(path)
    assert_accessible(page)


def test_form_with_errors(page):
    page.goto("/register")
    page.locator("main form button[type=submit]").click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)


def test_profile_page(page):
    login(page, demo_account("member"))
    page.goto("/profile")
    # With a new token shown and a table of tokens.
    page.get_by_label("Label").fill("accessibility check")
    page.get_by_role("button", name="Create a token").click()
    assert page.locator("code.token").is_visible()
    assert_accessible(page)


def test_audit_log_page(page):
    login(page, demo_account("official"))
    page.goto("/audit")
    assert_accessible(page)


def test_the_checker_really_runs_under_our_content_security_policy(page):
    """A page with known faults must fail: axe is injected and runs despite the CSP."""
    from tests.browser.conftest import accessibility_violations

    page.goto("/")
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend', '<input type="text" id="unlabelled">');
            main.insertAdjacentHTML('beforeend', '<img src="/static/none.png">');
        }"""
    )
    found = {violation["id"] for violation in accessibility_violations(page)}
    assert {"label", "image-alt"} <= found
