"""Register, log in, log out, profile and tokens (browser pages)."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPFound, HTTPNotFound, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.security import forget, remember
from pyramid.view import view_config
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms import validators as v
from wtforms.fields.choices import SelectChoice

from partnerstate import permissions as perms
from partnerstate.forms import Form, length, required
from partnerstate.headers import no_store
from partnerstate.i18n import DOMAIN, LOCALES, _
from partnerstate.ids import parse_id
from partnerstate.services import accounts, email_verification, sessions, throttle
from partnerstate.services.passwords import MIN_PASSWORD_LENGTH
from partnerstate.views.navigation import local_path, remember_locale
from partnerstate.views.throttling import (
    client_address,
    device_for,
    remember_device,
    throttle_policy,
)


def _safe_next(request: Any, default: str) -> str:
    """Only follow same-site relative paths after login (no open redirect)."""
    return local_path(request.params.get("next", ""), default)


def _display_name(form: Any, field: Any) -> None:
    problem = accounts.display_name_problem(field.data)
    if problem is not None:
        raise v.StopValidation(problem)


def _language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name, render_kw={"lang": code}) for code, name in LOCALES.items()]


def _password_rules() -> list[Any]:
    """The rules every new password follows: at registration and when it changes."""
    return [
        required(),
        v.Length(min=MIN_PASSWORD_LENGTH, max=1024, message=_("Use at least 12 characters.")),
    ]


class RegisterForm(Form):
    email = EmailField(
        _("Email"), [required(), v.Email(message=_("Enter a valid email address.")), length(254)]
    )
    display_name = StringField(_("Display name"), [_display_name])
    password = PasswordField(_("Password"), _password_rules())
    locale = SelectField(_("Preferred language"), choices=_language_choices())


class LoginForm(Form):
    email = EmailField(_("Email"), [required(), length(254)])
    password = PasswordField(_("Password"), [required(), length(1024)])


NOTIFICATION_CHOICES = [
    SelectChoice("immediate", _("By mail, as they happen")),
    SelectChoice("daily", _("By mail, one summary a day")),
    SelectChoice("off", _("Not by mail (on the site only)")),
]


class ProfileForm(Form):
    display_name = StringField(_("Display name"), [_display_name])
    locale = SelectField(_("Preferred language"), choices=_language_choices())
    email_notifications = SelectField(_("Notifications"), choices=NOTIFICATION_CHOICES)

    def localize(self, request: Any) -> ProfileForm:
        # WTForms prints a lazy label's English msgid: the options are put in words here.
        self.email_notifications.choices = [
            SelectChoice(choice.value, request.translate(choice.label))
            for choice in NOTIFICATION_CHOICES
        ]
        return self


class TokenForm(Form):
    label = StringField(_("Label"), [length(100)])


class PasswordForm(Form):
    current_password = PasswordField(_("Current password"), [required(), length(1024)])
    new_password = PasswordField(_("New password"), _password_rules())
    new_password_again = PasswordField(
        _("New password again"),
        [required(), v.EqualTo("new_password", message=_("The two new passwords differ."))],
    )
    revoke_tokens = BooleanField(_("Also revoke all my API tokens"))


def _profile_page(request: Any, **forms: Any) -> dict[str, Any]:
    """What the profile page shows; ``forms`` replaces the blank form that was posted."""
    user = request.user
    page = {
        "form": ProfileForm(obj=user, meta={"locales": [request.locale_name]}).localize(request),
        "token_form": TokenForm(meta={"locales": [request.locale_name]}),
        "password_form": PasswordForm(meta={"locales": [request.locale_name]}),
        "new_token": None,
        "session_count": sessions.count_sessions(request.db, user.id),
    }
    page.update(forms)
    return page


@view_config(route_name="register", renderer="register.jinja2")
def register(request: Any) -> Any:
    form = RegisterForm.from_request(request, locale=request.locale_name)
    # Where to go once the address is confirmed (an invitation's page): carried by the link.
    next_path = local_path(request.params.get("next", ""), "")
    if request.method == "POST" and form.validate():
        # The same answer whether or not the address has an account: its owner is
        # mailed instead (partnerstate/services/email_verification.py).
        email_verification.register(
            request.db,
            request.registry["partnerstate.settings"],
            email=form.email.data,
            display_name=form.display_name.data,
            password=form.password.data,
            locale=form.locale.data,
            next_path=next_path or None,
        )
        return render_to_response(
            "register_sent.jinja2", {"email": form.email.data.strip()}, request=request
        )
    if form.errors:
        request.response.status = 422
    return {"form": form, "next": next_path}


def _too_many_attempts(request: Any, wait: int) -> str:
    """Answer 429 with Retry-After; the message says the wait in seconds or minutes."""
    request.response.status = 429
    request.response.headers["Retry-After"] = str(wait)
    if wait < 60:
        return request.localizer.pluralize(
            "Too many failed attempts. Try again in ${seconds} second.",
            "Too many failed attempts. Try again in ${seconds} seconds.",
            wait,
            domain=DOMAIN,
            mapping={"seconds": request.format_number(wait)},
        )
    minutes = (wait + 59) // 60
    return request.localizer.pluralize(
        "Too many failed attempts. Try again in ${minutes} minute.",
        "Too many failed attempts. Try again in ${minutes} minutes.",
        minutes,
        domain=DOMAIN,
        mapping={"minutes": request.format_number(minutes)},
    )


@view_config(route_name="login", renderer="login.jinja2")
def login(request: Any) -> Any:
    form = LoginForm.from_request(request)
    next_url = _safe_next(request, request.route_url("home"))
    if request.method == "POST" and form.validate():
        policy = throttle_policy(request)
        email, address = form.email.data, client_address(request)
        device = device_for(request, email)
        wait = throttle.retry_after(request.db, policy, email, address, device=device)
        if wait is not None:
            # Refused before the password is checked: a right guess looks like a wrong one.
            form.add_error("email", _too_many_attempts(request, wait))
            return {"form": form, "next": next_url}
        user = accounts.authenticate(request.db, email, form.password.data)
        if user is None:
            throttle.record_failure(request.db, email, address, device)
            request.response.status = 400
            form.add_error("password", _("Wrong email or password."))
            return {"form": form, "next": next_url}
        throttle.forgive(request.db, email, address)
        remember(request, user.id)
        response = HTTPSeeOther(next_url)
        remember_device(request, response, email)
        return response
    if form.errors:
        request.response.status = 422
    return {"form": form, "next": next_url}


@view_config(route_name="logout", renderer="logout.jinja2")
def logout(request: Any) -> Any:
    if request.method == "POST":
        forget(request)
        return HTTPSeeOther(request.route_url("home"))
    return {}


@view_config(route_name="profile", renderer="profile.jinja2", permission=perms.EDIT_PROFILE)
def profile(request: Any) -> Any:
    user = request.user
    form = ProfileForm.from_request(request, obj=user).localize(request)
    if request.method == "GET" and not user.locale:
        form.locale.data = request.locale_name
    if request.method == "POST" and form.validate():
        user.display_name = form.display_name.data.strip()
        accounts.update_preferences(
            user, locale=form.locale.data, email_notifications=form.email_notifications.data
        )
        request.session.flash(request.translate(_("Your profile was saved.")), "success")
        response = HTTPSeeOther(request.route_url("profile"))
        # The profile's language becomes the page language straight away.
        remember_locale(request, response, user.locale)
        return response
    if form.errors:
        request.response.status = 422
    return _profile_page(request, form=form)


@view_config(
    route_name="profile.tokens",
    renderer="profile.jinja2",
    permission=perms.EDIT_PROFILE,
    request_method="POST",
)
def create_token(request: Any) -> Any:
    form = TokenForm.from_request(request)
    token = None
    if form.validate():
        token = accounts.create_token(request.db, request.user, form.label.data or "")
        no_store(request)  # the token is shown this once
    else:
        request.response.status = 422
    return _profile_page(request, token_form=form, new_token=token)


@view_config(
    route_name="profile.password",
    renderer="profile.jinja2",
    permission=perms.EDIT_PROFILE,
    request_method="POST",
)
def change_password(request: Any) -> Any:
    form = PasswordForm.from_request(request)
    user, address = request.user, client_address(request)
    device = device_for(request, user.email)
    if form.validate():
        # The current password is a guess like a login's (e.g. from a stolen session).
        wait = throttle.retry_after(
            request.db, throttle_policy(request), user.email, address, device=device
        )
        if wait is not None:
            form.add_error("current_password", _too_many_attempts(request, wait))
            return _profile_page(request, password_form=form)
        try:
            accounts.change_password(
                request.db,
                request.user,
                form.current_password.data,
                form.new_password.data,
                revoke_tokens=form.revoke_tokens.data,
            )
        except accounts.WrongPassword:
            throttle.record_failure(request.db, user.email, address, device)
            form.add_error("current_password", _("This is not your current password."))
        else:
            if form.revoke_tokens.data:
                message = _(
                    "Your password was changed. You were signed out everywhere else "
                    "and your API tokens were revoked."
                )
            else:
                message = _(
                    "Your password was changed. You were signed out everywhere else; "
                    "your API tokens keep working."
                )
            # Every session ended, this one too: a new session id for this browser means
            # that a copy of its cookie, taken before the change, is worthless as well.
            remember(request, user.id)
            request.session.flash(request.translate(message), "success")
            return HTTPSeeOther(request.route_url("profile"))
    request.response.status = 422
    return _profile_page(request, password_form=form)


@view_config(
    route_name="profile.sessions_end", permission=perms.EDIT_PROFILE, request_method="POST"
)
def sign_out_everywhere(request: Any) -> Any:
    """End every session of this account, this browser's included."""
    sessions.end_sessions(request.db, request.user.id)
    forget(request)
    request.session.flash(
        request.translate(_("You were signed out everywhere, this browser included.")), "success"
    )
    return HTTPSeeOther(request.route_url("login"))


