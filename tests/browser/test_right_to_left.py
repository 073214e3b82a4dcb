"""Arabic pages mirror; every language's main pages pass axe.

Four pages a resident meets — the home page, a partnership, the ballot and the results —
are opened in Arabic, photographed (``test-artifacts/right-to-left/*.png``, ignored by
git: look at them after a change to the layout) and measured: the header starts at the
right edge, labels sit right of their inputs, tables start with their row headers on the
right, chart bars grow from the right with their numbers on the left of them. The ballot
is filled with the keyboard alone. Then axe checks those pages in each of the eight
languages (languages whose catalog is not there yet show English text under their own
``lang``: axe must pass all the same).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from partnerstate.i18n import LOCALES
from tests.browser.conftest import assert_accessible, demo_account, has_horizontal_scroll
from tests.browser.journeys import DESKTOP, person, unique

pytestmark = pytest.mark.browser

# The four pages, each as who sees it: "{name}" comes from the ``ids`` fixture.
PAGES = {
    "home": (None, "/"),
    "partnership": (None, "/partnerships/{deliberating}"),
    "ballot": ("member", "/votes/{ballot_vote}"),
    "results": (None, "/votes/{closed_vote}"),
}


@pytest.fixture(scope="module")
def ids(browser_database_url: str) -> dict[str, Any]:
    """The demo's objects, and a vote of our own that the demo member may rank."""
    from deliberation.votes import services as votes
    from partnerstate.cli.common import open_engine
    from partnerstate.database import make_session_factory
    from partnerstate.partnerships import services as partnerships
    from partnerstate.services import accounts

    engine = open_engine(browser_database_url)
    queries = {
        "assembly": "select min(id) from assemblies",
        "commons": "select min(id) from commons where status = 'published'",
        "deliberating": "select min(id) from partnerships where status = 'deliberation'",
        "closed_vote": "select min(id) from votes where status = 'closed' and kind = 'partnership'",
    }
    with engine.connect() as connection:
        found = {name: connection.execute(text(query)).scalar() for name, query in queries.items()}
    assert all(found.values()), found
    db = make_session_factory(engine)()
    try:
        official = accounts.find_user_by_email(db, demo_account("official").email)
        body = {
            "title": unique("Right to left: the reading room"),
            "purpose": "Open the reading room on Sundays.",
            "city_commitments": [{"kind": "space", "description": "The reading room"}],
            "commons_commitments": [{"description": "Keep it open on Sundays"}],
            "duration_months": 12,
        }
        partnership = partnerships.draft(
            db, official, found["assembly"], found["commons"], body, locale="en"
        )
        partnerships.open_deliberation(db, partnership, official)
        found["ballot_vote"] = votes.open_partnership_vote(db, partnership, official).id
        db.commit()
    finally:
        db.close()
        engine.dispose()
    return found


@pytest.fixture(scope="module")
def open_in(browser: Any, base_url: str) -> Iterator[Any]:
    """``open_in(who, locale)``: a desktop page signed in as ``who`` (None: a visitor).

    Signed in with the English form first, then switched by the language cookie, so the
    login works whatever the catalogs say and the accounts' profiles stay as they are.
    """
    pages: dict[tuple[str | None, str], Any] = {}
    managers = []

    def page_of(who: str | None, locale: str) -> Any:
        if (who, locale) not in pages:
            manager = person(browser, base_url, who, **DESKTOP)
            page = manager.__enter__()
            managers.append(manager)
            page.context.add_cookies([{"name": "_LOCALE_", "value": locale, "url": base_url}])
            pages[who, locale] = page
        return pages[who, locale]

    yield page_of
    for manager in managers:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="module")
def screenshots(artifacts: Path) -> Path:
    folder = artifacts / "right-to-left"
    folder.mkdir(exist_ok=True)
    return folder


def visit(open_in: Any, ids: dict[str, Any], name: str, locale: str) -> Any:
    who, path = PAGES[name]
    page = open_in(who, locale)
    response = page.goto(path.format(**ids))
    assert response is not None and response.ok, (name, response and response.status)
    return page


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not shown"
    return found


