"""Dates people read on a charter are the city's calendar days, not UTC's."""

from __future__ import annotations

import datetime as dt

from reports import services
from tests.reports import pdfs

# 00:40 in Paris on 7 December is still 6 December in UTC.
PARIS_JUST_AFTER_MIDNIGHT = dt.datetime(2026, 12, 6, 23, 40, tzinfo=dt.UTC)
# 00:30 in Paris on New Year's Day is still the old year in UTC.
PARIS_NEW_YEAR = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)


def _issue(db, scene, now):
    return services.issue(
        db,
        scene.partnership,
        scene.official,
        services.IssueRequest(locale="en"),
        base_url="https://city.example",
        timezone="Europe/Paris",
        now=now,
    )


def test_issued_on_is_the_citys_date(db, scene):
    item = _issue(db, scene, PARIS_JUST_AFTER_MIDNIGHT)
    assert item.content["issued_on"] == "2026-12-07"
    text = pdfs.text(services.issued_pdf(db, item))
    assert "Issued on December 7, 2026" in text
    assert "December 6, 2026" not in text


def test_the_reference_year_is_the_citys_year(db, scene):
    item = _issue(db, scene, PARIS_NEW_YEAR)
    assert item.content["issued_on"] == "2027-01-01"
    assert item.reference.startswith("2027-")


def test_local_date_at_the_day_boundary():
    assert services.local_date(PARIS_JUST_AFTER_MIDNIGHT, "Europe/Paris") == dt.date(2026, 12, 7)
    assert services.local_date(PARIS_JUST_AFTER_MIDNIGHT, "UTC") == dt.date(2026, 12, 6)
    # West of Greenwich the local day is the earlier one.
    early = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)
    assert services.local_date(early, "America/Montreal") == dt.date(2026, 12, 6)
