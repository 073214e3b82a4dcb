"""The assemblies' pages, as each role would use them (forms, no JavaScript)."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
from sqlalchemy import func, select

from assemblies import census, services
from assemblies.models import Assembly, CensusEntry, Invitation, Meeting
from partnerstate.database import utcnow
from partnerstate.models import AuditEntry
from tests import factories
from tests.assemblies.helpers import PARIS, make_meeting
from tests.conftest import csrf_token, log_in
from tests.form_errors import field_errors


def post(app, path, data=None, status=303, **kwargs):
    """Submit a form as the signed-in browser would (with its CSRF token)."""
    fields = {"csrf_token": csrf_token(app, "/profile"), **(data or {})}
    return app.post(path, fields, status=status, **kwargs)


def as_(app, user):
    log_in(app, user.email)
    return app


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


# --- the list and the public page ---------------------------------------------------------


def test_list_is_public(app, db, cast):
    page = app.get("/assemblies")
    assert "Assembly of the commons" in page.text
    assert 'scope="col"' in page.text
    assert "Create an assembly" not in page.text
    assert '<a href="http://localhost/assemblies" aria-current="page">' in page.text


def test_list_offers_creation_to_officials(app, db, official):
    page = as_(app, official).get("/assemblies")
    assert "There is no assembly yet." in page.text
    assert "/assemblies/new" in page.text


def test_public_page_for_anonymous_visitors(app, db, cast):
    make_meeting(db, cast.assembly, cast.facilitator, title="Monthly plenary")
    page = app.get(f"/assemblies/{cast.assembly.id}")
    text = page.text
    assert "<h1>Assembly of the commons</h1>" in text
    assert "3 people" in text
    assert "Fatou Facilitator" in text
    assert "Monthly plenary" in text
    assert "You and this assembly" not in text
    assert "Log in to ask to join" in text
    assert f"/assemblies/{cast.assembly.id}/calendar.ics" in text
    # Only the assembly's people and officials see the list of names.
    assert "Mika Member" not in text


def test_unknown_assembly_is_a_404_page(app):
    page = app.get("/assemblies/999999", status=404)
    assert "Page not found" in page.text
    app.get("/assemblies/999999/members", status=404)
    app.get("/assemblies/1/meetings/999999", status=404)


def test_outsider_is_offered_to_join(app, db, cast):
    page = as_(app, cast.outsider).get(f"/assemblies/{cast.assembly.id}")
    assert "You are not a member of this assembly." in page.text
    assert "Ask to join" in page.text
    assert "Running the assembly" not in page.text


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("member", "Your role in this assembly: member, since"),
        ("facilitator", "Your role in this assembly: facilitator, since"),
        ("observer", "Observers read and comment but do not vote."),
    ],
)
def test_members_see_their_role(app, db, cast, who, expected):
    page = as_(app, getattr(cast, who)).get(f"/assemblies/{cast.assembly.id}")
    assert expected in page.text
    assert "Leave the assembly" in page.text
    assert "Ask to join" not in page.text
    voting = "You may vote in this assembly" in page.text
    assert voting == (who != "observer")


def test_managers_see_the_tools(app, db, cast):
    page = as_(app, cast.facilitator).get(f"/assemblies/{cast.assembly.id}")
    assert "Members and requests" in page.text and "Schedule a meeting" in page.text
    assert "Edit the assembly" not in page.text and "Census" not in page.text
    page = as_(app, cast.official).get(f"/assemblies/{cast.assembly.id}")
    assert "Edit the assembly" in page.text and "Invitation codes" in page.text


# --- creating and editing -----------------------------------------------------------------


def test_official_creates_an_assembly(app, db, official):
    as_(app, official)
    form = app.get("/assemblies/new")
    assert 'lang="fr"' in form.text and "Who may join" in form.text
    response = post(
        app,
        "/assemblies/new",
        {
            "name_en": "Lille assembly",
            "name_fr": "Assemblée de Lille",
            "city": "Lille",
            "default_locale": "fr",
            "description_en": "We meet *monthly*.",
            "description_fr": "",
            "join_policy": "open",
            "requires_verification": "y",
            "quorum_percent": "20",
        },
    )
    assembly = db.scalars(select(Assembly)).one()
    assert response.headers["Location"].endswith(f"/assemblies/{assembly.id}/members")
    assert assembly.name == {"en": "Lille assembly", "fr": "Assemblée de Lille"}
    assert assembly.requires_verification and assembly.quorum_percent == 20
    # The assembly speaks French; the official's browser asks for English.
    page = app.get(f"/assemblies/{assembly.id}", headers={"Accept-Language": "en"})
    assert "<em>monthly</em>" in page.text and "20%" in page.text


def test_creation_form_errors_store_nothing(app, db, official):
    as_(app, official)
    page = post(
        app,
        "/assemblies/new",
        {"name_en": "", "name_fr": "", "city": "Lille", "default_locale": "en",
         "join_policy": "open", "quorum_percent": "120"},
        status=422,
    )  # fmt: skip
    assert "Please correct the following" in page.text
    assert "This field is required." in page.text
    assert "Give a percentage between 0 and 100." in page.text
    assert 'aria-invalid="true"' in page.text
    # The form and the rules both check the quorum: its message is said once, not twice.
    assert field_errors(page)["quorum_percent"] == ["Give a percentage between 0 and 100."]
    page = post(
        app,
        "/assemblies/new",
        {"name_en": "<b>x</b>", "city": "Lille", "default_locale": "en", "join_policy": "open"},
        status=422,
    )
    assert "No HTML tags, please." in page.text
    assert _count(db, Assembly) == 0


def test_creation_needs_an_official_and_a_csrf_token(app, db, member, official):
    response = app.get("/assemblies/new", status=303)
    assert "/login" in response.headers["Location"]
    as_(app, member).get("/assemblies/new", status=403)
    as_(app, official)
    app.post("/assemblies/new", {"name_en": "X", "city": "L"}, status=400)
    assert _count(db, Assembly) == 0


def test_official_edits_the_rules(app, db, cast):
    url = f"/assemblies/{cast.assembly.id}/edit"
    as_(app, cast.facilitator).get(url, status=403)
    as_(app, cast.official)
    form = app.get(url)
    assert 'value="Assembly of the commons"' in form.text
    post(
        app,
        url,
        {
            "name_en": "Renamed",
            "city": "Roubaix",
            "default_locale": "en",
            "join_policy": "invitation",
        },
    )
    db.expire_all()
    assembly = db.get(Assembly, cast.assembly.id)
    assert assembly.name == {"en": "Renamed"} and assembly.join_policy == "invitation"
    page = post(
        app, url, {"name_en": "", "city": "Roubaix", "default_locale": "en", "join_policy": "open"},
        status=422,
    )  # fmt: skip
    assert "This field is required." in page.text


# --- members ------------------------------------------------------------------------------


def test_members_page_by_role(app, db, cast):
    url = f"/assemblies/{cast.assembly.id}/members"
    assert "/login" in app.get(url, status=303).headers["Location"]
    as_(app, cast.outsider).get(url, status=403)
    page = as_(app, cast.observer).get(url)
    assert "Mika Member" in page.text and "Add someone" not in page.text
    assert cast.member.email not in page.text
    page = as_(app, cast.facilitator).get(url)
    assert "Add someone" in page.text and cast.member.email in page.text
    assert f"Role of {cast.member.display_name}" in page.text


def test_facilitator_adds_a_member(app, db, cast):
    person = factories.make_user(db, email="noor@example.org", name="Noor Haddad")
    as_(app, cast.facilitator)
    url = f"/assemblies/{cast.assembly.id}/members"
    post(app, url, {"email": "noor@example.org", "role": "member"})
    assert services.membership_role(db, cast.assembly.id, person.id) == "member"
    assert "Noor Haddad was added as member." in app.get(url).text
    page = post(app, url, {"email": "ghost@example.org", "role": "member"}, status=422)
    assert "No account has this email address" in page.text
    page = post(app, url, {"email": "noor@example.org", "role": "observer"}, status=422)
    assert "already in this assembly" in page.text
    post(app, url, {"email": "noor@example.org", "role": "member"})
    post(app, url, {"email": "", "role": "member"}, status=422)


@pytest.mark.parametrize("who", ["member", "observer", "outsider"])
def test_plain_members_cannot_add(app, db, cast, who):
    person = factories.make_user(db)
    as_(app, getattr(cast, who))
    post(
        app,
        f"/assemblies/{cast.assembly.id}/members",
        {"email": person.email, "role": "facilitator"},
        status=403,
    )
    assert services.membership_role(db, cast.assembly.id, person.id) is None


def test_role_change_and_removal(app, db, cast):
    as_(app, cast.facilitator)
    base = f"/assemblies/{cast.assembly.id}/members/{cast.observer.id}"
    post(app, f"{base}/role", {f"m{cast.observer.id}-role": "member"})
    assert services.membership_role(db, cast.assembly.id, cast.observer.id) == "member"
    post(app, f"{base}/role", {f"m{cast.observer.id}-role": "tsar"})
    assert services.membership_role(db, cast.assembly.id, cast.observer.id) == "member"
    form = app.get(f"{base}/remove")
    assert "Say why they are removed" in form.text
    page = post(app, f"{base}/remove", {"reason": ""}, status=422)
    assert "This field is required." in page.text
    post(app, f"{base}/remove", {"reason": "Moved to Brussels."})
    assert services.membership_role(db, cast.assembly.id, cast.observer.id) is None
    app.get(f"{base}/remove", status=404)
    outsider_role = f"/assemblies/{cast.assembly.id}/members/{cast.outsider.id}/role"
    post(app, outsider_role, {f"m{cast.outsider.id}-role": "member"}, status=404)
    # The removed person sees why.
    page = as_(app, cast.observer).get(f"/assemblies/{cast.assembly.id}")
    assert "You were removed from this assembly" in page.text
    assert "Moved to Brussels." in page.text


def test_members_cannot_change_roles_or_remove(app, db, cast):
    as_(app, cast.member)
    base = f"/assemblies/{cast.assembly.id}/members/{cast.observer.id}"
    post(app, f"{base}/role", {f"m{cast.observer.id}-role": "facilitator"}, status=403)
    app.get(f"{base}/remove", status=403)
    post(app, f"{base}/remove", {"reason": "x"}, status=403)
    assert services.membership_role(db, cast.assembly.id, cast.observer.id) == "observer"


def test_official_verifies_residents_by_hand(app, db, verified_cast):
    cast = verified_cast
    base = f"/assemblies/{cast.assembly.id}/members/{cast.member.id}"
    as_(app, cast.facilitator)
    post(app, f"{base}/verify", status=403)
    as_(app, cast.official)
    post(app, f"{base}/verify")
    assert services.is_verified(db, cast.assembly.id, cast.member.id)
    page = app.get(f"/assemblies/{cast.assembly.id}/members")
    assert f"Withdraw the verification of {cast.member.display_name}" in page.text
    post(app, f"{base}/unverify")
    assert not services.is_verified(db, cast.assembly.id, cast.member.id)
    post(app, f"{base}/unverify")  # nothing to withdraw: a message, no error
    post(app, f"/assemblies/{cast.assembly.id}/members/999999/verify", status=404)


# --- joining and leaving ------------------------------------------------------------------


def test_join_approve_flow(app, db, cast):
    as_(app, cast.outsider)
    url = f"/assemblies/{cast.assembly.id}"
    form = app.get(f"{url}/join")
    assert "Message to the facilitators" in form.text
    post(app, f"{url}/join", {"message": "I keep bees."})
    page = app.get(url)
    assert "You asked to join on" in page.text and "Withdraw my request" in page.text
    assert app.get(f"{url}/join", status=303)
    join_request = services.pending_request(db, cast.assembly.id, cast.outsider.id)
    as_(app, cast.facilitator)
    page = app.get(f"{url}/members")
    assert "I keep bees." in page.text and "Approve Nils Nonmember" in page.text
    post(app, f"{url}/requests/{join_request.id}/approve", {f"r{join_request.id}-role": "member"})
    assert services.membership_role(db, cast.assembly.id, cast.outsider.id) == "member"
    post(app, f"{url}/requests/{join_request.id}/approve", {})  # already decided: a message
    post(app, f"{url}/requests/999999/approve", {}, status=404)


def test_join_refuse_flow_shows_the_reason(app, db, cast):
    join_request, _created = services.request_to_join(db, cast.assembly, cast.outsider)
    db.commit()
    url = f"/assemblies/{cast.assembly.id}/requests/{join_request.id}/refuse"
    as_(app, cast.member).get(url, status=403)
    as_(app, cast.official)
    assert "The reason is shown to the person" in app.get(url).text
    assert "This field is required." in post(app, url, {"reason": " "}, status=422).text
    post(app, url, {"reason": "Please introduce yourself at a meeting first."})
    assert app.get(url, status=303)
    page = as_(app, cast.outsider).get(f"/assemblies/{cast.assembly.id}")
    assert "Your request to join was refused" in page.text
    assert "Please introduce yourself at a meeting first." in page.text
    assert "Ask to join" in page.text


def test_join_is_for_signed_in_people_of_open_assemblies(app, db, cast):
    assert "/login" in app.get(f"/assemblies/{cast.assembly.id}/join", status=303).location
    closed = services.create_assembly(db, "Closed", "Lille", "en", join_policy="invitation")
    db.commit()
    as_(app, cast.outsider)
    app.get(f"/assemblies/{closed.id}/join", status=403)
    page = app.get(f"/assemblies/{closed.id}")
    assert "Join with an invitation code" in page.text
    assert app.get(f"/assemblies/{cast.assembly.id}/join").status_int == 200
    as_(app, cast.member)
    app.get(f"/assemblies/{cast.assembly.id}/join", status=303)
    post(app, f"/assemblies/{cast.assembly.id}/join", {"message": "x" * 2001}, status=303)


def test_leave_and_withdraw(app, db, cast):
    as_(app, cast.member)
    url = f"/assemblies/{cast.assembly.id}/leave"
    assert "Your role in this assembly: member." in app.get(url).text
    post(app, url)
    assert services.membership_role(db, cast.assembly.id, cast.member.id) is None
    app.get(url, status=403)
    as_(app, cast.outsider)
    services.request_to_join(db, cast.assembly, cast.outsider)
    db.commit()
    assert "Your request to join will be withdrawn" in app.get(url).text
    post(app, url)
    assert services.pending_request(db, cast.assembly.id, cast.outsider.id) is None


# --- resident verification ----------------------------------------------------------------


def _import(db, assembly, text="identifier,postcode\nA-1,59000\n"):
    services.import_census(db, assembly, census.parse_census(text))
    db.commit()


def test_verify_page(app, db, verified_cast):
    cast = verified_cast
    url = f"/assemblies/{cast.assembly.id}/verify"
    as_(app, cast.member)
    page = app.get(url)
    assert "has not published a census" in page.text
    _import(db, cast.assembly)
    page = app.get(url)
    assert "Identifier on the census" in page.text and "Postcode" in page.text
    assert "You have 5 attempts left today." in page.text
    home = app.get(f"/assemblies/{cast.assembly.id}")
    assert "You are not verified yet." in home.text
    assert "You may not vote in this assembly" in home.text
    page = post(app, url, {"identifier": "A-1", "postcode": "11111"}, status=422)
    assert "match no one on the census" in page.text
    assert "You have 4 attempts left today." in page.text
    post(app, url, {"identifier": "", "postcode": ""}, status=422)
    post(app, url, {"identifier": "a-1", "postcode": "59000"})
    page = app.get(f"/assemblies/{cast.assembly.id}")
    assert "You are a verified resident." in page.text
    assert "You may vote in this assembly" in page.text
    assert "You are a verified resident of this assembly since" in app.get(url).text


def test_verify_page_is_throttled(app, db, verified_cast):
    cast = verified_cast
    _import(db, cast.assembly, "identifier,date_of_birth\nA-1,1980-02-29\n")
    url = f"/assemblies/{cast.assembly.id}/verify"
    as_(app, cast.member)
    assert "Date of birth" in app.get(url).text
    for _attempt in range(5):
        post(app, url, {"identifier": "A-1", "date_of_birth": "1980-03-01"}, status=422)
    page = post(app, url, {"identifier": "A-1", "date_of_birth": "29/02/1980"}, status=429)
    assert "Too many wrong attempts" in page.text


def test_verify_needs_an_account(app, verified_cast):
    assert (
        "/login" in app.get(f"/assemblies/{verified_cast.assembly.id}/verify", status=303).location
    )


def test_redeem_a_code_on_the_page(app, db, verified_cast):
    cast = verified_cast
    code = services.issue_invitations(db, cast.assembly, cast.official)[0]
    db.commit()
    as_(app, cast.outsider)
    url = f"/assemblies/{cast.assembly.id}/redeem"
    page = post(app, url, {"code": "WRONG"}, status=422)
    assert "This code is not valid for this assembly." in page.text
    post(app, url, {"code": ""}, status=422)
    post(app, url, {"code": code.lower()})
    assert services.membership_role(db, cast.assembly.id, cast.outsider.id) == "member"
    assert services.is_eligible_voter(db, cast.assembly, cast.outsider)
    as_(app, cast.facilitator)
    assert "already been used" in post(app, url, {"code": code}, status=409).text


def test_census_import_page(app, db, verified_cast):
    cast = verified_cast
    url = f"/assemblies/{cast.assembly.id}/census"
    as_(app, cast.facilitator).get(url, status=403)
    as_(app, cast.official)
    assert "The census holds 0 residents" in app.get(url).text
    token = csrf_token(app, url)
    good = b"identifier;postcode\nA-1;59000\nA-2;59800\n"
    app.post(url, {"csrf_token": token}, upload_files=[("file", "census.csv", good)], status=303)
    assert services.census_stats(db, cast.assembly.id) == (2, 0)
    assert "2 new residents" in app.get(url).text
    bad = b"identifier;postcode\nA-3;59000\nA-4;nope!\n;59000\n"
    page = app.post(
        url, {"csrf_token": token}, upload_files=[("file", "census.csv", bad)], status=422
    )
    assert "The file was not imported" in page.text
    assert "Line 3:" in page.text and "Line 4:" in page.text
    assert "2 malformed lines" in page.text
    assert services.census_stats(db, cast.assembly.id) == (2, 0)
    page = app.post(url, {"csrf_token": token}, status=422)
    assert "Choose a CSV file." in page.text
    dob = b"identifier,date_of_birth\nA-1,1980-01-01\n"
    page = app.post(url, {"csrf_token": token}, upload_files=[("file", "c.csv", dob)], status=422)
    assert "pairs identifiers with postcode" in page.text
    app.post(
        url,
        {"csrf_token": token, "replace": "y"},
        upload_files=[("file", "c.csv", dob)],
        status=303,
    )
    assert services.census_stats(db, cast.assembly.id) == (1, 0)
    digests = " ".join(db.scalars(select(CensusEntry.digest)))
    assert "1980" not in digests and "a-1" not in digests


def test_invitations_page(app, db, verified_cast):
    cast = verified_cast
    url = f"/assemblies/{cast.assembly.id}/invitations"
    as_(app, cast.facilitator).get(url, status=403)
    as_(app, cast.official)
    response = post(app, url, {"count": "3", "role": "member", "note": "Fives"}, status=200)
    assert response.headers["Cache-Control"] == "no-store"
    codes = re.findall(
        r'<code dir="ltr">([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>', response.text
    )
    assert len(codes) == 3
    assert _count(db, Invitation) == 3
    page = app.get(url)
    assert "Codes issued: 3; used: 0." in page.text
    assert not any(code in page.text for code in codes)
    assert "Give a number between 1 and 500." in post(app, url, {"count": "0"}, status=422).text


# --- meetings -----------------------------------------------------------------------------


def _local(days: int, hour: int = 18) -> str:
    day = (utcnow() + dt.timedelta(days=days)).date()
    return f"{day.isoformat()}T{hour:02d}:30"


def test_facilitator_schedules_a_meeting(app, db, cast):
    url = f"/assemblies/{cast.assembly.id}/meetings/new"
    as_(app, cast.member).get(url, status=403)
    as_(app, cast.facilitator)
    assert "Europe/Paris" in app.get(url).text
    response = post(
        app,
        url,
        {
            "title_en": "Plenary",
            "title_fr": "Plénière",
            "starts_at": _local(5),
            "ends_at": "",
            "location": "Maison Folie Moulins",
            "online_url": "",
            "agenda": "Welcome\n\nThe garden pact\n",
        },
    )
    meeting = db.scalars(select(Meeting)).one()
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(hours=2)
    assert meeting.starts_at.astimezone(dt.UTC).hour in (16, 17)  # 18:30 in Paris
    page = app.get(response.headers["Location"])
    assert "Plenary" in page.text and "The garden pact" in page.text
    assert "18:30" in page.text or "6:30" in page.text


def test_meeting_form_errors(app, db, cast):
    as_(app, cast.facilitator)
    url = f"/assemblies/{cast.assembly.id}/meetings/new"
    page = post(
        app,
        url,
        {"title_en": "P", "starts_at": _local(5, 18), "ends_at": _local(5, 17)},
        status=422,
    )
    assert "The meeting must end after it starts." in page.text
    page = post(app, url, {"title_en": "", "starts_at": "soon"}, status=422)
    assert "Please correct the following" in page.text
    page = post(
        app, url, {"title_en": "P", "starts_at": _local(5), "online_url": "ftp://x"}, status=422
    )
    assert "https://" in page.text
    assert _count(db, Meeting) == 0


def test_meeting_form_shows_every_error_at_once(app, db, cast):
    # An unreadable date used to hide the rules' checks until it was corrected.
    as_(app, cast.facilitator)
    url = f"/assemblies/{cast.assembly.id}/meetings/new"
    page = post(app, url, {"title_en": "", "starts_at": "", "location": "<b>Hall</b>"}, status=422)
    errors = field_errors(page)
    assert errors["starts_at"] == ["Give a date and time."]
    assert errors["title_en"] == ["This field is required."]
    assert errors["location"] == ["No HTML tags, please."]
    # The same on the edit form; the unreadable date keeps its own message only.
    meeting = make_meeting(db, cast.assembly, cast.facilitator)
    page = post(
        app,
        f"/assemblies/{cast.assembly.id}/meetings/{meeting.id}/edit",
        {"title_en": "<i>Plenary</i>", "starts_at": "soon", "online_url": "ftp://x"},
        status=422,
    )
    errors = field_errors(page)
    assert len(errors["starts_at"]) == 1
    assert errors["title_en"] == ["No HTML tags, please."]
    assert "https://" in errors["online_url"][0]
    assert _count(db, Meeting) == 1


def test_meeting_page_attendance_and_calendar(app, db, cast):
    meeting = make_meeting(db, cast.assembly, cast.facilitator, agenda=["Welcome"])
    url = f"/assemblies/{cast.assembly.id}/meetings/{meeting.id}"
    page = app.get(url)
    assert "0 people registered." in page.text and "I will attend" not in page.text
    as_(app, cast.outsider)
    assert "I will attend" not in app.get(url).text
    post(app, f"{url}/attendance", {"action": "register"}, status=403)
    as_(app, cast.member)
    assert "I will attend" in app.get(url).text
    post(app, f"{url}/attendance", {"action": "register"})
    page = app.get(url)
    assert "You are registered." in page.text and "1 person registered." in page.text
    assert "Mika Member" in page.text
    post(app, f"{url}/attendance", {"action": "unregister"})
    assert "0 people registered." in app.get(url).text
    post(app, f"{url}/attendance", {"action": "unregister"})  # a message, no error
    # Anything else registers nobody (it used to count as "register").
    post(app, f"{url}/attendance", {"action": "bogus"}, status=400)
    assert "0 people registered." in app.get(url).text
    meetings = app.get(f"/assemblies/{cast.assembly.id}/meetings")
    assert "Monthly plenary" in meetings.text and "No meeting has taken place yet." in meetings.text


def test_edit_and_cancel_a_meeting(app, db, cast):
    meeting = make_meeting(db, cast.assembly, cast.facilitator)
    url = f"/assemblies/{cast.assembly.id}/meetings/{meeting.id}"
    as_(app, cast.member).get(f"{url}/edit", status=403)
    post(app, f"{url}/cancel", status=403)
    as_(app, cast.facilitator)
    form = app.get(f"{url}/edit")
    assert 'value="Monthly plenary"' in form.text
    # Saving the form as it came: calendars see no new version.
    edit = next(f for f in form.forms.values() if f.action.endswith("/edit"))
    edit.submit(status=303)
    db.expire_all()
    assert db.get(Meeting, meeting.id).sequence == 0
    post(
        app,
        f"{url}/edit",
        {"title_en": "Moved plenary", "starts_at": _local(6), "location": "Town hall"},
    )
    db.expire_all()
    assert db.get(Meeting, meeting.id).title == {"en": "Moved plenary"}
    page = post(
        app, f"{url}/edit", {"title_en": "X", "starts_at": _local(6, 18), "ends_at": _local(6, 9)},
        status=422,
    )  # fmt: skip
    assert "The meeting must end after it starts." in page.text
    post(app, f"{url}/cancel")
    assert "This meeting was cancelled" in app.get(url).text
    app.get(f"{url}/edit", status=303)
    post(app, f"{url}/cancel")  # again: a message
    event = icalendar.Calendar.from_ical(app.get(f"{url}.ics").body).events[0]
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 2


def test_minutes_page(app, db, cast):
    meeting = make_meeting(db, cast.assembly, cast.facilitator, days=-0.05)
    services.register_attendance(db, meeting, cast.member, now=meeting.starts_at)
    db.commit()
    url = f"/assemblies/{cast.assembly.id}/meetings/{meeting.id}/minutes"
    as_(app, cast.member).get(url, status=403)
    as_(app, cast.facilitator)
    form = app.get(url)
    assert "Who was present" in form.text and "(registered)" in form.text
    assert f'value="{cast.member.id}" checked' in form.text
    assert "This field is required." in post(app, url, {"minutes": ""}, status=422).text
    post(app, url, {"minutes": "Agreed. <script>alert(1)</script>", "attended": "999999"},
         status=422)  # fmt: skip
    post(
        app,
        url,
        {"minutes": "**Agreed** to ask for the depot.", "attended": [str(cast.member.id),
                                                                    str(cast.observer.id)]},
    )  # fmt: skip
    page = app.get(f"/assemblies/{cast.assembly.id}/meetings/{meeting.id}")
    assert "<strong>Agreed</strong>" in page.text
    assert "2 people attended." in page.text
    assert "Correct the minutes" in page.text
    post(app, url, {"minutes": "<script>alert(1)</script>"})
    page = app.get(f"/assemblies/{cast.assembly.id}/meetings/{meeting.id}")
    assert "<script>alert" not in page.text
    future = make_meeting(db, cast.assembly, cast.facilitator, days=3)
    future_url = f"/assemblies/{cast.assembly.id}/meetings/{future.id}/minutes"
    assert "once the meeting has started" in app.get(future_url).text
    post(app, future_url, {"minutes": "Too early"})
    assert db.get(Meeting, future.id).minutes is None


def test_meeting_ics_in_the_site_time_zone(app, db, cast):
    start = dt.datetime(2027, 3, 10, 17, 30, tzinfo=dt.UTC)
    meeting = services.schedule_meeting(
        db,
        cast.assembly,
        cast.facilitator,
        {"title": "Plenary", "starts_at": start.isoformat(), "location": "Town hall, Lille",
         "agenda": ["Welcome"]},
        "en",
        PARIS,
    )  # fmt: skip
    db.commit()
    response = app.get(f"/assemblies/{cast.assembly.id}/meetings/{meeting.id}.ics")
    assert response.content_type == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("inline")
    calendar = icalendar.Calendar.from_ical(response.body)
    event = calendar.events[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.start.isoformat() == "2027-03-10T18:30:00+01:00"
    assert event.end.isoformat() == "2027-03-10T20:30:00+01:00"
    assert str(event["SUMMARY"]) == "Plenary"
    assert str(event["LOCATION"]) == "Town hall, Lille"
    assert "1. Welcome" in str(event["DESCRIPTION"])
    assert str(event["UID"]) == f"meeting-{meeting.id}@localhost"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    app.get(f"/assemblies/{cast.assembly.id}/meetings/999999.ics", status=404)


def test_calendar_feed(app, db, cast):
    first = make_meeting(db, cast.assembly, cast.facilitator, days=-10, title="Past")
    second = make_meeting(db, cast.assembly, cast.facilitator, days=10, title="Next")
    other = services.create_assembly(db, "Other", "Lille", "en")
    make_meeting(db, other, None, title="Elsewhere")
    response = app.get(f"/assemblies/{cast.assembly.id}/calendar.ics")
    calendar = icalendar.Calendar.from_ical(response.body)
    assert [str(e["UID"]) for e in calendar.events] == [
        f"meeting-{first.id}@localhost",
        f"meeting-{second.id}@localhost",
    ]
    assert str(calendar["UID"]) == f"assembly-{cast.assembly.id}@localhost"
    empty = app.get(f"/assemblies/{other.id}/calendar.ics?x=1")
    assert len(icalendar.Calendar.from_ical(empty.body).events) == 1


def test_pages_in_french(app, db, cast):
    make_meeting(db, cast.assembly, cast.facilitator)
    page = app.get(f"/assemblies/{cast.assembly.id}?_LOCALE_=fr")
    assert '<html lang="fr" dir="ltr">' in page.text
    assert "Réunions à venir" in page.text
    assert "Animateur·rices" in page.text
    assert "3 personnes" in page.text
    meeting_page = app.get(f"/assemblies/{cast.assembly.id}/meetings?_LOCALE_=fr")
    assert "Programmer une réunion" not in meeting_page.text  # anonymous
    assert "S'abonner au calendrier" in meeting_page.text.replace("&#39;", "'")


def test_audit_log_records_page_actions(app, db, cast):
    person = factories.make_user(db)
    as_(app, cast.facilitator)
    post(app, f"/assemblies/{cast.assembly.id}/members", {"email": person.email, "role": "member"})
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first()
    assert actions == "assembly.member_add"


def test_members_page_is_paged(app, db, cast, monkeypatch):
    from assemblies.views import members

    monkeypatch.setattr(members, "PAGE_SIZE", 2)
    as_(app, cast.member)
    url = f"/assemblies/{cast.assembly.id}/members"
    first = app.get(url)
    assert "3 people" in first.text and "Fatou Facilitator" in first.text
    assert "Otto Observer" not in first.text and 'rel="next"' in first.text
    second = app.get(f"{url}?page=2")
    assert "Otto Observer" in second.text and 'rel="prev"' in second.text
    assert "Fatou Facilitator" not in second.text
    assert app.get(f"{url}?page=abc").status_int == 200


def test_minutes_name_others_by_email(app, db, cast, monkeypatch):
    from assemblies.views import meetings

    monkeypatch.setattr(meetings, "MAX_LISTED", 1)  # a "large" assembly
    meeting = make_meeting(db, cast.assembly, cast.facilitator, days=-0.05)
    url = f"/assemblies/{cast.assembly.id}/meetings/{meeting.id}/minutes"
    as_(app, cast.facilitator)
    form = app.get(url)
    assert "This assembly is large" in form.text
    assert "Mika Member" not in form.text and "Fatou Facilitator" in form.text
    page = post(app, url, {"minutes": "Notes", "others": "ghost@example.org"}, status=422)
    assert "No account has these email addresses: ghost@example.org." in page.text
    page = post(app, url, {"minutes": "Notes", "others": cast.outsider.email}, status=422)
    assert "Only people of the assembly can be listed as present." in page.text
    post(app, url, {"minutes": "Notes", "others": f"{cast.member.email}\n{cast.observer.email}"})
    present = {a.user_id for a in services.attendees(db, meeting) if a.attended}
    assert present == {cast.member.id, cast.observer.id}


def test_upload_too_large_is_refused(app, db, verified_cast, monkeypatch):
    from assemblies.views import residents

    monkeypatch.setattr(residents, "MAX_UPLOAD", 10)
    as_(app, verified_cast.official)
    url = f"/assemblies/{verified_cast.assembly.id}/census"
    page = app.post(
        url,
        {"csrf_token": csrf_token(app, url)},
        upload_files=[("file", "c.csv", b"identifier,postcode\nA,59000\n")],
        status=422,
    )
    assert "too large" in page.text


def test_the_assembly_form_marks_its_required_fields(app, db, official):
    """The name (in the page's language) and the city are starred and aria-required."""
    log_in(app, official.email)
    page = app.get("/assemblies/new").text
    for field_id in ("name_en", "city"):
        label = re.search(rf'<label for="{field_id}">(.*?)</label>', page, re.S).group(1)
        assert 'class="required-mark" aria-hidden="true">*</span>' in label, field_id
        control = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', page).group(0)
        assert 'aria-required="true"' in control, field_id
    assert "required-mark" not in re.search(r'<label for="name_fr">(.*?)</label>', page).group(1)


def test_past_meetings_come_twenty_to_a_page(app, db, cast):
    from assemblies.views.meetings import PAST_PAGE_SIZE

    for n in range(PAST_PAGE_SIZE + 2):
        make_meeting(db, cast.assembly, cast.facilitator, days=-3 - n, title=f"Plenary {n:02d}")
    make_meeting(db, cast.assembly, cast.facilitator, days=5, title="Next plenary")
    url = f"/assemblies/{cast.assembly.id}/meetings"
    first = as_(app, cast.member).get(url)
    assert "Next plenary" in first.text and "Plenary 00" in first.text
    assert f"Plenary {PAST_PAGE_SIZE:02d}" not in first.text and 'rel="next"' in first.text
    second = app.get(url, {"page": "2"})
    assert f"Plenary {PAST_PAGE_SIZE:02d}" in second.text and "Plenary 00" not in second.text
    assert "Next plenary" not in second.text and 'rel="prev"' in second.text
