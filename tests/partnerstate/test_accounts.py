"""Register, log in, log out, profile: through the pages, as a new user would."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from partnerstate.models import OutboxMessage, User
from partnerstate.services import accounts
from tests.conftest import csrf_token, log_in
from tests.factories import PASSWORD


def test_register_mails_a_link_that_confirms_the_address_and_logs_in(app, db):
    token = csrf_token(app, "/register")
    response = app.post(
        "/register",
        {
            "email": "New.Person@Example.org",
            "display_name": "New Person",
            "password": "a long enough password",
            "locale": "fr",
            "csrf_token": token,
        },
    )
    assert response.status_int == 200
    assert "new.person@example.org" in response.text.lower()
    user = db.scalar(select(User).where(User.email == "new.person@example.org"))
    assert user.locale == "fr"
    assert user.password_hash.startswith("$argon2")
    assert not user.email_verified
    mail = db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "email_verification"))
    assert mail.recipient == "new.person@example.org"
    assert mail.locale == "fr"
    link = re.search(r"https://participate\.example\.org(/verify-email/\S+)", mail.body_text)
    home = app.get(link.group(1)).follow()
    assert "New Person" in home.text  # signed in
    db.expire_all()
    assert user.email_verified


def test_register_rejects_short_password_and_keeps_nothing(app, db):
    token = csrf_token(app, "/register")
    response = app.post(
        "/register",
        {
            "email": "x@example.org",
            "display_name": "X",
            "password": "short",
            "locale": "en",
            "csrf_token": token,
        },
        status=422,  # like every form's errors (it was 200)
    )
    assert "Use at least 12 characters." in response.text
    assert db.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("<script>x</script>", "HTML is not allowed here."),
        ("   ", "This field is required."),
        ("x" * 121, "Too long: at most 120 characters."),
    ],
)
def test_register_refuses_a_display_name_that_is_not_plain_text(app, db, name, message):
    token = csrf_token(app, "/register")
    response = app.post(
        "/register",
        {
            "email": "x@example.org",
            "display_name": name,
            "password": "a long enough password",
            "locale": "en",
            "csrf_token": token,
        },
        status=422,
    )
    assert message in response.text
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_the_account_service_refuses_such_names_too(db):
    # The same rule for every caller: the forms, the command line, the demo.
    with pytest.raises(accounts.InvalidDisplayName):
        accounts.create_user(db, "y@example.org", "  ", "a long enough password")


def test_register_does_not_tell_whether_an_address_has_an_account(app, db, member):
    def attempt(email):
        token = csrf_token(app, "/register")
        return app.post(
            "/register",
            {
                "email": email,
                "display_name": "Again",
                "password": PASSWORD,
                "locale": "en",
                "csrf_token": token,
            },
        )

    taken = attempt(member.email.upper())
    fresh = attempt("fresh@example.org")
    assert taken.status_int == fresh.status_int == 200
    assert taken.text.replace(member.email.upper(), "X") == fresh.text.replace(
        "fresh@example.org", "X"
    )
    assert "already exists" not in taken.text
    # The owner is told instead, and nothing was created or changed.
    attempt_mail = db.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "registration_attempt")
    )
    assert attempt_mail.recipient == member.email
    assert "https://participate.example.org/password-reset" in attempt_mail.body_text
    assert accounts.authenticate(db, member.email, PASSWORD) is not None
    assert db.scalar(select(func.count()).select_from(User)) == 2


def test_register_error_in_french(app):
    app.set_cookie("_LOCALE_", "fr")
    token = csrf_token(app, "/register")
    response = app.post(
        "/register",
        {"email": "", "display_name": "", "password": "", "locale": "fr", "csrf_token": token},
        status=422,
    )
    assert 'lang="fr"' in response.text
    assert "Ce champ est obligatoire." in response.text


def test_post_without_csrf_token_is_refused(app, member):
    response = app.post("/login", {"email": member.email, "password": PASSWORD}, status=400)
    assert "csrf" in response.text.lower() or response.status_int == 400


def test_login_and_logout(app, member):
    response = log_in(app, member.email)
    assert member.display_name in response.follow().text
    token = csrf_token(app, "/logout")
    response = app.post("/logout", {"csrf_token": token})
    assert response.status_int == 303
    assert member.display_name not in app.get("/").text


def test_wrong_password_says_so(app, member):
    token = csrf_token(app)
    response = app.post(
        "/login",
        {"email": member.email, "password": "wrong wrong wrong", "csrf_token": token},
        status=400,
    )
    assert "Wrong email or password." in response.text


def test_login_only_follows_local_next(app, member):
    token = csrf_token(app)
    response = app.post(
        "/login",
        {
            "email": member.email,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
    )
    assert response.headers["Location"] == "http://localhost/"


def test_login_ignores_a_next_that_cannot_be_a_header(app, member):
    response = app.post(
        "/login",
        {
            "email": member.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(app),
            "next": "/\r\nSet-Cookie: x=1",
        },
        status=303,
    )
    assert response.headers["Location"] == "http://localhost/"


def test_profile_requires_login(app):
    response = app.get("/profile")
    assert response.status_int == 303
    assert "/login?next=%2Fprofile" in response.headers["Location"]


def test_profile_update_changes_name_and_language(member_app, db, member):
    token = csrf_token(member_app, "/profile")
    response = member_app.post(
        "/profile", {"display_name": "Mia M.", "locale": "fr", "csrf_token": token}
    )
    assert response.status_int == 303
    page = response.follow()
    assert 'lang="fr"' in page.text
    db.expire_all()
    assert db.get(User, member.id).display_name == "Mia M."


def test_login_profile_and_token_form_errors_are_422(app, member):
    token = csrf_token(app)
    page = app.post("/login", {"email": "", "password": "", "csrf_token": token}, status=422)
    assert "This field is required." in page.text
    log_in(app, member.email)
    token = csrf_token(app, "/profile")
    page = app.post("/profile", {"display_name": "", "locale": "en", "csrf_token": token},
                    status=422)  # fmt: skip
    assert "This field is required." in page.text
    page = app.post("/profile/tokens", {"label": "x" * 101, "csrf_token": token}, status=422)
    assert page.html.select_one("code.token") is None


def test_tokens_created_and_revoked_from_profile(member_app, db, member):
    token = csrf_token(member_app, "/profile")
    page = member_app.post("/profile/tokens", {"label": "my script", "csrf_token": token})
    assert page.headers["Cache-Control"] == "no-store"  # shown once, kept by no cache
    api_token = page.html.select_one("code.token").text
    assert (
        member_app.get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}"}).json["email"]
        == member.email
    )
    form_action = page.html.select_one("form[action*='/revoke']")["action"]
    member_app.post(form_action, {"csrf_token": csrf_token(member_app, "/profile")})
    member_app.get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}"}, status=401)
