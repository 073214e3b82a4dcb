"""The issue's "done when", tried as new users would: pages and API together.

An official creates an assembly that counts only verified residents, a
facilitator adds members, a newcomer asks to join and is approved, an unverified
member is not an eligible voter until verified, and a meeting reaches a calendar
application through its .ics file.
"""

from __future__ import annotations

import datetime as dt
import re

import icalendar
from sqlalchemy import select

from assemblies import services
from assemblies.models import Assembly, Meeting
from partnerstate.database import utcnow
from tests import factories
from tests.conftest import bearer, csrf_token, log_in


def _post(app, path, data, status=303):
    return app.post(path, {"csrf_token": csrf_token(app, "/profile"), **data}, status=status)


def test_assembly_journey(app, db, official):
    facilitator = factories.make_user(db, email="fatou@example.org", name="Fatou")
    member = factories.make_user(db, email="mika@example.org", name="Mika")
    newcomer = factories.make_user(db, email="noor@example.org", name="Noor")

    # An official creates the assembly through the API.
    created = app.post_json(
        "/api/v1/assemblies",
        {
            "name": "Assemblée des communs",
            "city": "Lille",
            "default_locale": "fr",
            "requires_verification": True,
        },
        headers=bearer(db, official),
        status=201,
    ).json
    assembly_id = created["id"]

    # ... makes Fatou its facilitator, who adds Mika by email (through the page).
    app.post_json(
        f"/api/v1/assemblies/{assembly_id}/members",
        {"email": facilitator.email, "role": "facilitator"},
        headers=bearer(db, official),
        status=201,
    )
    log_in(app, facilitator.email)
    _post(app, f"/assemblies/{assembly_id}/members", {"email": member.email, "role": "member"})

    # A newcomer asks to join through the API; the facilitator approves on the page.
    pending = app.post_json(
        f"/api/v1/assemblies/{assembly_id}/join", {}, headers=bearer(db, newcomer), status=202
    ).json
    assert pending["status"] == "pending"
    page = app.get(f"/assemblies/{assembly_id}/members")
    assert "Noor" in page.text
    _post(app, f"/assemblies/{assembly_id}/requests/{pending['id']}/approve", {})
    me = app.get(f"/api/v1/assemblies/{assembly_id}", headers=bearer(db, newcomer)).json["me"]
    assert me["role"] == "member" and me["request_status"] == "approved"

    # Unverified members are not eligible voters...
    assembly = db.get(Assembly, assembly_id)
    assert services.voting_members(db, assembly_id) == []
    assert not services.is_eligible_voter(db, assembly, member)
    # ... until the official imports the census and Mika proves residence.
    log_in(app, official.email)
    census_url = f"/assemblies/{assembly_id}/census"
    app.post(
        census_url,
        {"csrf_token": csrf_token(app, census_url)},
        upload_files=[("file", "census.csv", b"identifier;postcode\nLIL-1;59000\n")],
        status=303,
    )
    log_in(app, member.email)
    page = app.get(f"/assemblies/{assembly_id}")
    assert "You are not verified yet." in page.text or "Vous" in page.text
    _post(app, f"/assemblies/{assembly_id}/verify", {"identifier": "lil-1", "postcode": "59 000"})
    assert services.is_eligible_voter(db, assembly, member)
    assert services.voting_members(db, assembly_id) == [member.id]

    # The facilitator schedules a meeting; its .ics opens in a calendar application.
    start = (utcnow() + dt.timedelta(days=9)).replace(microsecond=0)
    meeting = app.post_json(
        f"/api/v1/assemblies/{assembly_id}/meetings",
        {
            "title": "Plénière",
            "starts_at": start.isoformat(),
            "location": "Maison Folie Moulins",
            "agenda": ["Accueil", "Le pacte du jardin"],
        },
        headers=bearer(db, facilitator),
        status=201,
    ).json
    ics = app.get(f"/assemblies/{assembly_id}/meetings/{meeting['id']}.ics")
    event = icalendar.Calendar.from_ical(ics.body).events[0]
    assert event.start.astimezone(dt.UTC) == start
    assert event.end - event.start == dt.timedelta(hours=2)
    assert str(event["SUMMARY"]) == "Plénière"
    feed = icalendar.Calendar.from_ical(app.get(f"/assemblies/{assembly_id}/calendar.ics").body)
    assert len(feed.events) == 1
    assert db.scalars(select(Meeting)).one().agenda[1].text == "Le pacte du jardin"
    assert re.search(r"Plénière", app.get(f"/assemblies/{assembly_id}").text)
