"""Notifications: what changed in one's assemblies since the last visit."""

from __future__ import annotations

import datetime as dt

import pytest

from deliberation.debate_models import NotificationMark
from deliberation.services import alternatives, arguments, moderation, notifications
from partnerstate.models import User
from partnerstate.partnerships import services
from partnerstate.partnerships.models import Partnership
from tests.conftest import bearer, log_in
from tests.partnerstate.partnerships import helpers


@pytest.fixture
def cast(db, official):
    return helpers.make_cast(db, official)


def seen_long_ago(db, user):
    db.add(NotificationMark(user_id=user.id, seen_at=user.created_at - dt.timedelta(days=1)))
    db.commit()


def test_members_see_new_partnerships_phase_changes_and_replies(db, cast):
    seen_long_ago(db, cast.member)
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    services.open_deliberation(db, partnership, cast.facilitator)
    mine = arguments.post(db, partnership, cast.member, "Mine", "for")
    arguments.post(db, partnership, cast.observer, "A reply", "against", parent_id=mine.id)
    arguments.post(db, partnership, cast.member, "My own reply", "for", parent_id=mine.id)
    db.commit()
    kinds = [item.kind for item in notifications.for_user(db, cast.member)]
    assert sorted(kinds) == ["new_partnership", "reply", "transition"]
    assert notifications.count_new(db, cast.member) == 3


def test_outsiders_get_nothing_about_other_assemblies(db, cast):
    seen_long_ago(db, cast.outsider)
    helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "deliberation")
    assert notifications.for_user(db, cast.outsider) == []


def test_own_actions_are_not_notified(db, cast):
    seen_long_ago(db, cast.facilitator)
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    services.open_deliberation(db, partnership, cast.facilitator)
    db.commit()
    assert [item.kind for item in notifications.for_user(db, cast.facilitator)] == [
        "new_partnership"
    ]


def test_hidden_posts_and_declined_alternatives_are_notified_to_their_author(db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    seen_long_ago(db, cast.member)
    post = arguments.post(db, partnership, cast.member, "Rude", "against")
    moderation.hide(db, post, cast.facilitator, "Rude")
    alternative = alternatives.propose(db, partnership, cast.member, "Mine", "Why")
    alternatives.decline(db, alternative, cast.facilitator, "duplicate", "Same as the proposal")
    db.commit()
    kinds = {item.kind for item in notifications.for_user(db, cast.member)}
    assert {"hidden", "declined"} <= kinds


def test_visiting_the_page_marks_everything_seen(app, db, cast):
    seen_long_ago(db, cast.member)
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    log_in(app, cast.member.email)
    home = app.get("/")
    assert 'href="http://localhost/notifications"' in home.text
    assert '(2<span class="visually-hidden"> new</span>)' in home.text
    page = app.get("/notifications")
    assert "2 new since your last visit" in page.text
    assert "Community garden at the tram depot" in page.text
    assert "is now: In deliberation" in page.text
    assert notifications.count_new(db, cast.member) == 0
    again = app.get("/notifications")
    assert "Nothing new since your last visit." in again.text
    assert partnership.id


def test_the_page_needs_an_account(app):
    response = app.get("/notifications", status=303)
    assert "/login" in response.location


def test_the_api_lists_notifications(app, db, cast):
    seen_long_ago(db, cast.member)
    helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "deliberation")
    items = app.get("/api/v1/notifications", headers=bearer(db, cast.member)).json["items"]
    # Drafted, then opened: members hear of both once deliberation is open.
    assert {(i["kind"], i["new"]) for i in items} == {
        ("new_partnership", True),
        ("transition", True),
    }
    app.get("/api/v1/notifications", status=401)


def test_members_hear_of_a_draft_only_when_deliberation_opens(db, cast):
    seen_long_ago(db, cast.member)
    draft = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    assert notifications.for_user(db, cast.member) == []
    services.open_deliberation(db, draft, cast.official, helpers.later(14))
    kinds = {item.kind for item in notifications.for_user(db, cast.member)}
    assert kinds == {"new_partnership", "transition"}


def test_a_new_account_sees_only_what_came_after_it(db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    newcomer = helpers.factories.make_user(db)
    helpers.add_member(db, cast.assembly, newcomer)
    assert notifications.count_new(db, newcomer) == 0
    services.open_deliberation(db, partnership, cast.facilitator)
    db.commit()
    assert notifications.count_new(db, newcomer) == 1


def _statements_of_count_new(db, user_id):
    """How many SQL statements the header's count sends, from a fresh session state."""
    from sqlalchemy import event

    db.expunge_all()
    user = db.get(User, user_id)
    sent = []

    def record(*args):
        sent.append(args[2])

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        count = notifications.count_new(db, user)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return count, len(sent)


def _new_in_the_list(db, user_id):
    return sum(item.new for item in notifications.for_user(db, db.get(User, user_id)))


def test_the_header_count_matches_the_list_and_sends_the_same_statements_for_more_changes(db, cast):
    # The count runs on every signed-in page: it must not load each change's partnership
    # and actor (at a million residents it did, a hundred rows and more per page).
    drafts = [
        helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, title=f"P{n}")
        for n in range(5)
    ]
    services.open_deliberation(db, drafts[0], cast.facilitator)
    mine = arguments.post(db, drafts[0], cast.member, "Mine", "for")
    db.commit()
    # Seen after the drafts were made: what follows are their moves, not new partnerships.
    notifications.mark_seen(db, cast.member)
    arguments.post(db, drafts[0], cast.observer, "A reply", "against", parent_id=mine.id)
    services.open_deliberation(db, drafts[1], cast.facilitator)
    db.commit()
    ids = [draft.id for draft in drafts]
    mine_id, member_id, facilitator_id = mine.id, cast.member.id, cast.facilitator.id
    few, few_statements = _statements_of_count_new(db, member_id)
    assert few == _new_in_the_list(db, member_id) == 2

    facilitator = db.get(User, facilitator_id)
    for number, partnership_id in enumerate(ids[2:]):
        partnership = db.get(Partnership, partnership_id)
        services.open_deliberation(db, partnership, facilitator)
        arguments.post(
            db, db.get(Partnership, ids[0]), facilitator, f"R{number}", "for", parent_id=mine_id
        )
    db.commit()
    many, many_statements = _statements_of_count_new(db, member_id)
    assert many == _new_in_the_list(db, member_id) == 2 + 3 + 3
    assert many_statements == few_statements
    # The last visit, the person's assemblies, all the counts at once, the
    # partnerships' moves and which of them are shown: five, not one per kind.
    assert many_statements == 5
