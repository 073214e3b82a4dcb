"""Assemblies of the commons, as their people meet them: create, admit, refuse, meet.

An official creates an assembly of their own (the demo one stays as it is for the
other tests), a facilitator runs it: adds people by email, decides requests to
join, changes roles and schedules a meeting whose iCalendar file a calendar
application can read.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, unique_email
from tests.browser.journeys import PHONE, flash, person, submit, unique

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"


def create_assembly(official, name: str) -> str:
    """The official creates an open assembly through the form; returns its page's path."""
    official.goto("/assemblies")
    official.get_by_role("link", name="Create an assembly").click()
    expect(official.get_by_role("heading", level=1)).to_have_text("Create an assembly")
    official.get_by_label("Name (English)").fill(name)
    official.get_by_label("City").fill("Lille")
    official.get_by_label("Language of the assembly").select_option("en")
    official.get_by_label("Description (English)").fill("Neighbours who keep **Fives** alive.")
    official.get_by_label("Who may join").select_option("open")
    official.get_by_label("Default quorum").fill("25")
    submit(official)
    expect(flash(official)).to_contain_text("The assembly was created.")
    # Creating leads to the people of the assembly, to add its facilitators.
    expect(official).to_have_url(re.compile(r"/assemblies/\d+/members$"))
    return urlsplit(official.url).path.removesuffix("/members")


def add_by_email(page, email: str, role: str) -> None:
    form = page.locator("main form[action$='/members']")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Role").select_option(role)
    submit(page, "main form[action$='/members']")


def register(page, email: str, name: str, database_url: str) -> None:
    page.goto("/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Preferred language").select_option("en")
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")
    # The person opens the link of the mail the app recorded for them.
    page.goto(verification_path(database_url, email))
    expect(flash(page)).to_contain_text("Your email address is confirmed. Welcome!")


def verification_path(database_url: str, email: str) -> str:
    from sqlalchemy import select

    from partnerstate.database import make_engine
    from partnerstate.models import OutboxMessage

    engine = make_engine(database_url)
    with engine.connect() as connection:
        text = connection.scalar(
            select(OutboxMessage.body_text)
            .where(OutboxMessage.recipient == email, OutboxMessage.kind == "email_verification")
            .order_by(OutboxMessage.id.desc())
        )
    engine.dispose()
    return re.search(r"(/verify-email/\S+)", text).group(1)


