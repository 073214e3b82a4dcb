"""Accounts: registration, authentication, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from partnerstate.database import WRITES, utcnow
from partnerstate.i18n import _
from partnerstate.markup import contains_markup
from partnerstate.models import ApiToken, User
from partnerstate.models.accounts import GlobalRole
from partnerstate.services import sessions
from partnerstate.services.passwords import hash_password, verify_password

TOKEN_PREFIX = "ps_"  # noqa: S105 -- a public marker, not a secret
# A token's last use is recorded at most this often: writing it on every request made
# every API call, reads included, a write (and on SQLite, one writer at a time).
LAST_USE_PRECISION = dt.timedelta(minutes=1)
MAX_DISPLAY_NAME = 120


class DuplicateEmail(Exception):
    """An account with this email already exists."""


class InvalidPreference(ValueError):
    """A language or notification choice that does not exist."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


# How notifications come by mail (see partnerstate/mail/notices.py).
EMAIL_NOTIFICATIONS = ("immediate", "daily", "off")


def update_preferences(
    user: User, locale: str | None = None, email_notifications: str | None = None
) -> None:
    """Change the user's language and/or notification mails; None leaves one as it is."""
    from partnerstate.i18n import LOCALES

    if locale is not None and locale not in LOCALES:
        raise InvalidPreference("locale", _("This language is not available."))
    if email_notifications is not None and email_notifications not in EMAIL_NOTIFICATIONS:
        raise InvalidPreference("email_notifications", _("Choose immediate, daily or off."))
    if locale is not None:
        user.locale = locale
    if email_notifications is not None:
        user.email_notifications = email_notifications


class InvalidDisplayName(ValueError):
    """A display name that :func:`display_name_problem` refuses."""


def display_name_problem(name: Any) -> Any:
    """Why ``name`` cannot be a display name (shown as text everywhere), or None."""
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        return _("This field is required.")
    if len(text) > MAX_DISPLAY_NAME:
        return _("Too long: at most ${max} characters.", mapping={"max": MAX_DISPLAY_NAME})
    if contains_markup(text):
        return _("HTML is not allowed here.")
    return None


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def create_user(
    db: Session,
    email: str,
    display_name: str,
    password: str | None,
    role: str = GlobalRole.MEMBER,
    locale: str | None = None,
    verified: bool = True,
) -> User:
    """Create an account; raises :class:`DuplicateEmail` if the email is taken and
    :class:`InvalidDisplayName` for a name the forms would refuse.

    ``verified``: whether the address is known to be the person's (an administrator's
    ``user add``, the demo); self-registration passes False and mails a link."""
    problem = display_name_problem(display_name)
    if problem is not None:
        raise InvalidDisplayName(problem)
    if find_user_by_email(db, email) is not None:
        raise DuplicateEmail(email)
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        password_hash=hash_password(password) if password else None,
        role=GlobalRole(role).value,
        locale=locale,
        email_verified_at=utcnow() if verified else None,
    )
    db.add(user)
    db.flush()
    return user


def authenticate(db: Session, email: str, password: str) -> User | None:
    """The user whose email and password match, or None. Upgrades outdated hashes."""
    user = find_user_by_email(db, email)
    ok, new_hash = verify_password(user.password_hash if user else None, password)
    if not ok or user is None:
        return None
    if new_hash:
        user.password_hash = new_hash
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)


class WrongPassword(Exception):
    """The current password given to confirm a change is not the account's."""


def change_password(
    db: Session,
    user: User,
    current: str,
    new: str,
    *,
    keep_session: str | None = None,
    revoke_tokens: bool = False,
) -> int:
    """Replace ``user``'s password after checking the current one; return sessions ended.

    Every session but ``keep_session`` ends, so a thief who had the old password or a
    copied cookie is out (the profile ends them all and signs its browser in anew).
    API tokens keep working unless ``revoke_tokens``: scripts are credentials of their
    own, listed and revocable on the profile (docs/accounts.md). Raises
    :class:`WrongPassword`.
    """
    ok, _new_hash = verify_password(user.password_hash, current)
    if not ok:
        raise WrongPassword()
    set_password(user, new)
    if revoke_tokens:
        revoke_all_tokens(db, user)
    return sessions.end_sessions(db, user.id, keep=keep_session)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Session, user: User, label: str = "") -> str:
    """Create a bearer token for ``user`` and return it; only its digest is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(
        ApiToken(user=user, token_hash=_digest(token), prefix=token[:10], label=label.strip()[:100])
    )
    db.flush()
    return token


# Built once: every API request runs these (building one costs about as much as running it).
_OWNER = (
    select(User, ApiToken.id, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None))
)
_USED = (
    update(ApiToken).where(ApiToken.id == bindparam("b_id")).values(last_used_at=bindparam("b_now"))
)


def user_for_token(db: Session, token: str, now: dt.datetime | None = None) -> User | None:
    """The owner of an active token, or None. Records when the token was last used.

    One query reads the token and its owner; the last use is written only when the
    recorded one is older than `LAST_USE_PRECISION`, and never in a transaction that
    was begun as a read (``db.info[WRITES]`` false, SQLite: see `may_record_use`).
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = _digest(token)
    row = db.execute(_OWNER, {"digest": digest}).first()
    if row is None:
        return None
    user, token_id, last_used_at = row
    now = now or utcnow()
    due = last_use_due(last_used_at, now) and last_use_due(_recorded.get(digest), now)
    if due and db.info.get(WRITES, True):
        db.execute(_USED, {"b_id": token_id, "b_now": now})
        _remember(digest, now)
    return user


def last_use_due(last_used_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a token last used at ``last_used_at`` should have its use recorded now."""
    return last_used_at is None or not (now - LAST_USE_PRECISION < last_used_at <= now)


# When this process last recorded each token's use (by digest). A reading request asks
# `may_record_use` before its transaction begins: on SQLite a transaction that may write
# must take the one write lock up front (partnerstate.database), and reads should not.
_recorded: dict[str, dt.datetime] = {}
RECORDED_MAX = 10_000


def may_record_use(token: str, now: dt.datetime | None = None) -> bool:
    """False if this process recorded ``token``'s use less than a minute ago (no write due)."""
    return last_use_due(_recorded.get(_digest(token)), now or utcnow())


def _remember(digest: str, now: dt.datetime) -> None:
    if len(_recorded) >= RECORDED_MAX:
        # Forget what no longer matters; list() copies at once (other threads insert).
        for old, when in list(_recorded.items()):
            if last_use_due(when, now):
                _recorded.pop(old, None)
        if len(_recorded) >= RECORDED_MAX:
            _recorded.clear()
    _recorded[digest] = now


def revoke_all_tokens(db: Session, user: User) -> int:
    """Revoke every active token of ``user``; return how many."""
    query = (
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    count = db.execute(query).rowcount or 0
    db.expire(user, ["tokens"])
    return count


def revoke_token(db: Session, user: User, token_id: int) -> bool:
    """Revoke one of ``user``'s tokens; False if it is not theirs or already revoked."""
    record = db.get(ApiToken, token_id)
    if record is None or record.user_id != user.id or record.revoked_at is not None:
        return False
    record.revoked_at = utcnow()
    return True
