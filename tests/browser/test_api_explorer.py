"""The API explorer: the footer's "API documentation" link opens a page listing the operations.

It runs under the site's Content-Security-Policy ('self' only): any script, style or
font it tried to load from elsewhere would be blocked and reported on the console.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_explorer_renders_the_operations_from_this_site_only(page, base_url):
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused" in message.text
            else None
        ),
    )
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(base_url) and not request.url.startswith("data:")
            else None
        ),
    )
    page.goto("/")
    page.get_by_role("link", name="API documentation (OpenAPI)").click()
    expect(page.locator("h1")).to_have_text("API explorer")
    operations = page.locator("#swagger-ui .opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() > 50
    expect(page.locator("#swagger-ui")).to_contain_text("/api/v1/votes")
    # An operation opens to show its parameters.
    page.locator("#swagger-ui .opblock-summary-path[data-path='/api/v1/votes']").first.click()
    expect(page.locator("#swagger-ui .parameters").first).to_contain_text("assembly_id")
    assert refused == [], refused
    assert outside == [], outside
