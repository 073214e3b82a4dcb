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


def test_the_link_makes_the_signed_in_person_a_member_once(app, db, official):
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
    token = csrf_token(app, path)
    response = app.post(path, {"csrf_token": token}, status=303)
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
