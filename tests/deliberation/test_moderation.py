"""Moderation: anyone signed in flags, a facilitator hides with a reason, all audited."""

from __future__ import annotations

import pytest

from deliberation.debate_models import ArgumentFlag
from deliberation.services import arguments, moderation
from partnerstate.models import AuditEntry
from partnerstate.partnerships.errors import Conflict, Forbidden, Invalid
from tests.conftest import bearer, csrf_token, log_in
from tests.form_errors import field_errors
from tests.partnerstate.partnerships import helpers


@pytest.fixture
def cast(db, official):
    return helpers.make_cast(db, official)


@pytest.fixture
def partnership(db, cast):
    return helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "deliberation")


@pytest.fixture
def argument(db, cast, partnership):
    argument = arguments.post(db, partnership, cast.member, "You are all idiots.", "against")
    db.commit()
    return argument


def api(partnership, argument, action):
    return f"/api/v1/partnerships/{partnership.id}/comments/{argument.id}/{action}"


# --- flags --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "observer", "official", "facilitator"])
def test_anyone_signed_in_may_flag(app, db, cast, partnership, argument, who):
    response = app.post_json(
        api(partnership, argument, "flags"),
        {"reason": "offensive"},
        headers=bearer(db, getattr(cast, who)),
    )
    assert response.status_int == 201
    entry = db.query(AuditEntry).filter_by(action="argument.flag").one()
    assert entry.object_id == str(argument.id) and entry.actor_id == getattr(cast, who).id


def test_anonymous_flagging_is_401(app, partnership, argument):
    app.post_json(api(partnership, argument, "flags"), {"reason": "offensive"}, status=401)


def test_flag_once_and_not_one_s_own(app, db, cast, partnership, argument):
    headers = bearer(db, cast.observer)
    app.post_json(api(partnership, argument, "flags"), {"reason": "spam"}, headers=headers)
    app.post_json(
        api(partnership, argument, "flags"), {"reason": "spam"}, headers=headers, status=409
    )
    app.post_json(
        api(partnership, argument, "flags"),
        {"reason": "spam"},
        headers=bearer(db, cast.member),
        status=409,
    )


@pytest.mark.parametrize(
    "body", [{"reason": "ugly"}, {"reason": "other"}, {"reason": "other", "note": " "}]
)
def test_a_flag_needs_a_reason(app, db, cast, partnership, argument, body):
    app.post_json(
        api(partnership, argument, "flags"), body, headers=bearer(db, cast.observer), status=422
    )


def test_other_needs_details(db, cast, argument):
    with pytest.raises(Invalid):
        moderation.flag(db, argument, cast.observer, "other", "")
    flag = moderation.flag(db, argument, cast.observer, "other", "Shares a phone number")
    assert flag.note == "Shares a phone number"


# --- hiding -------------------------------------------------------------------------------------


def test_a_facilitator_hides_with_a_reason_shown_in_place(app, db, cast, partnership, argument):
    moderation.flag(db, argument, cast.observer, "offensive")
    db.commit()
    hide = api(partnership, argument, "hide")
    body = {"reason": "Personal attack (rule 2)."}
    for who in ("member", "observer", "official"):
        app.post_json(hide, body, headers=bearer(db, getattr(cast, who)), status=403)
    app.post_json(hide, {"reason": ""}, headers=bearer(db, cast.facilitator), status=422)
    hidden = app.post_json(hide, body, headers=bearer(db, cast.facilitator)).json
    assert hidden["hidden"] is True and hidden["body"] is None
    assert hidden["hidden_reason"] == "Personal attack (rule 2)."
    app.post_json(hide, body, headers=bearer(db, cast.facilitator), status=409)
    entry = db.query(AuditEntry).filter_by(action="argument.hide").one()
    assert entry.actor_id == cast.facilitator.id and entry.details["reason"] == body["reason"]
    assert all(flag.resolved_at for flag in db.query(ArgumentFlag))
    text = app.get(f"/partnerships/{partnership.id}").text
    assert "You are all idiots." not in text
    assert "Hidden by a facilitator: Personal attack (rule 2)." in text
    assert (
        app.get(f"/partnerships/{partnership.id}").text.count("Hidden text (facilitators only)")
        == 0
    )
    restored = app.post_json(
        api(partnership, argument, "restore"), headers=bearer(db, cast.facilitator)
    ).json
    assert restored["hidden"] is False and restored["body"] == "You are all idiots."
    assert db.query(AuditEntry).filter_by(action="argument.restore").count() == 1


