"""Forgotten password pages: ask for a link by mail, then choose a new password with it."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config
from wtforms import EmailField, PasswordField
from wtforms import validators as v

from partnerstate.forms import Form, length, required
from partnerstate.headers import no_store
from partnerstate.i18n import DOMAIN, _
from partnerstate.services import password_reset
from partnerstate.services.passwords import MIN_PASSWORD_LENGTH
from partnerstate.views.throttling import client_address, throttle_policy


class RequestForm(Form):
    email = EmailField(
        _("Email"), [required(), v.Email(message=_("Enter a valid email address.")), length(254)]
    )


class NewPasswordForm(Form):
    password = PasswordField(
        _("New password"),
        [
            required(),
            v.Length(
                min=MIN_PASSWORD_LENGTH,
                max=password_reset.MAX_PASSWORD_LENGTH,
                message=_("Use at least 12 characters."),
            ),
        ],
    )
    confirm = PasswordField(
        _("New password, again"),
        [required(), v.EqualTo("password", message=_("The two passwords differ."))],
    )


@view_config(route_name="password_reset", renderer="password_reset.jinja2")
def ask_for_link(request: Any) -> Any:
    form = RequestForm.from_request(request)
    if request.method == "POST" and form.validate():
        throttled = password_reset.request_reset(
            request.db,
            request.registry["partnerstate.settings"],
            throttle_policy(request),
            form.email.data,
            client_address(request),
        )
        if throttled is not None:
            request.response.status = 429
            request.response.headers["Retry-After"] = str(throttled.retry_after)
            minutes = max(1, (throttled.retry_after + 59) // 60)
            form.add_error(
                "email",
                request.localizer.pluralize(
                    "Too many requests. Try again in ${minutes} minute.",
                    "Too many requests. Try again in ${minutes} minutes.",
                    minutes,
                    domain=DOMAIN,
                    mapping={"minutes": request.format_number(minutes)},
                ),
            )
            return {"form": form, "sent_to": None}
        # The same answer whether or not an account uses this address.
        return {
            "form": RequestForm(meta={"locales": [request.locale_name]}),
            "sent_to": form.email.data,
        }
    if form.errors:
        request.response.status = 422
    return {"form": form, "sent_to": None}


@view_config(route_name="password_reset.token", renderer="password_reset_choose.jinja2")
def choose_password(request: Any) -> Any:
    no_store(request)  # the page's address holds the token
    request.response.headers["Referrer-Policy"] = "no-referrer"
    token = request.matchdict["token"]
    if password_reset.valid_reset(request.db, token) is None:
        request.response.status = 410
        return {"form": None}
    form = NewPasswordForm.from_request(request)
    if request.method == "POST" and form.validate():
        try:
            password_reset.reset_password(request.db, token, form.password.data)
        except password_reset.LinkNotValid:
            request.response.status = 410
            return {"form": None}
        except password_reset.BadPassword as error:
            form.add_error("password", error.message)
        else:
            request.session.flash(
                request.translate(_("Your password was changed. Log in with it.")), "success"
            )
            return HTTPSeeOther(request.route_url("login"))
    if form.errors:
        request.response.status = 422
    return {"form": form}
