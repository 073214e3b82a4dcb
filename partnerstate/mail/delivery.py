"""Deliver the outbox: claim due messages, send them, record what happened.

Several workers (and several ``serve`` processes) may run this at once. A worker
*claims* a batch in one short transaction — on PostgreSQL with ``FOR UPDATE SKIP
LOCKED``, so two workers never claim the same rows; on SQLite the claim transaction
holds the one write lock — by moving each message's ``next_attempt_at`` one lease
ahead. It then sends outside any transaction and records each outcome. A worker that
dies mid-batch leaves its claimed messages due again when the lease ends: nothing is
lost, and at most the message being sent at the moment of the crash goes out twice
(with the same Message-ID, so that a repeat is recognisable).
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable
from email.message import EmailMessage

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from partnerstate.database import WRITES, utcnow
from partnerstate.mail.transport import PermanentFailure, TemporaryFailure, Transport
from partnerstate.models import OutboxMessage
from partnerstate.models.mail import FAILED, PENDING, SENT
from partnerstate.services import audit
from partnerstate.settings import AppSettings

BATCH = 50
# A claimed message is due again after this long if its worker vanished.
LEASE = dt.timedelta(minutes=10)
# After a temporary failure: 1, 2, 4… minutes, at most an hour between attempts.
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=1)
# Temporary failures for this long make a message failed (officials may retry it).
GIVE_UP_AFTER = dt.timedelta(days=1)


def writing(db: Session) -> Session:
    """Begin ``db``'s transaction as a writer (SQLite: BEGIN IMMEDIATE, see database.py)."""
    db.connection(execution_options={WRITES: True})
    return db


def claim_due(
    session_factory: sessionmaker[Session], now: dt.datetime | None = None, limit: int = BATCH
) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages for this worker (one lease) and return them."""
    now = now or utcnow()
    with session_factory() as db:
        writing(db)
        messages = list(
            db.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        for message in messages:
            message.next_attempt_at = now + LEASE
        db.commit()
        return messages


def build_email(message: OutboxMessage, settings: AppSettings) -> EmailMessage:
    """The message as sent: text plus an HTML alternative, with its stable Message-ID."""
    mail = EmailMessage()
    mail["From"] = settings.mail_from
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = email.utils.format_datetime(message.created_at)
    mail["Message-ID"] = message.message_id
    mail["Auto-Submitted"] = "auto-generated"
    for name, value in (message.headers or {}).items():
        mail[name] = value
    mail.set_content(message.body_text)
    mail.add_alternative(message.body_html, subtype="html")
    # After the content: setting it clears every Content-* header.
    mail["Content-Language"] = message.locale
    return mail


def retry_delay(attempts: int) -> dt.timedelta:
    return min(FIRST_RETRY * 2 ** max(0, attempts - 1), LONGEST_RETRY)


def _record(session_factory: sessionmaker[Session], message_id: int, **values: object) -> None:
    with session_factory() as db:
        writing(db)
        db.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))
        db.commit()


def deliver_due(
    session_factory: sessionmaker[Session],
    transport: Transport,
    settings: AppSettings,
    now: Callable[[], dt.datetime] = utcnow,
    limit: int = BATCH,
) -> int:
    """Send one claimed batch; returns how many messages were delivered."""
    delivered = 0
    try:
        for message in claim_due(session_factory, now(), limit):
            attempts = message.attempts + 1
            try:
                where = transport.send(build_email(message, settings))
            except PermanentFailure as error:
                _record(
                    session_factory,
                    message.id,
                    status=FAILED,
                    attempts=attempts,
                    last_error=str(error)[:500],
                )
            except TemporaryFailure as error:
                when = now()
                first = message.first_failed_at or when
                gave_up = when - first >= GIVE_UP_AFTER
                _record(
                    session_factory,
                    message.id,
                    status=FAILED if gave_up else PENDING,
                    attempts=attempts,
                    first_failed_at=first,
                    last_error=str(error)[:500],
                    next_attempt_at=when + retry_delay(attempts),
                )
            else:
                delivered += 1
                _record(
                    session_factory,
                    message.id,
                    status=SENT,
                    attempts=attempts,
                    sent_at=now(),
                    delivered_to=where[:300],
                    last_error=None,
                )
    finally:
        transport.close()
    return delivered


def retry(db: Session, message: OutboxMessage, actor: object) -> None:
    """An official sends a failed (or waiting) message again, now."""
    message.status = PENDING
    message.next_attempt_at = utcnow()
    message.first_failed_at = None
    audit.record(db, actor, "mail.retry", "mail", message.id, recipient=message.recipient)