def right(b: dict[str, float]) -> float:
    return b["x"] + b["width"]


# What sticks out of the window, to say why a page scrolls sideways (list markers and
# pseudo-elements have no box of their own: look at the screenshot).
OVERFLOWING = """() => [document.documentElement.scrollWidth, innerWidth,
  ...[...document.querySelectorAll('body *')]
  .map(e => [e, e.getBoundingClientRect()])
  .filter(([e, r]) => r.right > innerWidth + 0.5 || r.left < -0.5)
  .slice(0, 8).map(([e, r]) => `${e.tagName}.${e.className} ${r.left}–${r.right}`)]"""


# --- Arabic: screenshots and a mirrored layout ---------------------------------------------------


@pytest.mark.parametrize("name", list(PAGES))
def test_arabic_pages_are_mirrored(open_in, ids, screenshots, name):
    page = visit(open_in, ids, name, "ar")
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == [
        "ar",
        "rtl",
    ]
    shot = screenshots / f"{name}-ar.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    width = page.viewport_size["width"]
    # The header's first item (the site's name) at the right edge, the languages at the left.
    brand, languages = box(page, ".site-header .brand"), box(page, ".site-header .language-nav")
    assert right(brand) > width - 40, brand
    assert languages["x"] < width / 2 < brand["x"], (brand, languages)
    # The interface's headings start on the right. (A title shown in English because it
    # has no Arabic version carries lang="en" dir="ltr" and reads, and aligns, as English.)
    heading = "main :is(h1, h2):not([lang])"
    assert page.locator(heading).first.evaluate("h => getComputedStyle(h).direction") == "rtl"
    assert right(box(page, heading)) > width - 40
    # Nothing pushes the page sideways (the skip link waits off-screen on the right now).
    assert not has_horizontal_scroll(page), page.evaluate(OVERFLOWING)


def test_the_arabic_language_menu_opens_inside_the_window(open_in, ids, screenshots):
    page = visit(open_in, ids, "home", "ar")
    page.locator("nav.language-nav summary").click()
    links = page.locator("nav.language-nav a")
    expect(links.first).to_be_visible()
    menu = box(page, "nav.language-nav ul")
    assert menu["x"] >= 0 and right(menu) <= page.viewport_size["width"], menu
    names = [links.nth(i).inner_text() for i in range(links.count())]
    assert names == list(LOCALES.values())
    page.screenshot(path=str(screenshots / "home-ar-languages.png"))


def test_an_english_page_is_not_mirrored(open_in, ids):
    page = visit(open_in, ids, "home", "en")
    assert page.evaluate("() => document.documentElement.dir") == "ltr"
    assert box(page, ".site-header .brand")["x"] < 40


