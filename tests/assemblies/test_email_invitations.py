"""Invitations by email: a mailed single-use link that makes the person a member."""

from __future__ import annotations

import re

from sqlalchemy import select

from assemblies.services import email_invitations
from partnerstate.models import AuditEntry, OutboxMessage
from partnerstate.worker import Worker
from tests import factories
from tests.conftest import bearer, csrf_token, log_in
from tests.partnerstate.partnerships import helpers
from tests.partnerstate.test_mail_delivery import settings_for

LINK = re.compile(r"https://participate\.example\.org(/invitations/[A-Za-z0-9_-]+)")


def _cast(db, official):
    return helpers.make_cast(db, official)


def _link(db):
    mail = db.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "assembly_invitation")
        .order_by(OutboxMessage.id.desc())
    )
    return LINK.search(mail.body_text).group(1)


def test_the_api_invites_and_the_mail_is_delivered(app, db, session_factory, official, mail_server):
    cast = _cast(db, official)
    response = app.post_json(
        f"/api/v1/assemblies/{cast.assembly.id}/invitations",
        {"email": "Guest@Example.org", "role": "observer"},
        headers=bearer(db, cast.facilitator),
    )
    assert response.status_int == 201
    assert (response.json["email"], response.json["role"]) == ("guest@example.org", "observer")
    Worker(settings_for(mail_server), session_factory).deliver()
    [mail] = mail_server.messages
    assert mail["To"] == "guest@example.org"
    assert mail["Content-Language"] == "en"  # the assembly's language: no account yet
    assert LINK.search(mail.get_body(("plain",)).get_content())
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "assembly.email_invite"))
    assert entry.actor_id == cast.facilitator.id


def test_only_officials_and_facilitators_invite(app, db, official):
    cast = _cast(db, official)
    url = f"/api/v1/assemblies/{cast.assembly.id}/invitations"
    body = {"email": "x@example.org", "role": "member"}
    app.post_json(url, body, headers=bearer(db, cast.member), status=403)
    app.post_json(url, body, status=401)
    app.post_json(url, body, headers=bearer(db, official), status=201)
    bad = app.post_json(
        url,
        {"email": "x@example.org", "role": "king"},
        headers=bearer(db, official),
        expect_errors=True,
    )
    assert bad.status_int in (400, 422)


def test_the_link_makes_the_person_who_signs_in_a_member_once(app, db, official):
    cast = _cast(db, official)
    email_invitations.invite(
        db, settings_for(), cast.assembly, "new@example.org", "member", cast.facilitator
    )
    db.commit()
    path = _link(db)
    newcomer = factories.make_user(db, email="other.address@example.org")
    page = app.get(path)
    assert "Log in" in page.text  # not signed in yet
    log_in(app, newcomer.email)
    # This browser opened the link before signing in: opening it again joins.
    response = app.get(path, status=303)
    assert response.headers["Location"].endswith(f"/assemblies/{cast.assembly.id}")
    from assemblies import services

    assert services.membership_role(db, cast.assembly.id, newcomer.id) == "member"
    app.get(path, status=410)  # spent


def test_an_existing_member_keeps_their_role(db, official):
    cast = _cast(db, official)
    email_invitations.invite(
        db, settings_for(), cast.assembly, "f@example.org", "observer", cast.facilitator
    )
    token = _link(db).rsplit("/", 1)[1]
    assert email_invitations.accept(db, token, cast.facilitator) is not None
    from assemblies import services

    assert services.membership_role(db, cast.assembly.id, cast.facilitator.id) == "facilitator"
    assert email_invitations.accept(db, token, cast.member) is None


def test_the_members_page_sends_invitations(app, db, official):
    cast = _cast(db, official)
    log_in(app, cast.facilitator.email)
    path = f"/assemblies/{cast.assembly.id}/members"
    token = csrf_token(app, path)
    response = app.post(
        f"/assemblies/{cast.assembly.id}/invite",
        {"invite-email": "friend@example.org", "invite-role": "member", "csrf_token": token},
        status=303,
    )
    assert "An invitation was mailed to friend@example.org." in response.follow().text
    bad = app.post(
        f"/assemblies/{cast.assembly.id}/invite",
        {"invite-email": "", "invite-role": "member", "csrf_token": token},
        status=422,
    )
    assert "Invite by email" in bad.text