def test_a_facilitator_admits_refuses_and_changes_roles(browser, base_url, browser_database_url):
    name = unique("Fives assembly")
    newcomer_name = unique("Samira Newcomer")

    with person(browser, base_url, "official") as official:
        path = create_assembly(official, name)
        expect(official.get_by_role("heading", level=1)).to_have_text(f"People of {name}")
        # An unknown email is refused next to the field, nobody is added.
        add_by_email(official, unique_email("nobody"), "member")
        expect(official.get_by_role("alert")).to_contain_text("Please correct the following:")
        add_form = official.locator("main form[action$='/members']")
        expect(add_form.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
        # Existing accounts are added by the email they registered with.
        add_by_email(official, "facilitator@demo.partnerstate.org", "facilitator")
        expect(flash(official)).to_have_text("Yusuf Demir was added as facilitator.")
        add_by_email(official, "member@demo.partnerstate.org", "member")
        expect(flash(official)).to_have_text("Ana Sousa was added as member.")
        # Twice is harmless: it says so.
        add_by_email(official, "member@demo.partnerstate.org", "member")
        expect(flash(official)).to_have_text("Ana Sousa was already in the assembly as member.")

        official.goto(path)
        expect(official.get_by_role("heading", level=1)).to_have_text(name)
        expect(official.locator("main .prose strong")).to_have_text("Fives")
        expect(official.get_by_text("Facilitated by: Yusuf Demir")).to_be_visible()
        assert_accessible(official)

    # A newcomer registers, finds the assembly and asks to join, on a phone.
    with person(browser, base_url, None, **PHONE) as newcomer:
        register(newcomer, unique_email("samira"), newcomer_name, browser_database_url)
        newcomer.goto("/assemblies")
        newcomer.get_by_role("link", name=name).click()
        standing = newcomer.locator("section.standing")
        expect(standing).to_contain_text("You are not a member of this assembly.")
        newcomer.get_by_role("link", name="Ask to join, with a message").click()
        newcomer.get_by_label("Message to the facilitators").fill("I keep the Fives compost.")
        submit(newcomer)
        expect(flash(newcomer)).to_have_text(
            "Your request was sent. You will see the decision on this page."
        )
        expect(standing).to_contain_text("You asked to join on")
        expect(standing.get_by_role("button", name="Ask to join")).to_have_count(0)

        # A demo account that is not in this assembly asks too, with one click.
        with person(browser, base_url, "newcomer") as noor:
            noor.goto(path)
            submit(noor, "main form[action$='/join']")
            expect(flash(noor)).to_contain_text("Your request was sent.")

            # The facilitator sees both requests waiting and decides.
            with person(browser, base_url, "facilitator") as facilitator:
                facilitator.goto(path)
                expect(facilitator.locator("main .badge", has_text="waiting")).to_have_text(
                    "2 waiting"
                )
                facilitator.get_by_role("link", name="Members and requests").click()
                requests = facilitator.get_by_role("table", name="Requests to join, oldest first")
                expect(requests.get_by_role("row")).to_have_count(3)  # the header and two
                expect(requests.get_by_role("row", name=newcomer_name)).to_contain_text(
                    "I keep the Fives compost."
                )
                assert_accessible(facilitator)

                # Approve the newcomer as a member.
                row = requests.get_by_role("row", name=newcomer_name)
                row.get_by_label("Role").select_option("member")
                with facilitator.expect_navigation():
                    row.get_by_role("button", name=f"Approve {newcomer_name}").click()
                expect(flash(facilitator)).to_have_text(
                    f"{newcomer_name} joined the assembly as member."
                )

                # Refuse Noor, with a reason: a reason is required.
                facilitator.get_by_role("link", name="Refuse Noor Haddad…").click()
                expect(facilitator.get_by_role("heading", level=1)).to_have_text(
                    "Refuse the request of Noor Haddad"
                )
                submit(facilitator)
                expect(facilitator.get_by_role("alert")).to_contain_text("Reason")
                facilitator.get_by_label("Reason").fill("This assembly is for Fives residents.")
                submit(facilitator)
                expect(flash(facilitator)).to_have_text("The request of Noor Haddad was refused.")
                expect(facilitator.get_by_text("No request is waiting.")).to_be_visible()

                # Change a role: the newcomer becomes an observer.
                people = facilitator.get_by_role(
                    "table", name="The people of the assembly, by role then name"
                )
                row = people.get_by_role("row", name=newcomer_name)
                expect(row).to_contain_text("member")
                row.get_by_label(f"Role of {newcomer_name}").select_option("observer")
                with facilitator.expect_navigation():
                    row.get_by_role("button", name="Change").click()
                expect(flash(facilitator)).to_have_text(f"{newcomer_name} is now observer.")
                expect(people.get_by_role("row", name=newcomer_name)).to_contain_text("observer")

            # Noor reads why, on the assembly's page.
            noor.goto(path)
            refusal = noor.locator("section.standing [role=note]")
            expect(refusal).to_contain_text("Your request to join was refused on")
            expect(refusal.locator(".reason")).to_have_text("This assembly is for Fives residents.")

        # The newcomer, now an observer, sees it on the same page.
        newcomer.reload()
        expect(standing).to_contain_text("Your role in this assembly: observer, since")
        expect(standing).to_contain_text("Observers read and comment but do not vote.")
        expect(standing).to_contain_text("You may not vote in this assembly's votes.")


def test_a_meeting_is_scheduled_and_read_by_a_calendar(browser, base_url):
    name = unique("Moulins assembly")
    title = unique("Plenary")

    with person(browser, base_url, "official") as official:
        path = create_assembly(official, name)
        add_by_email(official, "facilitator@demo.partnerstate.org", "facilitator")
        expect(flash(official)).to_have_text("Yusuf Demir was added as facilitator.")

    with person(browser, base_url, "facilitator") as facilitator:
        facilitator.goto(path)
        facilitator.get_by_role("link", name="Schedule a meeting").click()
        expect(facilitator.get_by_role("heading", level=1)).to_have_text("Schedule a meeting")
        # Ending before it starts is refused, next to the field.
        facilitator.get_by_label("Title (English)").fill(title)
        facilitator.get_by_label("Starts").fill("2031-05-12T18:30")
        facilitator.get_by_label("Ends").fill("2031-05-12T17:00")
        submit(facilitator)
        expect(facilitator.get_by_role("alert")).to_contain_text("Please correct the following:")
        expect(facilitator.get_by_label("Ends")).to_have_attribute("aria-invalid", "true")
        assert_accessible(facilitator)

        facilitator.get_by_label("Ends").fill("")
        facilitator.get_by_label("Place").fill("Maison Folie Moulins, 47 rue d'Arras, Lille")
        facilitator.get_by_label("Agenda").fill("Welcome\nThe garden pact\nNext steps")
        submit(facilitator)
        expect(flash(facilitator)).to_have_text("The meeting was scheduled.")
        expect(facilitator.get_by_role("heading", level=1)).to_have_text(title)
        expect(facilitator.locator("main ol li")).to_have_text(
            ["Welcome", "The garden pact", "Next steps"]
        )
        ics_link = facilitator.get_by_role("link", name="Add to my calendar (iCalendar file)")
        ics_path = ics_link.get_attribute("href")
        assert ics_path and ics_path.endswith(".ics")

    # Anyone sees it on the assembly's page and adds it to a calendar application.
    with person(browser, base_url, None) as visitor:
        visitor.goto(path)
        upcoming = visitor.locator("section[aria-labelledby=meetings-heading]")
        expect(upcoming.get_by_role("link", name=title)).to_be_visible()
        expect(upcoming).to_contain_text("Maison Folie Moulins")

        response = visitor.request.get(ics_path)
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/calendar")
        # Long lines are folded (RFC 5545 §3.1): unfold before reading them.
        lines = response.text().replace("\r\n ", "").splitlines()
        assert lines[0] == "BEGIN:VCALENDAR"
        assert f"SUMMARY:{title}" in lines
        # 18:30 in the site's time zone (named, or UTC), two hours by default.
        event = "\n".join(lines[lines.index("BEGIN:VEVENT") :])
        assert re.search(r"^DTSTART[;A-Z=/_a-z]*:20310512T183000Z?$", event, re.M), event
        assert re.search(r"^DTEND[;A-Z=/_a-z]*:20310512T203000Z?$", event, re.M), event

        # The assembly's feed has it too.
        visitor.goto(path)
        feed = visitor.get_by_role("link", name="Subscribe to the calendar (iCalendar)")
        response = visitor.request.get(feed.get_attribute("href"))
        assert response.headers["content-type"].startswith("text/calendar")
        assert f"SUMMARY:{title}" in response.text().replace("\r\n ", "").splitlines()
