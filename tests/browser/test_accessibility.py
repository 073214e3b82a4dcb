"""Accessibility of every kind of page, in English and French, for each role.

axe-core finds no serious or critical WCAG 2.1 A/AA problem; the checks axe cannot make
are done by hand: one h1, the landmarks, the skip link, the page language, named
tables and charts, visible focus, the keyboard language switcher, form errors tied to
their fields, and the contrast of chart colours (non-text contrast, 1.4.11).
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
from tests.browser.conftest import (
    NAVIGATION_TIMEOUT_MS,
    TIMEOUT_MS,
    accessibility_violations,
    assert_accessible,
    demo_account,
    has_horizontal_scroll,
    login,
)

pytestmark = pytest.mark.browser

ROLES = ("member", "facilitator", "official", "newcomer")

# (who, path): one page of every kind. "{name}" comes from the ``ids`` fixture.
PAGES = [
    ("anon", "/"),
    ("anon", "/login"),
    ("anon", "/register"),
    ("anon", "/password-reset"),
    ("anon", "/password-reset/not-a-link"),  # 410
    ("anon", "/commons"),
    ("anon", "/commons?q=garden&category=food&sort=name"),
    ("anon", "/commons?page=2"),
    ("anon", "/commons/{commons}"),
    ("anon", "/assemblies"),
    ("anon", "/assemblies/{assembly}"),
    ("anon", "/assemblies/{assembly}/meetings"),
    ("anon", "/assemblies/{assembly}/meetings/{meeting}"),
    ("anon", "/partnerships"),
    ("anon", "/partnerships?status=deliberation"),
    ("anon", "/partnerships/{deliberating}"),
    ("anon", "/partnerships/{deliberating}/versions"),
    ("official", "/partnerships/{edited}/versions/2"),
    ("anon", "/partnerships/{voting}/alternatives/{alternative}"),
    ("anon", "/votes"),
    ("anon", "/votes/{open_vote}"),
    ("anon", "/votes/{closed_vote}"),
    ("anon", "/votes/{closed_election}"),
    ("anon", "/votes/{closed_vote}/receipts"),
    ("anon", "/charters"),
    ("anon", "/charters/{charter}"),
    ("anon", "/charters/verify"),  # without a code
    ("anon", "/charters/verify/{charter_code}"),
    ("anon", "/charters/verify/" + "0" * 64),  # unknown code (404 page of its own)
    ("anon", "/nowhere"),  # 404
    ("anon", "/commons/999999"),  # 404 naming what is missing
    ("member", "/"),
    ("member", "/profile"),
    ("member", "/notifications"),
    ("member", "/commons/new"),
    ("member", "/assemblies/{assembly}/members"),
    ("member", "/assemblies/{assembly}/leave"),
    ("member", "/partnerships/{deliberating}"),  # argument and reply forms
    ("member", "/partnerships/{deliberating}/alternatives/new"),
    ("member", "/votes/{open_vote}"),  # the ballot
    ("member", "/audit"),  # 403
    ("newcomer", "/assemblies/{assembly}"),
    ("newcomer", "/assemblies/{assembly}/verify"),
    ("facilitator", "/partnerships/{deliberating}"),
    ("facilitator", "/partnerships/{deliberating}/moderation"),
    ("facilitator", "/assemblies/{assembly}/elections/new"),
    ("facilitator", "/assemblies/{assembly}/meetings/new"),
    ("facilitator", "/assemblies/{assembly}/meetings/{meeting}/minutes"),
    ("facilitator", "/votes/{open_vote}"),  # the form that strikes an elector
    ("facilitator", "/votes/{open_vote}/close"),
    ("official", "/audit"),
    ("official", "/commons"),
    ("official", "/commons/{proposed_commons}"),
    ("official", "/commons/{commons}/edit"),
    ("official", "/commons/{commons}/balance"),
    ("official", "/partnerships/new"),
    ("official", "/partnerships/{deliberating}"),
    ("official", "/partnerships/{deliberating}/edit"),
    ("official", "/partnerships/{deliberating}/vote/new"),
    ("official", "/partnerships/{adopted}/charter/new"),
    ("official", "/charters/{charter}"),  # sign and scan forms
    ("official", "/assemblies/new"),
    ("official", "/assemblies/{assembly}/edit"),
    ("official", "/assemblies/{assembly}/join"),
    ("official", "/assemblies/{assembly}/census"),
    ("official", "/assemblies/{assembly}/invitations"),
    ("official", "/outbox"),
    ("facilitator", "/assemblies/{assembly}/members"),  # with "Invite by email"
]

# (who, page, form, values): a form sent with wrong values (browser validation off).
FORMS_WITH_ERRORS = [
    ("anon", "/register", "main form", {}),
    ("member", "/commons/new", "main form", {}),
    ("member", "/partnerships/{deliberating}", "main form[action$='/arguments']", {}),
    ("member", "/partnerships/{deliberating}/alternatives/new", "main form", {}),
    ("newcomer", "/assemblies/{assembly}/verify", "main form[action$='/verify']", {}),
    ("newcomer", "/assemblies/{assembly}/verify", "main form[action$='/redeem']", {"code": "X"}),
    ("facilitator", "/assemblies/{assembly}/elections/new", "main form", {}),
    # The demo commons is named in seven languages: every one emptied leaves it nameless.
    ("official", "/commons/{commons}/edit", "main form", {f"name_{code}": "" for code in LOCALES}),
    ("official", "/partnerships/new", "main form", {}),
    ("official", "/partnerships/{deliberating}/vote/new", "main form", {"quorum_percent": "500"}),
    ("official", "/charters/{charter}", "main form[action$='/sign']", {}),
    # Issuing needs both signatories: the empty form comes back with its errors.
    ("official", "/partnerships/{adopted}/charter/new", "main form", {}),
]


# --- signed-in browser contexts, one login per role ------------------------------------------


@pytest.fixture(scope="module")
def storage_states(browser: Any, base_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The cookies of a signed-in session for each role (logging in once per role)."""
    folder = tmp_path_factory.mktemp("a11y-sessions")
    states: dict[str, Path] = {}
    for role in ROLES:
        context = browser.new_context(base_url=base_url)
        page = context.new_page()
        login(page, demo_account(role))
        states[role] = folder / f"{role}.json"
        context.storage_state(path=str(states[role]))
        context.close()
    return states