def test_codes_on_the_same_path_stay_for_officials_only(app, db, official):
    cast = _cast(db, official)
    url = f"/api/v1/assemblies/{cast.assembly.id}/invitations"
    app.post_json(url, {"count": 2}, headers=bearer(db, cast.facilitator), status=403)
    codes = app.post_json(url, {"count": 2}, headers=bearer(db, official), status=201)
    assert len(codes.json["codes"]) == 2


# --- the link carries through signing in and registering ---------------------------


def _invite(db, cast, role="observer"):
    email_invitations.invite(
        db, settings_for(), cast.assembly, "newcomer@example.org", role, cast.facilitator
    )
    db.commit()
    return _link(db)


def _register(app, path, email="newcomer@example.org"):
    page = app.get(path)
    register = page.html.find("main").find("a", string="Register")["href"]
    form = app.get(register)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    next_path = re.search(r'name="next" value="([^"]+)"', form.text).group(1)
    answer = app.post(
        "/register",
        {
            "email": email,
            "display_name": "New Comer",
            "password": "a long enough password",
            "locale": "en",
            "csrf_token": token,
            "next": next_path,
        },
    )
    assert answer.status_int == 200


def _verification_path(db):
    mail = db.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "email_verification")
        .order_by(OutboxMessage.id.desc())
    )
    return re.search(r"https://participate\.example\.org(/verify-email/\S+)", mail.body_text)[1]


def test_registering_from_the_link_then_confirming_makes_a_member(app, db, official):
    from assemblies import services
    from partnerstate.models import User

    cast = _cast(db, official)
    path = _invite(db, cast, role="observer")
    _register(app, path)
    landing = app.get(_verification_path(db), status=303)
    assert landing.headers["Location"].endswith(path)
    assembly_page = landing.follow(status=303)
    assert assembly_page.headers["Location"].endswith(f"/assemblies/{cast.assembly.id}")
    assert "Welcome to" in assembly_page.follow().text
    user = db.scalar(select(User).where(User.email == "newcomer@example.org"))
    assert services.membership_role(db, cast.assembly.id, user.id) == "observer"
    assert "already used or has expired" in app.get(path, status=410).text


def test_the_verification_link_in_another_browser_asks_for_one_click(app, db, official):
    import webtest

    from assemblies import services
    from partnerstate.models import User

    cast = _cast(db, official)
    path = _invite(db, cast, role="member")
    _register(app, path)
    other = webtest.TestApp(app.app, extra_environ=app.extra_environ)
    page = other.get(_verification_path(db), status=303).follow()
    assert page.request.path == path
    assert "Join " in page.text  # signed in there, not yet a member
    user = db.scalar(select(User).where(User.email == "newcomer@example.org"))
    assert services.membership_role(db, cast.assembly.id, user.id) is None
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    other.post(path, {"csrf_token": token}, status=303)
    assert services.membership_role(db, cast.assembly.id, user.id) == "member"


def test_signing_in_from_the_link_makes_a_member(app, db, official):
    from assemblies import services

    cast = _cast(db, official)
    path = _invite(db, cast, role="facilitator")
    newcomer = factories.make_user(db, email="someone@example.org")
    page = app.get(path)
    login = page.html.find("main").find("a", string="Log in")["href"]
    token = re.search(r'name="csrf_token" value="([^"]+)"', app.get(login).text).group(1)
    signed_in = app.post(
        "/login",
        {"email": newcomer.email, "password": factories.PASSWORD, "csrf_token": token,
         "next": path},
        status=303,
    )  # fmt: skip
    assert signed_in.headers["Location"].endswith(path)
    joined = signed_in.follow(status=303)
    assert joined.headers["Location"].endswith(f"/assemblies/{cast.assembly.id}")
    assert services.membership_role(db, cast.assembly.id, newcomer.id) == "facilitator"


def test_a_link_used_meanwhile_says_so_after_registering(app, db, official):
    cast = _cast(db, official)
    path = _invite(db, cast)
    _register(app, path)
    email_invitations.accept(db, path.rsplit("/", 1)[1], cast.member)  # someone else used it
    db.commit()
    page = app.get(_verification_path(db), status=303).follow(status=410)
    assert "already used or has expired" in page.text


def test_an_expired_link_says_so(app, db, official):
    import datetime as dt

    from assemblies.models import EmailInvitation

    cast = _cast(db, official)
    path = _invite(db, cast)
    invitation = db.scalar(select(EmailInvitation).order_by(EmailInvitation.id.desc()))
    invitation.expires_at = invitation.created_at - dt.timedelta(seconds=1)
    db.commit()
    page = app.get(path, status=410)
    assert "already used or has expired" in page.text
    assert "Register" not in page.text.split("<main", 1)[-1]
