"""What a notice to a large assembly costs: the request, then the worker's fan-out.

    python benchmarks/notice_fan_out.py --db sqlite:////tmp/bench_notices.sqlite
    python benchmarks/notice_fan_out.py --db postgresql://postgres@127.0.0.1:5432/ps_bench_notices

Creates ``--people`` accounts (20,000), then times, on a fresh schema:

* the request's part, ``notices.announce`` for all of them and the commit: one job row,
  whatever the number of recipients (the facilitator's request is not slowed);
* the worker's part, ``jobs.run_due`` until the job is done: one outbox row per person
  (rendered once per language), ``CHUNK`` recipients per transaction;
* the delivery of the first ``--deliver`` (1,000) of them to a folder of .eml files.

The database is emptied first (all its tables are dropped).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--deliver", type=int, default=1_000)
    args = parser.parse_args()

    from sqlalchemy import func, insert, select, text

    from partnerstate import jobs, migrate
    from partnerstate.database import (
        Base,
        load_all_models,
        make_engine,
        make_session_factory,
        utcnow,
    )
    from partnerstate.mail import delivery, notices
    from partnerstate.mail.transport import FolderTransport
    from partnerstate.models import OutboxMessage, User
    from partnerstate.settings import load_settings

    engine = make_engine(args.db)
    load_all_models()
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    folder = tempfile.mkdtemp(prefix="bench-notices-")
    settings = load_settings(
        {
            "partnerstate.database_url": args.db,
            "partnerstate.secret": "benchmark-secret-" + "x" * 40,
            "partnerstate.mail_folder": folder,
        },
        environ={},
    )
    now = utcnow()
    with factory() as db:
        db.execute(
            insert(User),
            [
                {
                    "email": f"person{n}@example.org",
                    "display_name": f"Person {n}",
                    "role": "member",
                    "locale": ("en", "fr")[n % 2],
                    "created_at": now,
                    "email_verified_at": now,
                    "email_notifications": "immediate",
                }
                for n in range(args.people)
            ],
        )
        db.commit()
        ids = list(db.scalars(select(User.id)))

    with factory() as db:
        started = time.perf_counter()
        notices.announce(
            db, kind="vote_opened", template="mail/vote_opened.jinja2", user_ids=ids,
            path="/votes/1", params={"title": {"en": "A vote", "fr": "Un vote"}, "closes_at": None},
        )  # fmt: skip
        db.commit()
        request_part = time.perf_counter() - started

    started = time.perf_counter()
    steps = jobs.run_due(factory, settings, utcnow())
    fan_out = time.perf_counter() - started
    with factory() as db:
        rows = db.scalar(select(func.count()).select_from(OutboxMessage))

    started = time.perf_counter()
    sent = delivery.deliver_due(factory, FolderTransport(folder), settings, limit=args.deliver)
    deliver = time.perf_counter() - started

    print(f"engine {engine.dialect.name}, {args.people} recipients")
    print(f"request part (announce + commit): {request_part * 1000:.1f} ms")
    print(f"fan-out: {fan_out:.2f} s in {steps} steps, {rows} outbox rows"
          f" ({rows / fan_out:.0f} rows/s)")  # fmt: skip
    print(f"delivery of {sent} to .eml files: {deliver:.2f} s ({sent / deliver:.0f} messages/s)")
    engine.dispose()


if __name__ == "__main__":
    main()
