"""Housekeeping, run by the worker every hour: forget what is no longer needed.

Expired password reset requests, delivered mail and in-app notices older than
:data:`KEEP_DELIVERED`
(failed and waiting mail stay until an official acts), finished jobs as old, and
login failures past the throttling window. Server-side sessions, when they exist,
belong here too.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from partnerstate.mail.delivery import writing
from partnerstate.models import Job, OutboxMessage
from partnerstate.models.mail import DONE, IN_APP, SENT
from partnerstate.services import password_reset, throttle
from partnerstate.settings import AppSettings

KEEP_DELIVERED = dt.timedelta(days=30)


def purge(session_factory: sessionmaker[Session], settings: AppSettings, now: dt.datetime) -> int:
    """Delete what has expired; returns how many rows went."""
    cutoff = now - KEEP_DELIVERED
    with session_factory() as db:
        writing(db)
        removed = password_reset.purge_expired(db, now)
        removed += (
            db.execute(
                delete(OutboxMessage).where(
                    (OutboxMessage.status == SENT) & (OutboxMessage.sent_at < cutoff)
                    # In-app notices (not mailed, or gathered into a digest) age alike.
                    | (OutboxMessage.status == IN_APP) & (OutboxMessage.created_at < cutoff)
                )
            ).rowcount
            or 0
        )
        # A done job's key guards a one-time notice (deadlines.LOOK_BACK, 7 days): kept longer.
        removed += (
            db.execute(delete(Job).where(Job.status == DONE, Job.done_at < cutoff)).rowcount or 0
        )
        removed += throttle.purge_older_than(db, settings.throttle_window_seconds, now)
        db.commit()
    return removed
