"""The outbox: every message the app sends, written in the transaction that causes it.

A row is inserted by the action (registering, resetting a password, opening a vote…)
and committed with it, so a rolled-back action sends nothing and a committed one is
delivered even if the process dies right after. The worker (partnerstate/worker.py)
delivers due rows and records what happened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from partnerstate.database import Base, UTCDateTime, utcnow

# Statuses of a message.
PENDING = "pending"
SENT = "sent"
FAILED = "failed"
# Notifications not mailed on their own: kept for the daily digest, or in-app only.
DIGEST = "digest"
IN_APP = "in_app"
# A job that has run.
DONE = "done"


class OutboxMessage(Base):
    """One rendered message to one recipient, and its delivery state."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable across retries: a message sent twice after a crash is recognisable.
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    # The account it is for (notifications; also what the in-app list and the digest read).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The page the message is about (the digest lists it).
    link: Mapped[str | None] = mapped_column(String(500))
    locale: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # Extra headers (List-Unsubscribe…), name -> value.
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the worker may (again) try; a worker that claims a message moves this ahead
    # by its lease, so a worker that dies mid-delivery leaves it due again later.
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Where it went: "smtp" or the .eml file's name.
    delivered_to: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Job(Base):
    """Work the request recorded for the worker: a fan-out of many mails, a notice.

    ``key``, when set, is unique: scheduled work that must happen once (the notice
    that a deliberation's deadline passed) records its job under a key, and a second
    worker's attempt to record the same one fails instead of repeating it.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_due", "status", "run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