@pytest.fixture(scope="module")
def open_as(browser: Any, base_url: str, storage_states: dict) -> Iterator[Any]:
    """``open_as(who, locale)`` → a page signed in as ``who`` (one per role and language).

    The language comes from the cookie the switcher sets, so that the demo accounts'
    saved preference stays as it is for the other tests. Pages are reused across
    tests (each test starts with a ``goto``) to keep the module fast.
    """
    pages: dict[tuple[str, str], Any] = {}

    def open_page(who: str, locale: str = "en") -> Any:
        if (who, locale) in pages:
            return pages[who, locale]
        state = str(storage_states[who]) if who != "anon" else None
        context = browser.new_context(
            base_url=base_url,
            locale="en-US",
            viewport={"width": 1280, "height": 900},
            storage_state=state,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        context.add_cookies([{"name": "_LOCALE_", "value": locale, "url": base_url}])
        pages[who, locale] = context.new_page()
        return pages[who, locale]

    yield open_page
    for page in pages.values():
        page.context.close()


@pytest.fixture(scope="module")
def ids(browser_database_url: str) -> dict[str, Any]:
    """Numbers of the demo objects of each kind, and a partnership with two versions."""
    from partnerstate.cli.common import open_engine
    from partnerstate.database import make_session_factory
    from partnerstate.partnerships import services as partnerships
    from partnerstate.services import accounts

    engine = open_engine(browser_database_url)
    found: dict[str, Any] = {}
    queries = {
        "commons": "select min(id) from commons where status = 'published'",
        "proposed_commons": "select min(id) from commons where status = 'proposed'",
        "assembly": "select min(id) from assemblies",
        "meeting": "select min(id) from assembly_meetings",
        "deliberating": "select min(id) from partnerships where status = 'deliberation'",
        "voting": "select min(id) from partnerships where status = 'voting'",
        "adopted": "select min(id) from partnerships where status = 'adopted'",
        "alternative": "select min(a.id) from alternatives a join partnerships p"
        " on p.id = a.partnership_id where p.status = 'voting'",
        "open_vote": "select min(id) from votes where status = 'open' and kind = 'partnership'",
        "closed_vote": "select min(id) from votes where status = 'closed' and kind = 'partnership'",
        "closed_election": "select min(id) from votes"
        " where status = 'closed' and kind = 'election'",
        "charter": "select min(id) from charters",
        "charter_code": "select min(sha256) from charters",
    }
    with engine.connect() as connection:
        for name, query in queries.items():
            found[name] = connection.execute(text(query)).scalar()
    missing = [name for name, value in found.items() if value is None]
    assert not missing, f"the demo city has no {missing}"

    # Our own partnership, edited once, for the page comparing two versions.
    db = make_session_factory(engine)()
    try:
        official = accounts.find_user_by_email(db, demo_account("official").email)
        body = {
            "title": "Accessibility check: the shared bicycle workshop",
            "purpose": "Repair bicycles together in the old fire station.",
            "city_commitments": [{"kind": "space", "description": "The fire station garage"}],
            "commons_commitments": [{"description": "Open the workshop on Wednesdays"}],
            "duration_months": 12,
        }
        partnership = partnerships.draft(
            db, official, found["assembly"], found["commons"], body, locale="en"
        )
        partnerships.edit(
            db,
            partnership,
            official,
            {"purpose": "Repair bicycles and teach repairs together in the old fire station."},
            "en",
            note="Teaching added",
        )
        db.commit()
        found["edited"] = partnership.id
    finally:
        db.close()
        engine.dispose()
    return found


# --- what axe cannot check -------------------------------------------------------------------

STRUCTURE = """() => {
  const named = e => (e.getAttribute('aria-label') || '').trim() ||
    (e.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .map(id => (document.getElementById(id) || {}).textContent || '').join('').trim();
  const main = document.querySelector('main');
  return {
    lang: document.documentElement.lang,
    h1: document.querySelectorAll('h1').length,
    h1_in_main: main ? main.querySelectorAll('h1').length : 0,
    main: document.querySelectorAll('main, [role=main]').length,
    main_id: main ? main.id : null,
    banner: document.querySelectorAll('body > header').length,
    footer: document.querySelectorAll('body > footer').length,
    navs_unnamed: [...document.querySelectorAll('nav')].filter(n => !named(n)).length,
    skip: (document.querySelector('body a:first-of-type') || {}).getAttribute?.('href'),
    title: document.title.trim(),
    tables_unnamed: [...document.querySelectorAll('main table')]
      .filter(t => !((t.querySelector('caption') || {}).textContent || '').trim() && !named(t))
      .map(t => t.id || t.className || 'table'),
    tables_headless: [...document.querySelectorAll('main table')]
      .filter(t => !t.querySelector('th')).map(t => t.id || t.className || 'table'),
    svgs_unnamed: [...document.querySelectorAll('main svg')]
      .filter(s => s.getAttribute('aria-hidden') !== 'true')
      .filter(s => !named(s) && !((s.querySelector('title') || {}).textContent || '').trim())
      .map(s => s.id || s.getAttribute('class') || 'svg'),
    radios_ungrouped: [...document.querySelectorAll('main input[type=radio]')]
      .filter(r => { const g = r.closest('fieldset');
        return !g || !((g.querySelector('legend') || {}).textContent || '').trim(); })
      .map(r => r.name),
    svgs_roleless: [...document.querySelectorAll('main svg')]
      .filter(s => s.getAttribute('aria-hidden') !== 'true' && s.getAttribute('role') !== 'img')
      .map(s => s.id || s.getAttribute('class') || 'svg'),
  };
}"""


def assert_structure(page: Any, locale: str) -> None:
    """One h1 in the main content, landmarks, skip link, language, named tables and charts."""
    found = page.evaluate(STRUCTURE)
    where = page.url
    assert found["lang"] == locale, (where, found["lang"])
    assert found["title"], where
    assert found["h1"] == 1 and found["h1_in_main"] == 1, (where, found["h1"])
    assert found["main"] == 1 and found["main_id"] == "main", where
    assert found["banner"] == 1 and found["footer"] == 1, where
    assert found["navs_unnamed"] == 0, f"{where}: a <nav> without a name"
    assert found["skip"] == "#main", f"{where}: the skip link is not the first link"
    assert not found["tables_unnamed"], f"{where}: tables without a caption {found}"
    assert not found["tables_headless"], f"{where}: tables without headers {found}"
    assert not found["svgs_unnamed"], f"{where}: charts without a text equivalent {found}"
    assert not found["radios_ungrouped"], f"{where}: radio buttons without a legend {found}"
    assert not found["svgs_roleless"], f"{where}: SVG images without role=img {found}"


# --- every kind of page ----------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["en", "fr"])
@pytest.mark.parametrize(("who", "path"), PAGES, ids=[f"{w}:{p}" for w, p in PAGES])
def test_every_kind_of_page(open_as, ids, who, path, locale):
    page = open_as(who, locale)
    response = page.goto(path.format(**ids))
    assert response is not None and response.status < 500, (path, response and response.status)
    if who != "anon":  # still signed in (nothing sent us to the login page)
        assert "/login" not in page.url, page.url
    assert_structure(page, locale)
    assert_accessible(page)


@pytest.mark.parametrize(
    ("who", "path", "form", "values"),
    FORMS_WITH_ERRORS,
    ids=[f"{w}:{p}:{f}" for w, p, f, _ in FORMS_WITH_ERRORS],
)
def test_form_errors_are_tied_to_their_fields(open_as, ids, who, path, form, values):
    locale = "fr" if "{" in path else "en"  # both languages, half of the forms each
    page = open_as(who, locale)
    page.goto(path.format(**ids))
    sent = page.locator(form).first
    # Inputs in the other languages are folded (<details>): unfold them to type in them.
    sent.evaluate("f => f.querySelectorAll('details').forEach(d => { d.open = true; })")
    for name, value in values.items():
        sent.locator(f"[name='{name}']").fill(value)
    sent.evaluate("f => { f.noValidate = true; }")
    with page.expect_navigation():
        sent.locator("button[type=submit]").first.click()

    summary = page.get_by_role("alert").first
    assert summary.is_visible(), f"{page.url}: no alert after a form with errors"
    # The keyboard starts from the list of what to correct (autofocus, no JavaScript).
    focused = page.evaluate("() => document.activeElement.getAttribute('role')")
    assert focused == "alert", f"{page.url}: the focus is not on the error summary"
    invalid = page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid=true]')].map(field => ({
            name: field.name,
            described: (field.getAttribute('aria-describedby') || '').split(/\\s+/)
              .filter(Boolean).map(id => (document.getElementById(id) || {}).textContent || '')
              .join(' ').trim(),
            label: field.labels && field.labels.length ? field.labels[0].textContent.trim() : '',
        }))"""
    )
    assert invalid, f"{page.url}: no field is marked aria-invalid"
    for field in invalid:
        assert field["described"], f"{page.url}: the error of {field['name']} is not tied to it"
        assert field["label"], f"{page.url}: {field['name']} has no label"
    # The summary's links lead to the fields.
    for href in summary.locator("a[href^='#']").evaluate_all("links => links.map(a => a.hash)"):
        assert page.locator(href).count() == 1, f"{page.url}: summary link {href} leads nowhere"
    assert_structure(page, locale)
    assert_accessible(page)


def test_unknown_charter_code_is_announced(open_as):
    page = open_as("anon")
    page.goto("/charters")
    page.get_by_role("textbox").first.fill("not a code")
    page.get_by_role("textbox").first.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert_structure(page, "en")
    assert_accessible(page)


# --- keyboard and focus ----------------------------------------------------------------------

FOCUS_STYLE = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {tag: e.tagName, text: (e.textContent || e.name || '').trim().slice(0, 40),
          href: e.getAttribute('href'), lang: e.getAttribute('lang'),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
          shadow: s.boxShadow !== 'none',
          visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0};
}"""


