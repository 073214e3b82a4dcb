"""Where a page sends the visitor next, and the language cookie it leaves behind."""

from __future__ import annotations

from typing import Any

from partnerstate.i18n import LOCALE_COOKIE

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
