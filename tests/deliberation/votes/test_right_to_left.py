"""Vote pages in Arabic, German and Catalan: codes stay left to right, charts mirror,
numbers and dates are written the locale's way."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from deliberation.votes import services
from tests.conftest import log_in
from tests.deliberation.votes.conftest import option_ids


@pytest.fixture
def closed(closed, db):
    vote, receipt = closed
    # A fixed moment, to read the way each language writes it (the city is in Paris).
    vote.opened_at = dt.datetime(2026, 3, 5, 9, 30, tzinfo=dt.UTC)
    db.commit()
    return vote, receipt


def _in(app, path, locale, **params):
    return app.get(path, {"_LOCALE_": locale, **params})


def ltr(page, text: str) -> bool:
    """Whether ``text`` is shown inside an element that is explicitly left to right."""
    return any(
        text in element.get_text() for element in page.html.select("[dir=ltr], bdi[dir=ltr]")
    )


# --- numbers and codes stay left to right -------------------------------------------------


def test_arabic_results_keep_codes_left_to_right(app, closed):
    vote, receipt = closed
    page = _in(app, f"/votes/{vote.id}", "ar")
    assert '<html lang="ar" dir="rtl">' in page.text
    # The seed, inside the sentence about the tie-break, is isolated.
    seed = page.html.find("bdi", string=vote.tie_break_seed)
    assert seed is not None and seed["dir"] == "ltr"
    # The command that recounts the vote.
    command = page.html.select_one("pre.command")
    assert command["dir"] == "ltr" and f"--seed {vote.tie_break_seed}" in command.get_text()
    # The receipt field and the answer about a receipt.
    assert page.html.select_one("input#receipt")["dir"] == "ltr"
    checked = _in(app, f"/votes/{vote.id}", "ar", receipt=receipt.lower())
    assert checked.html.select_one(".receipt-result bdi[dir=ltr]").get_text() == receipt


def test_arabic_receipts_list_is_left_to_right(app, closed):
    vote, receipt = closed
    page = _in(app, f"/votes/{vote.id}/receipts", "ar")
    codes = page.html.select(".receipt-list code")
    assert codes and all(code["dir"] == "ltr" for code in codes)
    assert receipt in [code.get_text() for code in codes]


def test_a_voter_sees_the_receipt_left_to_right(app, db, people, vote):
    proposal, _status_quo = option_ids(vote)
    receipt = services.cast_ballot(db, vote, people.member, [proposal]).receipt
    db.commit()
    log_in(app, people.member.email)
    page = _in(app, f"/votes/{vote.id}", "ar")
    shown = page.html.select_one(".voted strong.receipt bdi")
    assert shown["dir"] == "ltr" and shown.get_text() == receipt
    assert ltr(page, receipt)


def test_a_facilitator_types_an_email_address_left_to_right(app, people, vote):
    log_in(app, people.facilitator.email)
    page = _in(app, f"/votes/{vote.id}", "ar")
    assert page.html.select_one("input#strike-email")["dir"] == "ltr"


# --- charts grow from the inline start ----------------------------------------------------


def _outcome_bars(page):
    svg = page.html.select_one("svg#outcome-chart")
    width = float(svg["width"])
    return width, [(float(r["x"]), float(r["width"])) for r in svg.select("rect")]


def test_the_outcome_chart_grows_from_the_right_in_arabic(app, closed):
    vote, _receipt = closed
    width, english = _outcome_bars(_in(app, f"/votes/{vote.id}", "en"))
    _width, arabic = _outcome_bars(_in(app, f"/votes/{vote.id}", "ar"))
    # English: every bar starts at the labels' edge; Arabic: the mirror image.
    starts = {x for x, _w in english}
    assert len(starts) == 1
    for (x_en, w_en), (x_ar, w_ar) in zip(english, arabic, strict=True):
        assert w_ar == w_en
        assert x_ar == pytest.approx(width - x_en - w_en)


def test_the_heat_map_mirrors_like_the_table(app, closed):
    vote, _receipt = closed
    page = _in(app, f"/votes/{vote.id}", "ar")
    svg = page.html.select_one("svg#pairwise-chart")
    size = float(svg["width"])
    xs = [float(r["x"]) for r in svg.select("rect")]
    # Row 1, column 1 is the top right cell.
    assert xs[0] == max(xs) and xs[0] + 42 <= size


def test_the_turnout_bar_fills_from_the_right_in_arabic(app, closed):
    vote, _receipt = closed
    page = _in(app, f"/votes/{vote.id}", "ar")
    svg = page.html.find("svg", attrs={"aria-labelledby": "turnout-title"})
    frame, filled = svg.select("rect")[:2]
    assert float(filled["x"]) + float(filled["width"]) == pytest.approx(
        float(frame["x"]) + float(frame["width"])
    )


# --- numbers, percentages, dates and lists the locale's way ----------------------------------


@pytest.mark.parametrize(
    ("locale", "percent", "opened"),
    [
        ("de", "(100\xa0%)", "05.03.2026, 10:30"),
        ("ca", "(100\xa0%)", "5 de març 2026, 10:30"),
        ("ar", "(100%)", "05\u200f/03\u200f/2026، 10:30 ص"),
        ("en", "(100%)", "Mar 5, 2026, 10:30\u202fAM"),
    ],
)
def test_results_write_percentages_and_dates_the_locale_way(app, closed, locale, percent, opened):
    vote, _receipt = closed
    page = _in(app, f"/votes/{vote.id}", locale)
    text = page.html.get_text()
    assert percent in text  # 3 of the 3 people voted online (100 %)
    facts = [dd.get_text(strip=True) for dd in page.html.select(".vote-facts dd")]
    assert opened in facts, facts


@pytest.mark.parametrize(
    ("locale", "joined"),
    [("en", "{a} and {b}"), ("de", "{a} und {b}"), ("ca", "{a} i {b}"), ("ar", "{a} و{b}")],
)
def test_a_tie_lists_the_options_the_locale_way(app, db, people, vote, locale, joined):
    proposal, status_quo = option_ids(vote)
    services.cast_ballot(db, vote, people.member, [proposal, status_quo])
    services.cast_ballot(db, vote, people.voter, [status_quo, proposal])
    result = services.close_vote(db, vote, people.official)
    db.commit()
    page = _in(app, f"/votes/{vote.id}", locale)
    labels = {o.id: o.display_label(locale) for o in vote.options}
    a, b = (labels[i] for i in result["tie"]["candidates"])
    tie = page.html.select_one("p.tie").get_text()
    assert joined.format(a=a, b=b) in re.sub(r"\s+", " ", tie)
