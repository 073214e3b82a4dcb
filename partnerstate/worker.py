"""The worker: delivers the outbox and runs scheduled work, in a loop.

``partnerstate worker`` runs it alone (production); ``partnerstate serve`` runs it in
a background thread of the web process unless ``--no-worker``. Any number may run at
once: every step claims its work in the database (docs/mail.md), so none is done twice.

Scheduled tasks are named ``"module:function"`` and imported only when first run, so
the core never imports a feature package at import time; each is called as
``task(session_factory, settings, now)``, manages its own short transactions, and
returns how much it did.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from partnerstate.database import utcnow
from partnerstate.mail import delivery
from partnerstate.mail.transport import Transport, make_transport
from partnerstate.settings import AppSettings

log = logging.getLogger(__name__)

# How often the loop looks for due mail; scheduled tasks have their own periods.
POLL_SECONDS = 5.0


@dataclass(frozen=True)
class ScheduledTask:
    target: str
    every: dt.timedelta


SCHEDULED_TASKS = (
    # Votes whose closing time passed: closed within a minute of it.
    ScheduledTask("deliberation.votes.closing:close_due_votes", dt.timedelta(seconds=20)),
    # Votes closing within 24 hours: those who have not voted are reminded, once.
    ScheduledTask("deliberation.votes.notices:remind_non_voters", dt.timedelta(minutes=5)),
    # Deliberations whose deadline passed: the facilitators are told, once.
    ScheduledTask("partnerstate.partnerships.deadlines:notify_passed", dt.timedelta(minutes=1)),
    # Work that requests left to the worker (fan-outs of notifications).
    ScheduledTask("partnerstate.jobs:run_due", dt.timedelta(seconds=5)),
    # The daily digest of notifications, at a fixed local hour.
    ScheduledTask("partnerstate.mail.digest:send_daily", dt.timedelta(minutes=5)),
    # Expired reset tokens, old delivered mail and jobs, old login failures.
    ScheduledTask("partnerstate.housekeeping:purge", dt.timedelta(hours=1)),
)


def _load(target: str) -> Callable[..., Any]:
    module_name, attribute = target.split(":")
    return getattr(importlib.import_module(module_name), attribute)


class Worker:
    """One worker: call :meth:`run_once` (tests) or :meth:`run` (until ``stop`` is set)."""

    def __init__(
        self,
        settings: AppSettings,
        session_factory: sessionmaker[Session],
        transport: Transport | None = None,
        tasks: tuple[ScheduledTask, ...] = SCHEDULED_TASKS,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.transport = transport or make_transport(settings)
        self.tasks = tasks
        self.clock = clock
        self._last_run: dict[str, dt.datetime] = {}

    def run_tasks(self, force: bool = False) -> dict[str, int]:
        """Run the scheduled tasks whose period has passed (all of them with ``force``)."""
        done = {}
        for task in self.tasks:
            now = self.clock()
            last = self._last_run.get(task.target)
            if not force and last is not None and now - last < task.every:
                continue
            self._last_run[task.target] = now
            try:
                done[task.target] = _load(task.target)(self.session_factory, self.settings, now)
            except Exception:
                # One task failing (a vote that cannot be counted…) must not stop the
                # others, nor the delivery of mail; it runs again next period.
                log.exception("worker: scheduled task %s failed", task.target)
        return done

    def deliver(self) -> int:
        """Deliver due mail until none is left (or a batch delivers nothing)."""
        total = 0
        while True:
            sent = delivery.deliver_due(
                self.session_factory, self.transport, self.settings, now=self.clock
            )
            total += sent
            if sent < delivery.BATCH:
                return total

    def run_once(self, force: bool = False) -> None:
        self.run_tasks(force=force)
        self.deliver()

    def run(self, stop: threading.Event, poll_seconds: float = POLL_SECONDS) -> None:
        """Loop until ``stop`` is set. An error is logged and the loop goes on: a mail
        server or a database that is away for a while must not end the worker."""
        while not stop.is_set():
            started = time.monotonic()
            try:
                self.run_once()
            except Exception:
                log.exception("worker: a round failed; trying again shortly")
            stop.wait(max(0.0, poll_seconds - (time.monotonic() - started)))


class WorkerThread:
    """A worker running in a daemon thread of this process (``partnerstate serve``)."""

    def __init__(self, settings: AppSettings, session_factory: sessionmaker[Session]) -> None:
        self._stop = threading.Event()
        worker = Worker(settings, session_factory)
        self.thread = threading.Thread(
            target=worker.run, args=(self._stop,), name="partnerstate-worker", daemon=True
        )

    def start(self) -> WorkerThread:
        self.thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Let the current round finish, then end the thread."""
        self._stop.set()
        self.thread.join(timeout)
