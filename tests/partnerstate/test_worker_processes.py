"""Real worker processes: killed mid-batch they lose nothing; two at once send each once.

These run ``partnerstate worker`` as separate processes against a database of their
own (committed for real, unlike the rest of the suite) and a real SMTP server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from partnerstate import migrate
from partnerstate.database import make_engine, make_session_factory, utcnow
from partnerstate.mail import delivery, outbox
from partnerstate.models import OutboxMessage
from partnerstate.settings import load_settings
from partnerstate.worker import Worker
from tests.mailserver import MailServer, Recorder
from tests.own_database import own_database

CHECKOUT = Path(__file__).resolve().parents[2]


class SlowRecorder(Recorder):
    """Takes a while per message, so that a batch is still going when the worker dies."""

    delay = 0.05

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.recorder = SlowRecorder()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'workers.sqlite'}"


@pytest.fixture
def postgresql_url(tmp_path: Path) -> Iterator[str]:
    if not os.environ.get("PARTNERSTATE_TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("needs PARTNERSTATE_TEST_DATABASE_URL on PostgreSQL")
    with own_database(tmp_path, "workers") as url:
        yield url


def _fill(url: str, server: MailServer, count: int) -> list[str]:
    """Migrate the database and commit ``count`` messages; their Message-IDs."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    settings = load_settings(
        {"partnerstate.database_url": url, "partnerstate.smtp_url": server.url}, environ={}
    )
    with make_session_factory(engine)() as db:
        ids = [
            outbox.enqueue(
                db,
                settings,
                kind="password_reset",
                to=f"person{n}@example.org",
                template="mail/password_reset.jinja2",
                locale="en",
                name=f"Person {n}",
                link=f"https://participate.example.org/password-reset/{n}",
            ).message_id
            for n in range(count)
        ]
        db.commit()
    engine.dispose()
    return ids


def _open_due_votes(url: str, count: int) -> list[int]:
    """``count`` elections whose closing time passed an hour ago, each with one ballot."""
    from deliberation.votes import services as votes
    from tests import factories
    from tests.partnerstate.partnerships import helpers

    engine = make_engine(url)
    now = utcnow()
    with make_session_factory(engine)() as db:
        official = factories.make_user(db, role="official")
        assembly = helpers.make_assembly(db)
        voter = factories.make_user(db)
        helpers.add_member(db, assembly, voter, "member")
        ids = []
        for n in range(count):
            vote = votes.open_election(
                db, assembly, official, f"Committee {n}", "stv", 1, ["Ana", "Bo"],
                closes_at=now - dt.timedelta(hours=1), now=now - dt.timedelta(hours=2),
            )  # fmt: skip
            votes.cast_ballot(
                db, vote, voter, [vote.options[0].id], now=now - dt.timedelta(minutes=90)
            )
            ids.append(vote.id)
        db.commit()
    engine.dispose()
    return ids


def _closes_recorded(url: str) -> Counter[str]:
    from partnerstate.models import AuditEntry

    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.scalars(
            select(AuditEntry.object_id).where(AuditEntry.action == "vote.close")
        ).all()
    engine.dispose()
    return Counter(rows)


def _start_worker(url: str, server: MailServer) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PARTNERSTATE_")},
        "PYTHONPATH": str(CHECKOUT),
        "PARTNERSTATE_SMTP_URL": server.url,
    }
    command = "from partnerstate.cli import main; main()"
    return subprocess.Popen(  # noqa: S603 -- our own interpreter and command
        [sys.executable, "-c", command, "worker", "--db", url, "--poll-seconds", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _pending(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status != "sent", OutboxMessage.kind == "password_reset")
        )
    engine.dispose()
    return int(count or 0)


def _received(server: MailServer) -> Counter[str]:
    return Counter(message["Message-ID"].strip() for message in server.messages)


def test_a_worker_killed_mid_batch_loses_nothing(sqlite_url, slow_mail_server):
    ids = _fill(sqlite_url, slow_mail_server, 40)
    process = _start_worker(sqlite_url, slow_mail_server)
    try:
        _wait_for(lambda: len(slow_mail_server.messages) >= 5)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=10)  # also closes its pipe
    before = len(slow_mail_server.messages)
    assert before < len(ids), "the worker finished before it could be killed"

    # Another worker, once the dead one's lease has run out, delivers the rest.
    engine = make_engine(sqlite_url)
    settings = load_settings(
        {"partnerstate.database_url": sqlite_url, "partnerstate.smtp_url": slow_mail_server.url},
        environ={},
    )
    after_lease = utcnow() + delivery.LEASE + dt.timedelta(seconds=1)
    Worker(settings, make_session_factory(engine), clock=lambda: after_lease).deliver()
    engine.dispose()

    received = _received(slow_mail_server)
    assert set(received) == set(ids)  # nothing lost
    # At most the message being sent at the moment of the kill went out twice.
    assert sum(received.values()) - len(ids) <= 1
    assert _pending(sqlite_url) == 0


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
def test_two_workers_send_each_message_once_and_close_each_vote_once(
    engine_name, request, slow_mail_server
):
    url = request.getfixturevalue(f"{engine_name}_url")
    slow_mail_server.recorder.delay = 0.005
    ids = _fill(url, slow_mail_server, 200)
    votes = _open_due_votes(url, 6)
    workers = [_start_worker(url, slow_mail_server) for _ in range(2)]
    try:
        _wait_for(lambda: set(ids) <= set(_received(slow_mail_server)))
        _wait_for(lambda: len(_closes_recorded(url)) >= len(votes))
        time.sleep(1.0)  # a second send, if any, would arrive now
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
        errors = [process.communicate(timeout=30)[1].decode() for process in workers]
    assert [process.returncode for process in workers] == [0, 0], errors
    received = _received(slow_mail_server)
    assert set(ids) <= set(received)  # and the closes' notices to the electorate
    assert max(received.values()) == 1
    assert _pending(url) == 0
    assert _closes_recorded(url) == Counter({str(vote_id): 1 for vote_id in votes})
