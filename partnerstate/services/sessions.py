"""Server-side browser sessions: started at sign-in, ended by sign-out or a password change.

The signed session cookie carries a random session id next to the CSRF token and flash
messages; the database keeps only the id's SHA-256 digest, the owner and the expiry. A
cookie copied before its session ended (sign-out, "sign out everywhere", a password change
or reset) therefore opens nothing afterwards. Every app process reads the same table, so
ending a session ends it for all of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from partnerstate.database import utcnow
from partnerstate.models import User, UserSession

# A session unused this long ends (each visit, recorded once a minute, pushes it back).
SESSION_LIFETIME = dt.timedelta(days=14)
# How stale a session's last visit may get before a request records it again.
TOUCH_EVERY = dt.timedelta(minutes=1)
MAX_ID_LENGTH = 100


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(db: Session, user_id: int, now: dt.datetime | None = None) -> str:
    """Open a session for ``user_id`` and return its id (for the cookie only)."""
    now = now or utcnow()
    session_id = secrets.token_urlsafe(32)
    db.add(
        UserSession(
            token_hash=_digest(session_id),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    db.flush()
    return session_id


# Built once: every signed-in page runs it (one lookup through the unique digest index).
_OWNER = (
    select(User, UserSession.id, UserSession.last_seen_at)
    .join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.token_hash == bindparam("digest"), UserSession.expires_at > bindparam("now"))
)
_TOUCH = (
    update(UserSession)
    .where(UserSession.id == bindparam("b_id"))
    .values(last_seen_at=bindparam("b_now"), expires_at=bindparam("b_expires"))
)


def user_for_session(db: Session, session_id: str, now: dt.datetime | None = None) -> User | None:
    """The owner of a live session, or None; records the visit at most once a minute."""
    if not session_id or len(session_id) > MAX_ID_LENGTH:
        return None
    now = now or utcnow()
    row = db.execute(_OWNER, {"digest": _digest(session_id), "now": now}).first()
    if row is None:
        return None
    user, row_id, last_seen_at = row
    if not (now - TOUCH_EVERY < last_seen_at <= now):
        db.execute(_TOUCH, {"b_id": row_id, "b_now": now, "b_expires": now + SESSION_LIFETIME})
    return user


def end_session(db: Session, session_id: str) -> None:
    """End one session (sign-out). Unknown or already ended ids are ignored."""
    if session_id and len(session_id) <= MAX_ID_LENGTH:
        db.execute(delete(UserSession).where(UserSession.token_hash == _digest(session_id)))


def end_sessions(db: Session, user_id: int, *, keep: str | None = None) -> int:
    """End every session of ``user_id`` except ``keep`` (a session id); return how many.

    "Sign out everywhere", a password change and a password reset call it without
    ``keep`` (the first two then sign their own browser in anew, or not at all).
    """
    query = delete(UserSession).where(UserSession.user_id == user_id)
    if keep:
        query = query.where(UserSession.token_hash != _digest(keep))
    return db.execute(query).rowcount or 0


def count_sessions(db: Session, user_id: int, now: dt.datetime | None = None) -> int:
    """How many live sessions ``user_id`` has (browsers where they are signed in)."""
    return (
        db.scalar(
            select(func.count()).where(
                UserSession.user_id == user_id, UserSession.expires_at > (now or utcnow())
            )
        )
        or 0
    )


def purge_expired(db: Session, now: dt.datetime | None = None) -> int:
    """Delete the sessions that have expired; return how many (for the scheduler)."""
    query = delete(UserSession).where(UserSession.expires_at <= (now or utcnow()))
    return db.execute(query).rowcount or 0
