"""Browser tests: Playwright drives Debian's Chromium against the real app over HTTP.

The app is served by waitress from a background thread, on a free port, for the
whole session. Its database is always a fresh **SQLite** file initialized with
``partnerstate init --demo``, even when PARTNERSTATE_TEST_DATABASE_URL selects
PostgreSQL: the server commits real transactions from other threads, so the
WebTest suite's rolled-back-per-test recipe does not apply, and a throwaway file
keeps the shared test database untouched. Both engines are covered by the
WebTest suite; these tests are about what a person sees and does in a browser.

Writing a journey (later issues add theirs here):

- mark the module ``pytestmark = pytest.mark.browser``;
- use ``page`` (a fresh browser context per test: no cookies carried over) and
  ``base_url``; ``page.goto("/commons")`` is relative to the app;
- sign in with ``login(page, demo_account("member"))`` or any email/password;
- check accessibility with ``assert_accessible(page)``;
- the demo city is shared by all browser tests: create your own objects with
  unique names rather than changing the demo ones.
- wait for what a click brings (``expect(locator).to_be_visible()``), do not look once:
  a click returns when the next page starts loading, not when it is there;
- a failing browser test is run again up to twice (``BROWSER_RERUNS`` in
  tests/conftest.py) and counted as "rerun": keep journeys safe to repeat.

Chromium comes from the distribution (/usr/bin/chromium): Playwright's own
browser downloads are not available here. Without it every browser test is skipped.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from partnerstate import demo

CHROMIUM = Path(os.environ.get("PARTNERSTATE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Nothing leaves the machine: a name that is not ours fails at once instead of
    # waiting on a resolver (the map's tiles would otherwise hold back the "load" event).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000
# A navigation may wait behind another worker's Chromium on a busy 2-core machine.
NAVIGATION_TIMEOUT_MS = 30_000
# WCAG 2.1 levels A and AA; "serious" and "critical" findings fail a test.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING_IMPACTS = {"serious", "critical"}


def _missing_browser() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(autouse=True, scope="session")
def _require_browser() -> None:
    reason = _missing_browser()
    if reason:
        pytest.skip(reason)


# --- the app, served for real ---------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh SQLite file with the schema and the demo city (see the module docstring)."""
    from partnerstate.cli.init import initialize

    url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'browser.sqlite'}"
    initialize(url, demo=True)
    return url


@pytest.fixture(scope="session")
def base_url(browser_database_url: str) -> Iterator[str]:
    """The URL of the app, served by waitress from a background thread."""
    import waitress

    from partnerstate import main
    from tests.conftest import TEST_SECRET

    # The environment overrides ini settings; keep a developer's own database out of it.
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("PARTNERSTATE_DATABASE_URL", raising=False)
        patch.delenv("PARTNERSTATE_ENV", raising=False)
        app = main(
            {},
            **{
                "partnerstate.database_url": browser_database_url,
                "partnerstate.secret": TEST_SECRET,
                "partnerstate.environment": "testing",
            },
        )
    server = waitress.create_server(
        app, host="127.0.0.1", port=0, threads=4, ident="partnerstate-test"
    )
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    _stop(server)
    thread.join(timeout=5)
    app.registry["db_engine"].dispose()


def _stop(server: Any) -> None:
    # waitress's loop runs while its socket map is not empty: close every channel
    # (the listening socket included), then stop the worker threads.
    while server._map:
        for channel in list(server._map.values()):
            channel.handle_close()
    server.task_dispatcher.shutdown()


# --- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh browser profile (no cookies), English, desktop-sized."""
    context = browser.new_context(
        base_url=base_url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- helpers for journeys -----------------------------------------------------------------------


def demo_account(short_name: str) -> demo.DemoAccount:
    """A demo account by the part of its email before the @: official, member, membre…"""
    for account in demo.ACCOUNTS:
        if account.email.split("@")[0] == short_name:
            return account
    raise KeyError(short_name)


def unique_email(prefix: str = "person") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.org"


def login(page: Any, account: Any, password: str | None = None) -> None:
    """Log in through the form. ``account`` is a DemoAccount or an email (then pass password)."""
    email = account if isinstance(account, str) else account.email
    password = password if password is not None else account.password
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("nav.account-nav a[href$='/profile']").count() == 1, (
        f"not logged in as {email}"
    )


def logout(page: Any) -> None:
    page.locator("nav.account-nav a[href$='/logout']").click()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def accessibility_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]


def assert_accessible(page: Any) -> None:
    violations = accessibility_violations(page)
    assert not violations, f"{page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


def has_horizontal_scroll(page: Any) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
