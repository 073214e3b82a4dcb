"""The daily digest: one mail a day listing the notifications of those who chose "daily".

The worker calls :func:`send_daily` every few minutes; from :data:`DIGEST_HOUR`
(local time, ``PARTNERSTATE_TIMEZONE``) the day's digest is made once: a done job
under the day's key, recorded in the transaction that writes the digests, stops a
second worker or a later round from making it again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from partnerstate.mail import outbox
from partnerstate.mail.delivery import writing
from partnerstate.mail.notices import unsubscribe_headers
from partnerstate.mail.render import mail_locale
from partnerstate.models import Job, OutboxMessage, User
from partnerstate.models.mail import DIGEST, DONE, IN_APP
from partnerstate.settings import AppSettings

DIGEST_HOUR = 7
KIND = "daily_digest"
TEMPLATE = "mail/digest.jinja2"


def digest_key(settings: AppSettings, now: dt.datetime) -> str | None:
    """The key of today's digest, or None before the digest hour."""
    local = now.astimezone(ZoneInfo(settings.timezone))
    if local.hour < DIGEST_HOUR:
        return None
    return f"{KIND}:{local.date().isoformat()}"


def _write_digests(db: Session, settings: AppSettings, now: dt.datetime) -> int:
    held = db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == DIGEST, OutboxMessage.user_id.is_not(None))
        .order_by(OutboxMessage.user_id, OutboxMessage.created_at)
    ).all()
    by_user: dict[int, list[OutboxMessage]] = defaultdict(list)
    for message in held:
        by_user[message.user_id].append(message)  # type: ignore[index]
    users = {u.id: u for u in db.scalars(select(User).where(User.id.in_(list(by_user))))}
    for user_id, messages in by_user.items():
        user = users.get(user_id)
        if user is None:
            continue
        locale = mail_locale(user.locale, messages[0].locale, default=settings.default_locale)
        outbox.enqueue(
            db, settings, kind=KIND, to=user.email, template=TEMPLATE, locale=locale,
            headers=unsubscribe_headers(settings, user.id), user_id=None,
            items=[{"subject": m.subject, "link": m.link} for m in messages],
        )  # fmt: skip
    # What went into a digest stays in-app, and is never mailed on its own.
    db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([m.id for m in held]))
        .values(status=IN_APP)
        .execution_options(synchronize_session=False)
    )
    return len(by_user)


def send_daily(
    session_factory: sessionmaker[Session], settings: AppSettings, now: dt.datetime
) -> int:
    """Make today's digests if it is time and nobody made them; returns how many."""
    key = digest_key(settings, now)
    if key is None:
        return 0
    with session_factory() as db:
        writing(db)
        if db.scalar(select(Job.id).where(Job.key == key)) is not None:
            db.rollback()
            return 0
        try:
            db.add(Job(kind=KIND, key=key, status=DONE, run_at=now, done_at=now))
            db.flush()
        except IntegrityError:  # another worker is making them
            db.rollback()
            return 0
        count = _write_digests(db, settings, now)
        db.commit()
    return count