@view_config(
    route_name="profile.token_revoke", permission=perms.EDIT_PROFILE, request_method="POST"
)
def revoke_token(request: Any) -> Any:
    token_id = parse_id(request.matchdict["token_id"])
    if token_id is None:  # beyond any database id: no such token, not a 500
        raise HTTPNotFound()
    if accounts.revoke_token(request.db, request.user, token_id):
        request.session.flash(request.translate(_("The token was revoked.")), "success")
    return HTTPFound(request.route_url("profile"))


@view_config(route_name="verify_email", renderer="verify_email.jinja2", request_method="GET")
def verify_email(request: Any) -> Any:
    """The link from the mail: the address is confirmed and its owner signed in."""
    no_store(request)
    request.response.headers["Referrer-Policy"] = "no-referrer"
    settings = request.registry["partnerstate.settings"]
    user = email_verification.verify(request.db, settings, request.matchdict["token"])
    if user is None:
        request.response.status = 410
        return {}
    remember(request, user.id)
    request.session.flash(
        request.translate(_("Your email address is confirmed. Welcome!")), "success"
    )
    return HTTPSeeOther(_safe_next(request, request.route_url("home")))


@view_config(
    route_name="profile.verify_email",
    permission=perms.EDIT_PROFILE,
    request_method="POST",
)
def resend_verification(request: Any) -> Any:
    if not request.user.email_verified:
        email_verification.send_link(
            request.db, request.registry["partnerstate.settings"], request.user
        )
        request.session.flash(
            request.translate(_("A new confirmation link is on its way to your address.")),
            "success",
        )
    return HTTPSeeOther(request.route_url("profile"))