def test_hidden_posts_do_not_count(db, cast, partnership, argument):
    assert arguments.debate(db, partnership).counts["against"] == 1
    moderation.hide(db, argument, cast.facilitator, "Insult")
    assert arguments.debate(db, partnership).counts["against"] == 0


def test_service_refusals(db, cast, argument):
    with pytest.raises(Forbidden):
        moderation.hide(db, argument, cast.official, "x")
    with pytest.raises(Conflict):
        moderation.restore(db, argument, cast.facilitator)
    with pytest.raises(Conflict):
        moderation.dismiss_flags(db, argument, cast.facilitator)
    arguments.delete(db, argument, cast.member)
    with pytest.raises(Conflict):
        moderation.flag(db, argument, cast.observer, "spam")


# --- pages --------------------------------------------------------------------------------------


def test_every_problem_of_the_flag_form_shows_at_once(app, db, cast, partnership, argument):
    # A missing reason used to hide the note's problem until it was chosen.
    log_in(app, cast.outsider.email)
    token = csrf_token(app, "/profile")
    page = app.post(
        f"/partnerships/{partnership.id}/arguments/{argument.id}/flag",
        {"csrf_token": token, "note": "<b>Rude</b>"},
        status=422,
    )
    assert field_errors(page) == {
        "reason": ["Choose a reason."],
        "note": ["HTML is not allowed here."],
    }
    assert db.query(ArgumentFlag).count() == 0


def test_flag_hide_and_dismiss_through_pages(app, db, cast, partnership, argument):
    other = arguments.post(db, partnership, cast.observer, "A fair point.", "for")
    db.commit()
    log_in(app, cast.outsider.email)
    page = app.get(f"/partnerships/{partnership.id}")
    assert f"/arguments/{argument.id}/flag" in page.text
    flag_page = app.get(f"/partnerships/{partnership.id}/arguments/{argument.id}/flag")
    form = next(f for f in flag_page.forms.values() if f.action.endswith("/flag"))
    form.submit(status=422)
    form["reason"] = "offensive"
    assert "Thank you" in form.submit().follow().text
    token = csrf_token(app, "/profile")
    app.post(
        f"/partnerships/{partnership.id}/arguments/{other.id}/flag",
        {"csrf_token": token, "reason": "spam"},
    )
    app.get(f"/partnerships/{partnership.id}/moderation", status=403)

    log_in(app, cast.facilitator.email)
    page = app.get(f"/partnerships/{partnership.id}")
    assert "2 flagged posts to review" in page.text
    queue = app.get(f"/partnerships/{partnership.id}/moderation")
    assert "You are all idiots." in queue.text and "A fair point." in queue.text
    dismiss = next(
        f for f in queue.forms.values() if f.action.endswith(f"/arguments/{other.id}/dismiss")
    )
    dismiss.submit().follow()
    hide_page = app.get(f"/partnerships/{partnership.id}/arguments/{argument.id}/hide")
    assert "Offensive or abusive" in hide_page.text
    form = next(f for f in hide_page.forms.values() if f.action.endswith("/hide"))
    form.submit(status=422)
    form["reason"] = "Personal attack."
    form.submit().follow()
    db.refresh(argument)
    assert argument.hidden and argument.hidden_reason == "Personal attack."
    assert "No post is waiting" in app.get(f"/partnerships/{partnership.id}/moderation").text
    page = app.get(f"/partnerships/{partnership.id}")
    assert "Hidden text (facilitators only)" in page.text
    restore = next(f for f in page.forms.values() if f.action.endswith("/restore"))
    restore.submit().follow()
    db.refresh(argument)
    assert not argument.hidden


def test_members_cannot_hide(app, db, cast, partnership, argument):
    log_in(app, cast.member.email)
    app.get(f"/partnerships/{partnership.id}/arguments/{argument.id}/hide", status=403)
    token = csrf_token(app, "/profile")
    app.post(
        f"/partnerships/{partnership.id}/arguments/{argument.id}/hide",
        {"csrf_token": token, "reason": "x"},
        status=403,
    )


def test_anonymous_flag_link_asks_to_log_in(app, partnership, argument):
    response = app.get(f"/partnerships/{partnership.id}/arguments/{argument.id}/flag", status=303)
    assert "/login" in response.location
