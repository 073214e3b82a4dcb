"""The rules of assemblies' and meetings' input (pure), and the iCalendar builder."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from assemblies import ical, rules

PARIS = ZoneInfo("Europe/Paris")


def fields(call, *args, **kwargs) -> dict:
    with pytest.raises(rules.Invalid) as caught:
        call(*args, **kwargs)
    return caught.value.fields


# --- assemblies ---------------------------------------------------------------------------


def test_clean_assembly_defaults():
    values = rules.clean_assembly({"name": " Lille  assembly "}, "fr")
    assert values == {
        "default_locale": "fr",
        "name": {"fr": "Lille assembly"},
        "city": "",
        "description": {},
        "quorum_percent": None,
        "join_policy": "open",
        "requires_verification": False,
    }


def test_clean_assembly_plain_texts_go_to_the_default_language():
    values = rules.clean_assembly(
        {"name": "Assemblée", "default_locale": "fr", "description": "*Hello*"}, "en"
    )
    assert values["name"] == {"fr": "Assemblée"}
    assert values["description"] == {"fr": "*Hello*"}


def test_clean_assembly_keeps_every_language_given():
    values = rules.clean_assembly({"name": {"en": "Assembly", "fr": "Assemblée", "de": ""}}, "en")
    assert values["name"] == {"en": "Assembly", "fr": "Assemblée"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": {"en": " "}}, "name"),
        ({"name": 12}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "<b>bold</b>"}, "name"),
        ({"name": {"EN!": "x"}}, "name"),
        ({"name": "A", "city": "x" * 121}, "city"),
        ({"name": "A", "city": 5}, "city"),
        ({"name": "A", "quorum_percent": 101}, "quorum_percent"),
        ({"name": "A", "quorum_percent": -1}, "quorum_percent"),
        ({"name": "A", "quorum_percent": True}, "quorum_percent"),
        ({"name": "A", "quorum_percent": float("nan")}, "quorum_percent"),
        ({"name": "A", "join_policy": "anyone"}, "join_policy"),
        ({"name": "A", "requires_verification": "yes"}, "requires_verification"),
        ({"name": "A", "default_locale": "klingon!"}, "default_locale"),
        ({"name": "A", "description": "x" * 20_001}, "description"),
    ],
)
def test_clean_assembly_refuses(data, field):
    assert field in fields(rules.clean_assembly, data, "en")


def test_clean_assembly_language_must_be_offered():
    assert "default_locale" in fields(
        rules.clean_assembly, {"name": "A", "default_locale": "de"}, "en", locales=("en", "fr")
    )


def test_clean_assembly_partial_checks_only_what_is_given():
    assert rules.clean_assembly({"quorum_percent": 25}, "en", partial=True) == {
        "quorum_percent": 25.0
    }
    assert rules.clean_assembly({}, "en", partial=True) == {}


def test_description_may_hold_markdown_and_html_is_left_to_the_sanitizer():
    values = rules.clean_assembly({"name": "A", "description": "<script>x</script>"}, "en")
    assert values["description"] == {"en": "<script>x</script>"}


# --- meetings ----------------------------------------------------------------------------


def test_clean_meeting_end_defaults_to_two_hours_later():
    values = rules.clean_meeting(
        {"title": "Plenary", "starts_at": "2026-05-14T18:30", "agenda": ["One", " ", "Two"]},
        "en",
        PARIS,
    )
    assert values["starts_at"] == dt.datetime(2026, 5, 14, 16, 30, tzinfo=dt.UTC)
    assert values["ends_at"] == dt.datetime(2026, 5, 14, 18, 30, tzinfo=dt.UTC)
    assert values["agenda"] == ["One", "Two"]
    assert values["location"] == "" and values["online_url"] == ""


def test_clean_meeting_offsets_and_utc_are_respected():
    values = rules.clean_meeting(
        {"title": "P", "starts_at": "2026-01-10T09:00:00Z", "ends_at": "2026-01-10T11:00+01:00"},
        "en",
        PARIS,
    )
    assert values["starts_at"] == dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC)
    assert values["ends_at"] == dt.datetime(2026, 1, 10, 10, tzinfo=dt.UTC)


def test_a_link_as_location_is_the_online_link():
    values = rules.clean_meeting(
        {"title": "P", "starts_at": "2026-01-10T09:00", "location": "https://visio.example.org/x"},
        "en",
        PARIS,
    )
    assert values["location"] == ""
    assert values["online_url"] == "https://visio.example.org/x"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"starts_at": "2026-01-10T09:00"}, "title"),
        ({"title": "P"}, "starts_at"),
        ({"title": "P", "starts_at": "tomorrow"}, "starts_at"),
        ({"title": "P", "starts_at": "1999-01-01T10:00"}, "starts_at"),
        ({"title": "P", "starts_at": "2026-01-10T09:00", "ends_at": "2026-01-10T08:00"}, "ends_at"),
        ({"title": "P", "starts_at": "2026-01-10T09:00", "ends_at": "2026-01-10T09:00"}, "ends_at"),
        ({"title": "P", "starts_at": "2026-01-10T09:00", "ends_at": "2026-02-10T09:00"}, "ends_at"),
        ({"title": "P", "starts_at": "2026-01-10T09:00", "ends_at": "soon"}, "ends_at"),
        ({"title": "P", "starts_at": "2026-01-10T09:00", "online_url": "ftp://x"}, "online_url"),
        ({"title": "P", "starts_at": "2026-01-10T09:00", "location": "x" * 301}, "location"),
        ({"title": "P", "starts_at": "2026-01-10T09:00", "agenda": ["x" * 501]}, "agenda.0"),
        ({"title": "P", "starts_at": "2026-01-10T09:00", "agenda": [1]}, "agenda.0"),
        ({"title": "P", "starts_at": "2026-01-10T09:00", "agenda": ["x"] * 51}, "agenda"),
        ({"title": "P", "starts_at": "2026-01-10T09:00", "agenda": {"a": 1}}, "agenda"),
        ({"title": "<i>P</i>", "starts_at": "2026-01-10T09:00"}, "title"),
    ],
)
def test_clean_meeting_refuses(data, field):
    assert field in fields(rules.clean_meeting, data, "en", PARIS)


def test_moving_a_meeting_keeps_its_duration():
    start = dt.datetime(2026, 1, 10, 8, tzinfo=dt.UTC)
    values = rules.clean_meeting(
        {"starts_at": "2026-01-11T09:00"},
        "en",
        PARIS,
        partial=True,
        current=(start, start + dt.timedelta(hours=3)),
    )
    assert values == {
        "starts_at": dt.datetime(2026, 1, 11, 8, tzinfo=dt.UTC),
        "ends_at": dt.datetime(2026, 1, 11, 11, tzinfo=dt.UTC),
    }


def test_clean_text():
    assert rules.clean_text("  Why  ", 10) == "Why"
    assert "reason" in fields(rules.clean_text, " ", 10, "reason")
    assert "reason" in fields(rules.clean_text, "x" * 11, 10, "reason")
    assert rules.clean_text(None, 10, required=False) == ""


# --- iCalendar ----------------------------------------------------------------------------


def _event(**changes) -> ical.CalendarEvent:
    start = dt.datetime(2026, 7, 1, 16, 30, tzinfo=dt.UTC)
    values = {
        "uid": "meeting-1@example.org",
        "title": "Plenary, with commas; and semicolons",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "updated_at": start,
        "location": "Town hall",
        "url": "https://example.org/m/1",
        "description": "Agenda:\n1. One",
        **changes,
    }
    return ical.CalendarEvent(**values)


def test_calendar_in_the_site_time_zone_round_trips():
    data = ical.build_calendar([_event()], PARIS, name="Assembly", uid="assembly-1@example.org")
    assert b"\r\n" in data
    parsed = icalendar.Calendar.from_ical(data)
    assert parsed["PRODID"] and parsed["VERSION"] == "2.0"
    event = parsed.events[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.start == dt.datetime(2026, 7, 1, 18, 30, tzinfo=PARIS)
    assert event.end == dt.datetime(2026, 7, 1, 20, 30, tzinfo=PARIS)
    assert str(event["SUMMARY"]) == "Plenary, with commas; and semicolons"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert "DTSTAMP" in event and "UID" in event


def test_calendar_on_utc_writes_utc_times():
    data = ical.build_calendar([_event()], ZoneInfo("UTC"))
    assert b"DTSTART:20260701T163000Z" in data
    assert b"VTIMEZONE" not in data


def test_cancelled_event_and_empty_calendar():
    data = ical.build_calendar([_event(cancelled=True, sequence=3)], PARIS)
    event = icalendar.Calendar.from_ical(data).events[0]
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 3
    empty = icalendar.Calendar.from_ical(ical.build_calendar([], PARIS, uid="x@y"))
    assert empty.events == [] and str(empty["UID"]) == "x@y"
