"""Jobs: work a request left to the worker (fan-outs of notifications).

The worker claims one due job at a time (``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
the write lock on SQLite) and runs one step of it in that same transaction, so a step
is done once, or not at all if the process dies. A job that keeps failing is retried
with growing delays and marked failed after :data:`MAX_ATTEMPTS`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from partnerstate.mail.delivery import writing
from partnerstate.models import Job
from partnerstate.models.mail import DONE, FAILED, PENDING
from partnerstate.settings import AppSettings

log = logging.getLogger(__name__)

# Job kind -> "module:function(db, settings, job, now) -> finished?"
HANDLERS = {"notify": "partnerstate.mail.notices:fan_out"}
MAX_ATTEMPTS = 5


def _handler(kind: str) -> Callable[..., Any]:
    module_name, attribute = HANDLERS[kind].split(":")
    return getattr(importlib.import_module(module_name), attribute)


def run_due(session_factory: sessionmaker[Session], settings: AppSettings, now: dt.datetime) -> int:
    """Run due jobs step by step until none is left; returns the number of steps."""
    steps = 0
    while True:
        with session_factory() as db:
            writing(db)
            job = db.scalar(
                select(Job)
                .where(Job.status == PENDING, Job.run_at <= now)
                .order_by(Job.run_at, Job.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if job is None:
                db.rollback()
                return steps
            job_id = job.id
            try:
                with db.begin_nested():
                    finished = _handler(job.kind)(db, settings, job, now)
            except Exception as error:
                log.exception("job %s (%s) failed", job_id, job.kind)
                job.attempts += 1
                job.last_error = f"{error.__class__.__name__}: {error}"[:500]
                job.status = FAILED if job.attempts >= MAX_ATTEMPTS else PENDING
                job.run_at = now + dt.timedelta(minutes=2**job.attempts)
            else:
                if finished:
                    job.status, job.done_at = DONE, now
            db.commit()
            steps += 1
