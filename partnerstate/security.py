"""The one security policy: who is asking (session or bearer token) and what they may do.

Browser pages authenticate with the signed session cookie and are protected by
CSRF tokens; the JSON API under ``/api/`` authenticates only with bearer tokens,
which a cross-site form cannot send, so it needs no CSRF token. Keeping the two
apart means a logged-in browser can never be driven to call the API by another site.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.request import RequestLocalCache
from pyramid.security import Allowed, Denied

from partnerstate import outage
from partnerstate import permissions as perms
from partnerstate.database import utcnow
from partnerstate.models import User
from partnerstate.services import accounts, sessions

API_PREFIX = "/api/"
# The cookie holds the server-side session's id, never the user id: ending the session in
# the database (sign-out, password change) is then enough to make a copied cookie worthless.
SESSION_KEY = "sid"
# What a visitor started before signing in and finishes after it (an invitation link they
# opened): kept when the session is renewed at sign-in, dropped at sign-out.
PENDING_INVITATION = "pending_invitation"
KEPT_ACROSS_SIGN_IN = (PENDING_INVITATION,)


def is_api_request(request: Any) -> bool:
    return request.path.startswith(API_PREFIX)


def bearer_token(request: Any) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


# How stale users.last_seen_at may get before a request records the visit again.
LAST_SEEN_EVERY = dt.timedelta(minutes=1)


class RootContext:
    """The default context: public reading, and what any signed-in person may do."""

    __acl__ = [
        (perms.Allow, perms.Everyone, perms.VIEW),
        (perms.Allow, perms.Authenticated, perms.EDIT_PROFILE),
        (perms.Allow, perms.Authenticated, perms.PROPOSE_COMMONS),
        (perms.Allow, perms.Authenticated, perms.JOIN_ASSEMBLY),
        (perms.Allow, perms.OFFICIAL, perms.VIEW_AUDIT_LOG),
        (perms.Allow, perms.OFFICIAL, perms.MANAGE_OUTBOX),
        (perms.Allow, perms.OFFICIAL, perms.CREATE_ASSEMBLY),
        (perms.Allow, perms.OFFICIAL, perms.VALIDATE_COMMONS),
        (perms.Allow, perms.OFFICIAL, perms.DRAFT_PARTNERSHIP),
    ]

    def __init__(self, request: Any) -> None:
        self.request = request


class SecurityPolicy:
    """Pyramid security policy combining session and bearer authentication with ACLs.

    A context may define ``principals_for(user)`` returning extra principals that
    depend on the object, e.g. ``assembly:3:facilitator``; that is how relational
    roles (facilitator of *this* assembly) reach the ACL check.
    """

    def __init__(self) -> None:
        self._identity_cache = RequestLocalCache(self._load_identity)
        self._acl = ACLHelper()

    def _load_identity(self, request: Any) -> User | None:
        if outage.is_down(request):
            return None  # no one can be looked up; the 503 page renders as for a visitor
        if is_api_request(request):
            token = bearer_token(request)
            return accounts.user_for_token(request.db, token) if token else None
        session_id = current_session_id(request)
        if session_id is None:
            return None
        now = utcnow()
        user = sessions.user_for_session(request.db, session_id, now)
        # Written at most once a minute: a page and its stylesheets arrive together, and a
        # write on each would make every one of them queue for SQLite's write lock.
        if user is not None and (
            user.last_seen_at is None or now - user.last_seen_at >= LAST_SEEN_EVERY
        ):
            user.last_seen_at = now
        return user

    def identity(self, request: Any) -> User | None:
        return self._identity_cache.get_or_create(request)

    def authenticated_userid(self, request: Any) -> int | None:
        user = self.identity(request)
        return user.id if user is not None else None

    def principals(self, request: Any, context: Any) -> list[str]:
        principals = [Everyone]
        user = self.identity(request)
        if user is None:
            return principals
        principals += [Authenticated, f"user:{user.id}", f"role:{user.role}"]
        extra = getattr(context, "principals_for", None)
        if extra is not None:
            principals += list(extra(user))
        return principals

    def permits(self, request: Any, context: Any, permission: str) -> Allowed | Denied:
        return self._acl.permits(context, self.principals(request, context), permission)

    def remember(self, request: Any, userid: int, **kw: Any) -> list[tuple[str, str]]:
        # A new session id on login defeats session fixation; the session this browser
        # had (signing in again, a password change) ends, so no copy of it lives on.
        previous = current_session_id(request)
        if previous is not None:
            sessions.end_session(request.db, previous)
        kept = {key: request.session[key] for key in KEPT_ACROSS_SIGN_IN if key in request.session}
        request.session.invalidate()
        request.session.update(kept)
        request.session[SESSION_KEY] = sessions.start_session(request.db, userid)
        request.session.new_csrf_token()
        return []

    def forget(self, request: Any, **kw: Any) -> list[tuple[str, str]]:
        session_id = current_session_id(request)
        if session_id is not None:
            sessions.end_session(request.db, session_id)
        request.session.invalidate()
        return []


def current_session_id(request: Any) -> str | None:
    """The server-side session id of this browser, if it is signed in."""
    session_id = request.session.get(SESSION_KEY)
    return session_id if isinstance(session_id, str) else None


def includeme(config: Any) -> None:
    config.set_security_policy(SecurityPolicy())
    config.set_root_factory(RootContext)
    config.set_default_permission(perms.VIEW)
    config.add_request_method(lambda request: request.identity, "user", reify=True)
