"""Votes that close themselves: the worker's scheduled task for ``closes_at``.

A vote whose closing time has passed is closed by :func:`services.close_vote`, the
very function behind the manual close (results published, keys destroyed, the
partnership's outcome recorded), with no actor: the audit log shows the system.
Each vote is closed in a transaction of its own. On PostgreSQL, ``SKIP LOCKED``
lets several workers share the due votes without waiting on one another; and the
close itself locks the vote and refuses one that is already closed, so a vote is
closed once whatever the number of workers (on SQLite, one writer at a time).
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from deliberation.votes import notices, services
from deliberation.votes.models import OPEN, Vote
from partnerstate.mail.delivery import writing
from partnerstate.partnerships.errors import Conflict
from partnerstate.settings import AppSettings

log = logging.getLogger(__name__)


def _next_due(db: Session, now: dt.datetime, skip: set[int]) -> Vote | None:
    query = (
        select(Vote)
        .where(Vote.status == OPEN, Vote.closes_at <= now)
        .order_by(Vote.closes_at, Vote.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if skip:
        query = query.where(Vote.id.not_in(skip))
    return db.scalar(query)


def close_due_votes(
    session_factory: sessionmaker[Session], settings: AppSettings, now: dt.datetime
) -> int:
    """Close every open vote whose ``closes_at`` is past; returns how many this call closed."""
    closed = 0
    skip: set[int] = set()
    while True:
        with session_factory() as db:
            writing(db)
            vote = _next_due(db, now, skip)
            if vote is None:
                db.rollback()
                return closed
            try:
                services.close_vote(db, vote, None)
                notices.results_published(db, vote)
            except Conflict:  # closed meanwhile (by hand, or by another worker)
                db.rollback()
            except Exception:
                # One vote that cannot be counted must not stop the others closing.
                log.exception("could not close vote %s automatically", vote.id)
                db.rollback()
                skip.add(vote.id)
            else:
                db.commit()
                closed += 1
