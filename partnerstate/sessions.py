"""Signed session cookies and CSRF protection for every unsafe browser request.

The cookie holds the CSRF token, flash messages and, once signed in, the id of a
server-side session (partnerstate.services.sessions) that sign-out really ends.
"""

from __future__ import annotations

from typing import Any

from pyramid.session import JSONSerializer, SignedCookieSessionFactory

from partnerstate.services.sessions import SESSION_LIFETIME


def includeme(config: Any) -> None:
    settings = config.registry["partnerstate.settings"]
    factory = SignedCookieSessionFactory(
        settings.secret,
        cookie_name="partnerstate_session",
        httponly=True,
        samesite="Lax",
        secure=settings.production,
        timeout=int(SESSION_LIFETIME.total_seconds()),
        reissue_time=60 * 60,
        serializer=JSONSerializer(),
    )
    config.set_session_factory(factory)
    # API views opt out explicitly (they accept bearer tokens only, see security.py).
    config.set_default_csrf_options(require_csrf=True)
