"""Notifications about votes: opened, results published, and the last-day reminder.

The electorate is told (frozen at the opening, so nobody who joins later is told).
The reminder goes only to electors who have not voted, and says nothing about anyone
else. Each is one job the worker fans out (partnerstate/mail/notices.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from deliberation.votes.models import OPEN, Vote, VoteElector
from partnerstate.mail import notices
from partnerstate.mail.delivery import writing
from partnerstate.models import Job
from partnerstate.partnerships import membership
from partnerstate.settings import AppSettings

REMIND_BEFORE = dt.timedelta(hours=24)


def _electors(db: Session, vote: Vote, only_non_voters: bool = False) -> list[int]:
    query = select(VoteElector.user_id).where(VoteElector.vote_id == vote.id)
    if only_non_voters:
        query = query.where(VoteElector.voted_at.is_(None))
    return list(db.scalars(query))


def _announce(
    db: Session, vote: Vote, kind: str, user_ids: list[int], key: str | None = None
) -> Job | None:
    assembly = membership.get_assembly(db, vote.assembly_id)
    return notices.announce(
        db,
        kind=kind,
        template=f"mail/{kind}.jinja2",
        user_ids=user_ids,
        path=f"/votes/{vote.id}",
        params={
            "title": dict(vote.title),
            "closes_at": vote.closes_at.isoformat() if vote.closes_at else None,
        },
        assembly_locale=membership.assembly_locale(assembly, vote.locale),
        key=key,
    )


def vote_opened(db: Session, vote: Vote) -> None:
    _announce(db, vote, "vote_opened", _electors(db, vote))


def results_published(db: Session, vote: Vote) -> None:
    _announce(db, vote, "vote_results", _electors(db, vote))


def remind_non_voters(
    session_factory: sessionmaker[Session], settings: AppSettings, now: dt.datetime
) -> int:
    """Scheduled: for each vote closing within 24 hours, remind those who have not voted
    (once per vote and closing time); returns how many votes' reminders were recorded."""
    reminded = 0
    with session_factory() as db:
        writing(db)
        closing_soon = db.scalars(
            select(Vote).where(
                Vote.status == OPEN, Vote.closes_at > now, Vote.closes_at <= now + REMIND_BEFORE
            )
        ).all()
        for vote in closing_soon:
            assert vote.closes_at is not None
            key = f"vote_reminder:{vote.id}:{vote.closes_at.isoformat()}"
            try:
                with db.begin_nested():
                    job = _announce(db, vote, "vote_reminder", _electors(db, vote, True), key=key)
                    db.flush()  # a second worker's reminder fails here, on the unique key
            except IntegrityError:
                continue
            reminded += job is not None
        db.commit()
    return reminded
