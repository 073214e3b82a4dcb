"""Password reset: a single-use link by mail, valid for an hour.

Asking for a reset answers the same whether or not the address has an account (and in
about the same time: the mail is rendered either way), so the form tells nobody who is
registered. Requests are throttled like logins, per address asked about and per
client address. Using a link sets the new password, spends every outstanding link of
that account and ends its sessions (see :func:`_end_every_session`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from partnerstate.database import utcnow
from partnerstate.i18n import _
from partnerstate.mail import outbox
from partnerstate.mail.render import mail_locale, render
from partnerstate.models import ApiToken, PasswordReset, User
from partnerstate.services import accounts, sessions, throttle
from partnerstate.services.passwords import MIN_PASSWORD_LENGTH
from partnerstate.services.throttle import ThrottlePolicy
from partnerstate.settings import AppSettings, public_base_url

LIFETIME = dt.timedelta(hours=1)
TEMPLATE = "mail/password_reset.jinja2"
MAX_PASSWORD_LENGTH = 1024


class LinkNotValid(Exception):
    """The link was used already, has expired, or never existed."""


class BadPassword(ValueError):
    """A new password the rules refuse; ``message`` says why."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Throttled:
    retry_after: int


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reset_link(settings: AppSettings, token: str) -> str:
    return f"{public_base_url(settings)}/password-reset/{token}"


def _wait(
    db: Session, policy: ThrottlePolicy, email: str, address: str, now: dt.datetime
) -> int | None:
    """Seconds before another request is accepted, counted like failed logins."""
    since = now - dt.timedelta(seconds=policy.window_seconds)
    waits = []
    for column, value, limit in (
        (PasswordReset.email, email, policy.account_failures),
        (PasswordReset.address, address, policy.address_failures),
    ):
        count, oldest = db.execute(
            select(func.count(), func.min(PasswordReset.created_at)).where(
                column == value, PasswordReset.created_at > since
            )
        ).one()
        if count >= limit and oldest is not None:
            if oldest.tzinfo is None:  # SQLite aggregates lose the type decorator
                oldest = dt.datetime.fromisoformat(str(oldest)).replace(tzinfo=dt.UTC)
            expires = oldest + dt.timedelta(seconds=policy.window_seconds)
            waits.append(max(1, int((expires - now).total_seconds()) + 1))
    return max(waits) if waits else None


def request_reset(
    db: Session,
    settings: AppSettings,
    policy: ThrottlePolicy,
    email: str,
    address: str,
    now: dt.datetime | None = None,
) -> Throttled | None:
    """Mail a reset link to the owner of ``email``, if there is one.

    Returns :class:`Throttled` when too many requests came for this email or from this
    client address; otherwise None, whether or not a mail was sent.
    """
    now = now or utcnow()
    email = accounts.normalize_email(email)[:254]
    address = address[:64]
    wait = _wait(db, policy, email, address, now)
    if wait is not None:
        return Throttled(wait)
    user = accounts.find_user_by_email(db, email)
    token = secrets.token_urlsafe(32)
    locale = mail_locale(user.locale if user else None, default=settings.default_locale)
    context = {"name": user.display_name if user else email, "link": reset_link(settings, token)}
    if user is None:
        # Same work as for an account (rendering is most of it), so that the time of
        # the answer does not tell whether the address is registered.
        render(
            TEMPLATE,
            locale,
            settings.timezone,
            site_name=settings.site_name,
            base_url=public_base_url(settings),
            **context,
        )
        db.add(PasswordReset(email=email, address=address, expires_at=now, created_at=now))
        return None
    db.add(
        PasswordReset(
            user_id=user.id,
            email=email,
            address=address,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    outbox.enqueue(
        db,
        settings,
        kind="password_reset",
        to=user.email,
        template=TEMPLATE,
        locale=locale,
        **context,
    )
    return None


def valid_reset(db: Session, token: str, now: dt.datetime | None = None) -> PasswordReset | None:
    """The unused, unexpired reset behind ``token``, or None."""
    if not token or len(token) > 100:
        return None
    reset = db.scalar(select(PasswordReset).where(PasswordReset.token_hash == _digest(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= (now or utcnow()):
        return None
    return reset


def password_problem(password: object) -> object | None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least 12 characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Too long: at most ${max} characters.", mapping={"max": MAX_PASSWORD_LENGTH})
    return None


def reset_password(db: Session, token: str, password: str, now: dt.datetime | None = None) -> User:
    """Set ``password`` through the link ``token``; raises :class:`LinkNotValid` or
    :class:`BadPassword`. The link is spent at most once, even by two requests at once."""
    now = now or utcnow()
    reset = valid_reset(db, token, now)
    if reset is None or reset.user_id is None:
        raise LinkNotValid()
    problem = password_problem(password)
    if problem is not None:
        raise BadPassword(problem)
    # Spent by a conditional update: of two concurrent uses, only one changes a row.
    spent = db.execute(
        update(PasswordReset)
        .where(
            PasswordReset.id == reset.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise LinkNotValid()
    user = db.get(User, reset.user_id)
    if user is None:
        raise LinkNotValid()
    # The other links of this account are spent too: the password they were for is gone.
    db.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    accounts.set_password(user, password)
    throttle.clear_account(db, user.email)
    _end_every_session(db, user, now)
    return user


def _end_every_session(db: Session, user: User, now: dt.datetime) -> None:
    """End every session of ``user`` after a reset (someone else may hold one): every
    browser session, and every API bearer token."""
    sessions.end_sessions(db, user.id)
    db.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


def purge_expired(db: Session, now: dt.datetime | None = None) -> int:
    """Forget reset requests that can no longer be used nor count for throttling."""
    cutoff = (now or utcnow()) - max(LIFETIME, dt.timedelta(days=1))
    result = db.execute(delete(PasswordReset).where(PasswordReset.created_at < cutoff))
    return int(result.rowcount or 0)
