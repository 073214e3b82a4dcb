"""What a signed-in page and a login cost in lookups, with large session and failure tables.

    python benchmarks/sessions_throttle.py --db sqlite:////tmp/bench_sessions.sqlite
    python benchmarks/sessions_throttle.py --db postgresql://postgres@127.0.0.1:5432/ps_bench_sessions

Seeds ``--users`` accounts (100,000) with two live sessions each and ``--failures`` login
failures (200,000) spread over 5,000 addresses and as many emails, then times, each
``--repeat`` times (5,000) with fresh random keys:

* ``sessions.user_for_session``: the one query every signed-in page makes to know who
  is asking (the unique digest index joined to ``users``), first on sessions last seen
  over a minute ago (the visit is written too), then on the same ones again (read only);
* ``throttle.retry_after``: the login's check (one query per (account, address) pair,
  one per address);

and prints each query's plan, to show that both use their index. The database is
emptied first: use a database made for this.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from benchmarks.close_vote import reset  # noqa: E402
from partnerstate.database import make_engine, make_session_factory, utcnow  # noqa: E402
from partnerstate.models import LoginFailure, User, UserSession  # noqa: E402
from partnerstate.services import sessions, throttle  # noqa: E402

BATCH = 20_000


def seed(engine: Engine, users: int, failures: int) -> list[str]:
    """Insert the rows in bulk; return the session ids (the cookies' secrets)."""
    now = utcnow()
    session_ids = []
    with engine.begin() as connection:
        for start in range(0, users, BATCH):
            rows = [
                {
                    "id": n + 1,
                    "email": f"person{n}@example.org",
                    "display_name": f"Person {n}",
                    "role": "member",
                    "created_at": now,
                }
                for n in range(start, min(users, start + BATCH))
            ]
            connection.execute(insert(User), rows)
            live = []
            for row in rows:
                for _ in range(2):
                    session_id = f"bench-{row['id']}-{len(session_ids)}"
                    session_ids.append(session_id)
                    live.append(
                        {
                            "token_hash": hashlib.sha256(session_id.encode()).hexdigest(),
                            "user_id": row["id"],
                            "created_at": now,
                            "last_seen_at": now,
                            "expires_at": now + sessions.SESSION_LIFETIME,
                        }
                    )
            connection.execute(insert(UserSession), live)
        rng = random.Random(1)
        for start in range(0, failures, BATCH):
            connection.execute(
                insert(LoginFailure),
                [
                    {
                        "email": f"person{rng.randrange(5000)}@example.org",
                        "address": f"10.0.{rng.randrange(20)}.{rng.randrange(250)}",
                        "created_at": now,
                    }
                    for _ in range(min(BATCH, failures - start))
                ],
            )
    return session_ids


def timed(label: str, calls: list) -> None:
    times = []
    for call in calls:
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    times.sort()
    p99 = times[int(len(times) * 0.99)]
    print(
        f"{label}: median {statistics.median(times) * 1e6:.0f} µs, "
        f"p99 {p99 * 1e6:.0f} µs over {len(times)} calls"
    )


def plan(engine: Engine, sql: str, **params: object) -> None:
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        for row in connection.execute(text(prefix + sql), params):
            print("   ", " | ".join(str(value) for value in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--failures", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5_000)
    args = parser.parse_args()

    engine = make_engine(args.db)
    reset(engine)
    began = time.perf_counter()
    session_ids = seed(engine, args.users, args.failures)
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"seeded {len(session_ids)} sessions, {args.failures} failures in "
        f"{time.perf_counter() - began:.1f} s ({engine.dialect.name})"
    )
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")

    db = make_session_factory(engine)()
    rng = random.Random(2)
    policy = throttle.ThrottlePolicy()
    picks = [rng.choice(session_ids) for _ in range(args.repeat)]
    # First the visit of sessions last seen over a minute ago (the visit is written),
    # then the same sessions again: what nearly every page costs (a read only).
    lookups = [lambda s=s: sessions.user_for_session(db, s) for s in picks]
    timed("signed-in page, visit recorded: user_for_session", lookups)
    db.commit()
    timed("signed-in page, read only: user_for_session", lookups)
    pairs = [
        (
            f"person{rng.randrange(5000)}@example.org",
            f"10.0.{rng.randrange(20)}.{rng.randrange(250)}",
        )
        for _ in range(args.repeat)
    ]
    timed(
        "login check: retry_after",
        [lambda p=p: throttle.retry_after(db, policy, *p) for p in pairs],
    )
    db.rollback()

    digest = hashlib.sha256(picks[0].encode()).hexdigest()
    print("plan of the session lookup:")
    plan(
        engine,
        "SELECT users.id FROM users JOIN user_sessions ON user_sessions.user_id = users.id "
        "WHERE user_sessions.token_hash = :digest AND user_sessions.expires_at > '2000-01-01'",
        digest=digest,
    )
    print("plan of the (account, address) count:")
    plan(
        engine,
        "SELECT count(*), max(created_at) FROM login_failures WHERE email = 'person1@example.org'"
        " AND address = '10.0.1.1' AND created_at > '2000-01-01'",
    )
    db.close()
    engine.dispose()


if __name__ == "__main__":
    main()
