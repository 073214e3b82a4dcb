"""Invitations by email: an official or a facilitator invites an address to the assembly.

The mail holds a single-use link, valid :data:`LIFETIME`; whoever follows it and signs
in (or registers first) becomes a member with the invited role. The link is the
authority, as a paper invitation would be: the account need not have the invited
address (people often have several).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assemblies import rules
from assemblies.models import Assembly, EmailInvitation
from assemblies.services.errors import AlreadyMember
from assemblies.services.membership import _check_role, add_member, membership_role
from partnerstate.database import utcnow
from partnerstate.i18n import _
from partnerstate.localized import pick
from partnerstate.mail import outbox
from partnerstate.mail.render import mail_locale
from partnerstate.models import User
from partnerstate.services import accounts, audit
from partnerstate.settings import AppSettings, public_base_url

LIFETIME = dt.timedelta(days=14)
TEMPLATE = "mail/assembly_invitation.jinja2"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(
    db: Session,
    settings: AppSettings,
    assembly: Assembly,
    email: str,
    role: str,
    actor: User,
    now: dt.datetime | None = None,
) -> EmailInvitation:
    """Record the invitation and mail its link (in the invitee's language if they have
    an account, else the assembly's)."""
    now = now or utcnow()
    _check_role(role)
    address = accounts.normalize_email(email)
    if "@" not in address or len(address) > 254:
        message = _("Enter a valid email address.")
        raise rules.Invalid(message, {"email": message})
    token = secrets.token_urlsafe(32)
    invitation = EmailInvitation(
        assembly_id=assembly.id,
        email=address,
        role=role,
        token_hash=_digest(token),
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + LIFETIME,
    )
    db.add(invitation)
    db.flush()
    existing = accounts.find_user_by_email(db, address)
    locale = mail_locale(
        existing.locale if existing else None,
        assembly.default_locale,
        default=settings.default_locale,
    )
    outbox.enqueue(
        db, settings, kind="assembly_invitation", to=address, template=TEMPLATE, locale=locale,
        assembly=pick(assembly.name, locale, assembly.default_locale),
        inviter=actor.display_name,
        role=role,
        link=f"{public_base_url(settings)}/invitations/{token}",
    )  # fmt: skip
    audit.record(
        db, actor, "assembly.email_invite", "assembly", assembly.id,
        email=address, role=role, invitation_id=invitation.id,
    )  # fmt: skip
    return invitation


def pending(db: Session, token: str, now: dt.datetime | None = None) -> EmailInvitation | None:
    """The unused, unexpired invitation behind ``token``, or None."""
    if not token or len(token) > 100:
        return None
    invitation = db.scalar(
        select(EmailInvitation).where(EmailInvitation.token_hash == _digest(token))
    )
    if invitation is None or invitation.accepted_at is not None:
        return None
    if invitation.expires_at <= (now or utcnow()):
        return None
    return invitation


def accept(db: Session, token: str, user: User, now: dt.datetime | None = None) -> Assembly | None:
    """Make ``user`` a member as invited; the assembly, or None if the link is spent.

    Someone already in the assembly keeps their role (changing it is the facilitators'
    business); the invitation is spent either way.
    """
    now = now or utcnow()
    invitation = pending(db, token, now)
    if invitation is None:
        return None
    spent = db.execute(
        update(EmailInvitation)
        .where(EmailInvitation.id == invitation.id, EmailInvitation.accepted_at.is_(None))
        .values(accepted_at=now, accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        return None
    assembly = db.get(Assembly, invitation.assembly_id)
    if assembly is None:
        return None
    if membership_role(db, assembly.id, user.id) is None:
        with contextlib.suppress(AlreadyMember):
            add_member(db, assembly, user, invitation.role or rules.MEMBER)
    return assembly
