"""Email address verification, and registering without telling who has an account.

A verification link carries the account, a digest of the address and an expiry,
signed with the site's secret: it needs no table, and it stops working if the address
changes. Registering with an address that already has an account creates nothing and
answers like a success; the owner gets a mail saying so (with the way to log in or
reset the password), so the form tells a stranger nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from partnerstate.database import utcnow
from partnerstate.mail import outbox
from partnerstate.mail.render import mail_locale
from partnerstate.models import User
from partnerstate.services import accounts
from partnerstate.settings import AppSettings, public_base_url

LIFETIME = dt.timedelta(days=7)


def _mac(settings: AppSettings, payload: str) -> str:
    return hmac.new(
        settings.secret.encode(), f"verify:{payload}".encode(), hashlib.sha256
    ).hexdigest()[:32]


def _address_digest(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def make_token(settings: AppSettings, user: User, now: dt.datetime | None = None) -> str:
    expires = int(((now or utcnow()) + LIFETIME).timestamp())
    payload = f"{user.id}.{_address_digest(user.email)}.{expires}"
    return f"{payload}.{_mac(settings, payload)}"


def verify(
    db: Session, settings: AppSettings, token: str, now: dt.datetime | None = None
) -> User | None:
    """Mark the address behind ``token`` verified; the account, or None if the link is
    forged, expired, or for an address the account no longer has."""
    parts = token.split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit() or len(token) > 200:
        return None
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_mac(settings, payload), parts[3]):
        return None
    if int(parts[2]) < (now or utcnow()).timestamp():
        return None
    user = db.get(User, int(parts[0]))
    if user is None or _address_digest(user.email) != parts[1]:
        return None
    if user.email_verified_at is None:
        user.email_verified_at = now or utcnow()
    return user


def _then(next_path: str | None) -> str:
    """The query that sends the person on to ``next_path`` (a path on this site)."""
    return f"?{urlencode({'next': next_path})}" if next_path else ""


def send_link(db: Session, settings: AppSettings, user: User, next_path: str | None = None) -> None:
    """Mail ``user`` the link that confirms their address (then opens ``next_path``, e.g.
    the invitation they registered for)."""
    token = make_token(settings, user)
    outbox.enqueue(
        db, settings, kind="email_verification", to=user.email,
        template="mail/verify_email.jinja2",
        locale=mail_locale(user.locale, default=settings.default_locale),
        name=user.display_name,
        link=f"{public_base_url(settings)}/verify-email/{token}{_then(next_path)}",
    )  # fmt: skip


def register(
    db: Session,
    settings: AppSettings,
    email: str,
    display_name: str,
    password: str,
    locale: str | None,
    next_path: str | None = None,
) -> None:
    """Create an unverified account and mail its link; or, if the address has an
    account, mail its owner instead. The caller answers the same in both cases.

    ``next_path`` (a path on this site, already checked) is where either mail's link
    leads afterwards: the verification link, or the login link of an existing owner.
    """
    existing = accounts.find_user_by_email(db, email)
    if existing is None:
        user = accounts.create_user(
            db, email, display_name, password, locale=locale, verified=False
        )
        send_link(db, settings, user, next_path)
        return
    base = public_base_url(settings)
    outbox.enqueue(
        db, settings, kind="registration_attempt", to=existing.email,
        template="mail/registration_attempt.jinja2",
        locale=mail_locale(existing.locale, locale, default=settings.default_locale),
        name=existing.display_name,
        login=f"{base}/login{_then(next_path)}", reset=f"{base}/password-reset",
    )  # fmt: skip