def test_skip_link_is_first_and_visible_on_focus(open_as):
    page = open_as("anon")
    page.goto("/commons")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUS_STYLE)
    assert focused["href"] == "#main" and focused["visible"] and focused["outline"], focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # The next Tab goes into the content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main')")


@pytest.mark.parametrize(
    ("who", "path"),
    [("anon", "/commons"), ("member", "/votes/{open_vote}"), ("official", "/charters/{charter}")],
)
def test_every_focusable_element_shows_focus(open_as, ids, who, path):
    """Tab through the whole page: each stop is on screen and has a visible outline."""
    page = open_as(who)
    page.goto(path.format(**ids))
    stops = page.evaluate(
        """() => [...document.querySelectorAll(`a[href], button, input:not([type=hidden]),
             select, textarea, summary, [tabindex]:not([tabindex="-1"])`)]
             .filter(e => !e.disabled && e.getClientRects().length).length"""
    )
    seen = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused["tag"] == "BODY":
            break
        seen.append(focused)
        assert focused["outline"] and focused["visible"], f"{page.url}: {focused}"
    assert len(seen) >= min(stops, 10), (stops, len(seen))


def test_language_switcher_works_with_the_keyboard(page):
    page.goto("/commons")
    # The languages are folded in a menu: Tab to it, open it with Enter, Tab to French.
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused["tag"] == "SUMMARY":
            break
    else:
        pytest.fail("Tab never reached the language menu")
    assert focused["outline"] and focused["visible"], focused
    assert focused["text"].endswith("English")
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused["lang"] == "fr":
            break
    else:
        pytest.fail("Tab never reached the link to French")
    assert focused["outline"] and focused["visible"], focused
    assert focused["text"] == "Français"  # named in itself
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    assert page.url.endswith("/commons")
    current = page.locator("nav.language-nav a[aria-current]")
    assert current.get_attribute("lang") == "fr"
    # And back, still with the keyboard.
    page.locator("nav.language-nav summary").focus()
    page.keyboard.press("Enter")
    page.locator("nav.language-nav a[lang=en]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("() => document.documentElement.lang") == "en"


# --- reflow: a phone-sized window never scrolls sideways (1.4.10) -------------------------

REFLOW_PAGES = [
    ("anon", "/commons/{commons}"),
    ("anon", "/assemblies/{assembly}"),
    ("anon", "/assemblies/{assembly}/meetings/{meeting}"),
    ("anon", "/partnerships"),
    ("anon", "/partnerships/{deliberating}"),
    ("anon", "/partnerships/{deliberating}/versions"),
    ("anon", "/votes/{closed_vote}"),
    ("anon", "/votes/{closed_election}"),
    ("anon", "/charters"),
    ("anon", "/charters/{charter}"),
    ("official", "/assemblies/{assembly}/members"),
    ("official", "/audit"),
]


def test_pages_reflow_at_320_pixels(open_as, ids):
    """At 320 CSS pixels (400% zoom) only wide tables scroll, inside their own box."""
    wide = []
    for who, path in REFLOW_PAGES:
        page = open_as(who, "fr")  # the longer words
        page.set_viewport_size({"width": 320, "height": 640})
        try:
            page.goto(path.format(**ids))
            if has_horizontal_scroll(page):
                wide.append(path)
        finally:
            page.set_viewport_size({"width": 1280, "height": 900})
    assert not wide, wide


# --- colours that axe does not measure -------------------------------------------------------

CHART_COLOURS = """() => {
  const rgb = c => (c.match(/\\d+(\\.\\d+)?/g) || []).slice(0, 3).map(Number);
  const parse = value => {
    const probe = document.createElement('span');
    probe.style.color = value; document.body.appendChild(probe);
    const out = rgb(getComputedStyle(probe).color); probe.remove(); return out;
  };
  const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const page = rgb(getComputedStyle(document.body).backgroundColor);
  const shapes = [], texts = [];
  for (const svg of document.querySelectorAll('main svg[role=img]')) {
    const rects = [...svg.querySelectorAll('rect')];
    for (const rect of rects) {
      const fill = parse(rect.getAttribute('fill') || 'black');
      // Bars and cells against the page, unless they are a pale track behind a bar.
      if (ratio(fill, page) < 1.5) continue;
      shapes.push({fill: rect.getAttribute('fill'), ratio: ratio(fill, page)});
    }
    for (const t of svg.querySelectorAll('text')) {
      const box = t.getBBox(), cx = box.x + box.width / 2, cy = box.y + box.height / 2;
      const under = rects.filter(r => {
        const b = r.getBBox();
        return cx >= b.x && cx <= b.x + b.width && cy >= b.y && cy <= b.y + b.height;
      }).pop();
      const back = under ? parse(under.getAttribute('fill')) : page;
      const ink = parse(t.getAttribute('fill') || 'black');
      texts.push({text: t.textContent, ratio: ratio(ink, back)});
    }
  }
  const badges = [...document.querySelectorAll('.badge')].map(b => {
    const s = getComputedStyle(b);
    return {text: b.textContent.trim(), ratio: ratio(rgb(s.color), rgb(s.backgroundColor))};
  });
  return {shapes, texts, badges};
}"""


@pytest.mark.parametrize("vote", ["closed_vote", "closed_election", "open_vote"])
def test_charts_and_badges_have_enough_contrast(open_as, ids, vote):
    """Bars and cells 3:1 against the page (1.4.11), their labels and badges 4.5:1."""
    page = open_as("anon")
    page.goto(f"/votes/{ids[vote]}")
    found = page.evaluate(CHART_COLOURS)
    if vote != "open_vote":
        assert found["shapes"] and found["texts"], "the results have no chart"
        # Each chart says where its figures are in a table on the same page.
        for link in page.locator("figure.chart figcaption a[href^='#']").all():
            target = link.get_attribute("href")
            assert page.locator(f"table{target}").count() == 1, target
    low = [s for s in found["shapes"] if s["ratio"] < 3]
    assert not low, low
    low = [t for t in found["texts"] if t["ratio"] < 4.5]
    assert not low, low
    low = [b for b in found["badges"] if b["ratio"] < 4.5]
    assert not low, low


def test_status_badges_on_lists_have_enough_contrast(open_as):
    for path in ("/partnerships", "/commons", "/charters", "/votes"):
        page = open_as("official")
        page.goto(path)
        found = page.evaluate(CHART_COLOURS)
        low = [b for b in found["badges"] if b["ratio"] < 4.5]
        assert not low, (path, low)


# --- older checks, kept ----------------------------------------------------------------------


def test_profile_page_with_a_new_token(page):
    login(page, demo_account("member"))
    page.goto("/profile")
    page.get_by_label("Label").fill("accessibility check")
    page.get_by_role("button", name="Create a token").click()
    # The click returns once the answer starts loading: wait for the token itself.
    expect(page.locator("code.token")).to_be_visible()
    assert_accessible(page)


def test_the_checker_really_runs_under_our_content_security_policy(page):
    """A page with known faults must fail: axe is injected and runs despite the CSP."""
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


def test_the_structure_check_really_fails(open_as):
    """assert_structure catches a second h1, an unnamed table and an unnamed chart."""
    page = open_as("anon")
    page.goto("/")
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
             '<h1>Again</h1><table><tr><td>1</td></tr></table><svg></svg>')"""
    )
    with pytest.raises(AssertionError, match=re.escape("/")):
        assert_structure(page, "en")