def test_the_arabic_ballot_is_ranked_with_the_keyboard(open_in, ids, screenshots):
    page = visit(open_in, ids, "ballot", "ar")
    ballot = page.locator("main form.ballot")
    selects = ballot.locator("select")
    assert selects.count() == 2  # the proposal and the status quo
    # Each option's name on the right, its rank on the left.
    label, select = box(page, ".ballot-option label"), box(page, ".ballot-option select")
    assert label["x"] > right(select) - 1, (label, select)
    # Start from nothing ranked (a rerun finds the ballot of the first run), then rank with
    # the arrow keys and Tab only, and send with Enter.
    for index in range(2):
        selects.nth(index).select_option("")
    selects.nth(0).focus()
    page.keyboard.press("ArrowDown")  # "Choice 1"
    page.keyboard.press("Tab")
    expect(selects.nth(1)).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "Choice 2"
    assert [selects.nth(i).input_value() for i in range(2)] == ["1", "2"]
    page.keyboard.press("Tab")
    expect(ballot.locator("button[type=submit]")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Recorded, with a receipt that stays left to right inside the Arabic sentence.
    receipt = page.locator(".voted strong.receipt bdi[dir=ltr]")
    expect(receipt).to_have_text(re.compile(r"^[A-Z0-9]{4}(-[A-Z0-9]{4})+$"))
    assert receipt.evaluate("r => getComputedStyle(r).direction") == "ltr"
    assert [page.locator("main form.ballot select").nth(i).input_value() for i in range(2)] == [
        "1",
        "2",
    ]
    page.screenshot(path=str(screenshots / "ballot-ar-voted.png"), full_page=True)


def test_arabic_results_tables_and_charts_mirror(open_in, ids):
    page = visit(open_in, ids, "results", "ar")
    # The pairwise table: row headers on the right, the columns to their left.
    row_header = box(page, "#pairwise-table tbody tr th[scope=row]")
    first_cell = box(page, "#pairwise-table tbody tr td")
    assert row_header["x"] > first_cell["x"], (row_header, first_cell)
    # The outcome chart: the bars start together on the right and grow to the left...
    bars = page.locator("#outcome-chart rect")
    assert bars.count() >= 2
    boxes = [bars.nth(i).bounding_box() for i in range(bars.count())]
    ends = [right(b) for b in boxes if b and b["width"] > 0]
    assert ends and max(ends) - min(ends) < 1.5, ends
    # ...each with its count (digits, left to right) on its left.
    wins = page.locator("#outcome-chart text.wins")
    for i in range(wins.count()):
        bar = boxes[i]
        count = wins.nth(i).bounding_box()
        assert bar and count and right(count) <= bar["x"] + 1, (bar, count)
        assert re.match(r"^\d+/\d+", wins.nth(i).text_content())
    # The heat-map mirrors the table: row numbers on the right of its cells.
    cells = page.locator("#pairwise-chart rect")
    numbers = page.locator("#pairwise-chart text")
    assert numbers.nth(1).bounding_box()["x"] > max(
        cells.nth(i).bounding_box()["x"] for i in range(cells.count())
    )
    # The command that recounts the vote reads left to right.
    assert page.locator("pre.command").get_attribute("dir") == "ltr"


def test_english_results_charts_grow_from_the_left(open_in, ids):
    page = visit(open_in, ids, "results", "en")
    bars = page.locator("#outcome-chart rect")
    starts = [bars.nth(i).bounding_box()["x"] for i in range(bars.count())]
    assert max(starts) - min(starts) < 1.5, starts


def test_the_map_controls_sit_on_the_right_and_work_in_arabic(open_in, ids, screenshots):
    page = open_in(None, "ar")
    page.goto("/commons")
    container = page.locator("#commons-map")
    # Leaflet's own stylesheet is physical: the map itself stays left to right.
    assert container.get_attribute("dir") == "ltr"
    zoom = page.locator("#commons-map .leaflet-control-zoom")
    expect(zoom).to_be_visible()
    expect(page.locator("#commons-map .leaflet-marker-icon").first).to_be_visible()
    area, buttons = container.bounding_box(), zoom.bounding_box()
    attribution = box(page, "#commons-map .leaflet-control-attribution")
    # Mirrored like the page: zoom at the top right, the attribution at the bottom left.
    assert right(area) - right(buttons) < 20 and buttons["x"] > area["x"] + area["width"] / 2
    assert attribution["x"] - area["x"] < 5
    assert page.locator("#commons-map .leaflet-control-zoom-in").get_attribute("title")
    scale = "() => document.querySelector('#commons-map .leaflet-proxy').style.transform"
    before = page.evaluate(scale)
    page.locator("#commons-map .leaflet-control-zoom-in").click()
    page.wait_for_function(f"before => ({scale})() !== before", arg=before)
    container.screenshot(path=str(screenshots / "map-ar.png"))


# --- axe, in every language ----------------------------------------------------------------------


@pytest.mark.parametrize("locale", list(LOCALES))
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_in_any_language(open_in, ids, name, locale):
    page = visit(open_in, ids, name, locale)
    assert page.evaluate("() => document.documentElement.lang") == locale
    assert_accessible(page)
