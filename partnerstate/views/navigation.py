"""Where a page sends the visitor next, and the language cookie it leaves behind."""

from __future__ import annotations

from typing import Any

from partnerstate.i18n import LOCALE_COOKIE, LOCALES

LOCALE_COOKIE_AGE = 365 * 86400


def local_path(target: Any, default: str) -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirect).

    A path with control or non-ASCII characters cannot go into a Location header as it
    is (links we make are percent-encoded), so it falls back too instead of failing.
    """
    if (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isascii()
        and target.isprintable()
    ):
        return target
    return default


def remember_locale(request: Any, response: Any, locale: str) -> None:
    """The interface language, for a year; Secure wherever the session cookie is."""
    response.set_cookie(
        LOCALE_COOKIE,
        locale,
        max_age=LOCALE_COOKIE_AGE,
        samesite="Lax",
        secure=request.registry["partnerstate.settings"].production,
    )


def remember_locale_parameter(event: Any) -> None:
    """``?_LOCALE_=xx`` sticks like the switcher: the next click or form keeps the language.

    Without this, a link shared as ``/charters/3?_LOCALE_=fr`` shows one French page and
    the first form posted from it answers in English. Runs once the route is found, still
    inside the request's transaction, so the signed-in user's profile can change too. API
    answers are left alone: a client names its language on each request.
    """
    request = event.request
    locale = request.GET.get(LOCALE_COOKIE)
    if locale not in LOCALES or request.path_info.startswith(("/api/", "/static/")):
        return
    if request.cookies.get(LOCALE_COOKIE) != locale:
        request.add_response_callback(
            lambda request, response: remember_locale(request, response, locale)
        )
    user = request.user
    if user is not None and user.locale != locale:
        user.locale = locale
