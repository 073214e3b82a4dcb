"""The home page: the explainer for visitors, "what needs you" for each signed-in role."""

from __future__ import annotations

import re

import pytest

from assemblies import services as assemblies
from deliberation.votes import services as votes
from partnerstate.dashboard import SHOWN
from tests import factories
from tests.assemblies.helpers import make_meeting
from tests.conftest import log_in
from tests.partnerstate.partnerships import helpers


def section(page, name):
    """The HTML of one section of the home page, or None when it is not shown."""
    match = re.search(
        rf'<section class="dashboard-section" aria-labelledby="section-{name}">(.*?)</section>',
        page.text,
        re.S,
    )
    return match.group(1) if match else None


@pytest.fixture
def cast(db, official):
    return helpers.make_cast(db, official)


def test_visitors_read_the_explainer(app):
    page = app.get("/")
    assert "Care for the commons, together with your city" in page.text
    assert "Create an account" in page.text
    assert "dashboard-section" not in page.text


def test_a_member_sees_the_vote_waiting_for_their_ballot_then_not(app, db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    closes_at = helpers.later(3)
    vote = votes.open_partnership_vote(db, partnership, cast.facilitator, closes_at=closes_at)
    db.commit()
    log_in(app, cast.member.email)
    shown = section(app.get("/"), "votes")
    assert f"/votes/{vote.id}" in shown
    assert "Community garden at the tram depot" in shown
    assert "Closes " in shown
    assert "Welcome, Mia Member" in app.get("/").text

    ranking = [[option.id] for option in vote.options]
    votes.cast_ballot(db, vote, cast.member, ranking)
    db.commit()
    shown = section(app.get("/"), "votes")
    assert f"/votes/{vote.id}" not in shown
    assert "No open vote is waiting for your ballot." in shown
    assert 'href="http://localhost/votes"' in shown


def test_deliberations_of_the_persons_assemblies_only(app, db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    log_in(app, cast.member.email)
    assert f"/partnerships/{partnership.id}" in section(app.get("/"), "deliberations")

    log_in(app, cast.outsider.email)
    shown = section(app.get("/"), "deliberations")
    assert f"/partnerships/{partnership.id}" not in shown
    assert "No deliberation is open in your assemblies." in shown
    assert "/partnerships?status=deliberation" in shown


def test_officials_see_proposals_to_validate_members_do_not(app, db, cast):
    proposals = [helpers.make_commons(db, cast.official, published=False) for _ in range(SHOWN + 1)]
    log_in(app, cast.official.email)
    shown = section(app.get("/"), "commons-proposals")
    # The oldest first, at most SHOWN of them, and the count of all.
    assert f"/commons/{proposals[0].id}" in shown
    assert f"/commons/{proposals[-1].id}" not in shown
    assert f"({SHOWN + 1})" in shown
    assert "/commons?status=proposed" in shown

    log_in(app, cast.member.email)
    assert section(app.get("/"), "commons-proposals") is None


def test_officials_without_proposals_are_told_so(app, db, official):
    log_in(app, official.email)
    shown = section(app.get("/"), "commons-proposals")
    assert "No commons proposal is waiting for validation." in shown


def test_facilitators_see_join_requests_members_do_not(app, db, cast):
    newcomer = factories.make_user(db, name="Noor Newcomer")
    assemblies.request_to_join(db, cast.assembly, newcomer)
    db.commit()
    log_in(app, cast.facilitator.email)
    shown = section(app.get("/"), "join-requests")
    assert "Noor Newcomer asks to join Assembly of the commons" in shown
    assert f"/assemblies/{cast.assembly.id}/members" in shown

    log_in(app, cast.member.email)
    assert section(app.get("/"), "join-requests") is None


def test_meetings_coming_up_in_the_persons_assemblies(app, db, cast):
    soon = make_meeting(db, cast.assembly, cast.official, days=2, title="Garden plenary")
    make_meeting(db, cast.assembly, cast.official, days=-2, title="Last month's plenary")
    cancelled = make_meeting(db, cast.assembly, cast.official, days=3, title="Cancelled one")
    assemblies.cancel_meeting(db, cancelled, cast.official)
    db.commit()
    log_in(app, cast.observer.email)
    shown = section(app.get("/"), "meetings")
    assert "Garden plenary" in shown
    assert f"/meetings/{soon.id}" in shown
    assert "Last month" not in shown
    assert "Cancelled one" not in shown

    log_in(app, cast.outsider.email)
    assert "No meeting is planned in your assemblies." in section(app.get("/"), "meetings")


def test_the_home_page_makes_a_bounded_number_of_queries(app, db, cast, engine):
    """Each section costs a few queries however many rows it has (no query per row)."""
    from sqlalchemy import event

    def count_queries() -> int:
        statements = []

        def remember(*args):
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", remember)
        try:
            app.get("/")
        finally:
            event.remove(engine, "before_cursor_execute", remember)
        return len(statements)

    log_in(app, cast.facilitator.email)
    few = count_queries()
    for n in range(4):
        make_meeting(db, cast.assembly, cast.official, days=2 + n, title=f"Meeting {n}")
        assemblies.request_to_join(db, cast.assembly, factories.make_user(db))
        helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "deliberation")
    db.commit()
    assert count_queries() == few


def test_pages_have_a_favicon(app):
    page = app.get("/login")
    icon = page.html.select_one("link[rel=icon]")
    assert icon["type"] == "image/svg+xml"
    served = app.get(icon["href"])
    assert served.content_type == "image/svg+xml" and b"<svg" in served.body
    # Clients that ignore the link ask for /favicon.ico.
    assert app.get("/favicon.ico", status=301).location == icon["href"]
