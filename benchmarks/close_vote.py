"""How long does closing a vote of a million ballots take?

    python benchmarks/close_vote.py --db sqlite:////tmp/bench_votes.sqlite
    python benchmarks/close_vote.py --db postgresql://postgres@127.0.0.1:5432/ps_bench_votes

Seeds one open vote with ``--ballots`` online ballots (default 1,000,000) over
``--options`` options (default 10), with bulk inserts straight into the tables (and,
as a real vote would have, one ``ballot_keys`` row per online ballot), then times
``deliberation.votes.services.close_vote``: the SQL ``GROUP BY``, the count, the
published result, the rewrite of the ballots in receipt order (which wipes the order
of casting from storage), the destruction of the voter keys and the commit.

Rankings are realistic: Plackett–Luce draws (options have unequal popularity, and
the popularity differs between three groups of voters), truncated after a random
number of choices (most voters rank 2 to 4 options, a few rank all). For the
comparison, a sample of ballots (``--sample``, default 100,000) is fed to pyvotecore
one by one, as a naive implementation would, and the time is scaled up linearly.

The database is emptied first: use a database made for this.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from deliberation.votes import ballots as ballot_data  # noqa: E402
from deliberation.votes import keys as voter_keys  # noqa: E402
from deliberation.votes import services, storage  # noqa: E402
from deliberation.votes.models import Vote, VoteOption  # noqa: E402
from partnerstate import migrate  # noqa: E402
from partnerstate.database import load_all_models, make_engine, make_session_factory  # noqa: E402

# How many options a voter ranks (1..10): the shares of Glasgow's 2007 Calton ward
# (10 candidates, 5,199 ballots; tests/data/elections/glasgow_2007_calton.blt).
LENGTHS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
LENGTH_WEIGHTS = (1278, 1445, 1123, 694, 182, 72, 29, 13, 43, 320)
BATCH = 20_000


def reset(engine: Engine) -> None:
    """An empty database at the latest schema."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        path = engine.url.database
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    migrate.upgrade(engine)


def rankings(count: int, options: int, seed: int) -> Iterator[list[int]]:
    """Plackett–Luce rankings of option indexes, truncated."""
    rng = random.Random(seed)
    groups = []
    for _ in range(3):
        weights = [rng.paretovariate(1.2) for _ in range(options)]
        groups.append(weights)
    for _ in range(count):
        weights = list(groups[rng.randrange(3)])
        length = rng.choices(LENGTHS[:options], LENGTH_WEIGHTS[:options])[0]
        items = list(range(options))
        ranking = []
        for _ in range(length):
            # Gumbel-free sequential draw: pick proportionally to the remaining weights.
            pick = rng.choices(range(len(items)), weights)[0]
            ranking.append(items.pop(pick))
            weights.pop(pick)
        yield ranking


def seed_vote(engine: Engine, ballots: int, options: int, seed: int, method: str) -> int:
    """Insert an assembly, an open vote, its options and the ballots; return the vote id."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (email, display_name, role, created_at) "
                "VALUES ('official@bench.example', 'Official', 'official', CURRENT_TIMESTAMP)"
            )
        )
    factory = make_session_factory(engine)
    with factory() as db:
        from assemblies.models import Assembly

        assembly = Assembly(
            name={"en": "Benchmark assembly"}, default_locale="en", census_salt="x" * 32
        )
        db.add(assembly)
        db.flush()
        vote = Vote(
            kind="partnership",
            assembly_id=assembly.id,
            title={"en": "Benchmark vote"},
            locale="en",
            method=method,
            seats=1,
            quorum_percent=20.0,
            status="open",
            tie_break_seed="benchmark",
            electorate_size=ballots,
            secret=ballot_data.new_secret(),
        )
        vote.options = [
            VoteOption(
                position=i,
                key="status_quo" if i == options - 1 else f"option:{i}",
                label={"en": "Status quo" if i == options - 1 else f"Option {i + 1}"},
                status_quo=i == options - 1,
            )
            for i in range(options)
        ]
        db.add(vote)
        db.flush()
        vote.tie_break = [o.id for o in vote.options]
        voter_keys.prepare(db, vote.id)  # as opening a vote does
        storage.prepare(db, vote.id)
        db.commit()
        vote_id, option_ids, secret = vote.id, [o.id for o in vote.options], vote.secret

    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        rows: list[tuple[Any, ...]] = []
        keys: list[tuple[Any, ...]] = []
        receipts: set[str] = set()
        for number, ranking in enumerate(rankings(ballots, options, seed)):
            receipt = ballot_data.new_receipt()
            while receipt in receipts:
                receipt = ballot_data.new_receipt()
            receipts.add(receipt)
            canonical = ballot_data.canonical([[option_ids[i]] for i in ranking])
            rows.append((receipt, vote_id, canonical, 1, "online"))
            keys.append((vote_id, ballot_data.voter_key(secret, vote_id, number + 1), receipt))
            if len(rows) >= BATCH:
                _write(engine, cursor, rows, keys)
                rows, keys = [], []
        if rows:
            _write(engine, cursor, rows, keys)
        raw.commit()
    finally:
        raw.close()
    print(f"seeded {ballots:,} ballots in {time.perf_counter() - started:.1f} s")
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
    return vote_id


def _write(engine: Engine, cursor: Any, rows: list[Any], keys: list[Any]) -> None:
    if engine.dialect.name == "postgresql":
        with cursor.copy(
            "COPY ballots (receipt, vote_id, ranking, weight, source) FROM STDIN"
        ) as copy_:
            for row in rows:
                copy_.write_row(row)
        with cursor.copy("COPY ballot_keys (vote_id, voter_key, receipt) FROM STDIN") as copy_:
            for row in keys:
                copy_.write_row(row)
    else:
        cursor.executemany(
            "INSERT INTO ballots (receipt, vote_id, ranking, weight, source)"
            " VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        cursor.executemany(
            "INSERT INTO ballot_keys (vote_id, voter_key, receipt) VALUES (?, ?, ?)", keys
        )


def time_close(engine: Engine, vote_id: int) -> tuple[float, dict[str, Any], dict[str, float]]:
    """Time close_vote end to end (with its commit), and its parts separately."""
    factory = make_session_factory(engine)
    parts: dict[str, float] = {}
    with factory() as db:
        vote = db.get(Vote, vote_id)
        assert vote is not None
        _ = list(vote.options)  # as a request would have loaded the vote and its options
        started = time.perf_counter()
        result = services.close_vote(db, vote, None)
        db.commit()
        total = time.perf_counter() - started
    # The parts again, on the closed vote (read-only): grouping, then counting.
    with factory() as db:
        vote = db.get(Vote, vote_id)
        assert vote is not None
        with services._no_cyclic_gc():  # as close_vote does
            started = time.perf_counter()
            grouped, _sources = services.grouped_ballots(db, vote)
            parts["group_by_sql"] = time.perf_counter() - started
            started = time.perf_counter()
            services.count(vote, grouped)
            parts["tally"] = time.perf_counter() - started
        parts["distinct_rankings"] = len(grouped)
    return total, result, parts


def naive_pyvotecore(engine: Engine, vote_id: int, sample: int, method: str) -> float:
    """Feed ``sample`` ballots one by one to pyvotecore, as without grouping."""
    from py3votecore.irv import IRV  # type: ignore[import-untyped]
    from py3votecore.ranked_pairs import RankedPairs  # type: ignore[import-untyped]
    from py3votecore.schulze_method import SchulzeMethod  # type: ignore[import-untyped]

    with engine.connect() as connection:
        rows = connection.execute(
            # Ordered by the random receipts: an unbiased sample of the ballots.
            text("SELECT ranking FROM ballots WHERE vote_id = :v ORDER BY receipt LIMIT :n"),
            {"v": vote_id, "n": sample},
        ).all()
        ids = [
            row[0]
            for row in connection.execute(
                text("SELECT id FROM vote_options WHERE vote_id = :v ORDER BY position"),
                {"v": vote_id},
            )
        ]
    names = [str(i) for i in ids]
    ballots = []
    for (ranking,) in rows:
        groups = [[str(i) for i in group] for group in json.loads(ranking)]
        ranked = {c for group in groups for c in group}
        rest = [c for c in names if c not in ranked]
        if method == "irv":
            ballots.append({"count": 1, "ballot": [g[0] for g in groups]})
        else:
            ballots.append({"count": 1, "ballot": groups + ([rest] if rest else [])})
    ballots = copy.deepcopy(ballots)
    started = time.perf_counter()
    if method == "schulze":
        SchulzeMethod(
            ballots, tie_breaker=names, ballot_notation=SchulzeMethod.BALLOT_NOTATION_GROUPING
        )
    elif method == "ranked-pairs":
        RankedPairs(
            ballots, tie_breaker=names, ballot_notation=RankedPairs.BALLOT_NOTATION_GROUPING
        )
    else:
        IRV(ballots, tie_breaker=names)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite:////tmp/bench_votes.sqlite")
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--options", type=int, default=10)
    parser.add_argument("--method", default="schulze", choices=["schulze", "ranked-pairs", "irv"])
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    load_all_models()
    engine = make_engine(args.db)
    reset(engine)
    engine = make_engine(args.db)
    vote_id = seed_vote(engine, args.ballots, args.options, args.seed, args.method)
    total, result, parts = time_close(engine, vote_id)
    sample = min(args.sample, args.ballots)
    naive = naive_pyvotecore(engine, vote_id, sample, args.method)
    naive_scaled = naive * args.ballots / sample
    print(f"database: {engine.dialect.name}; method: {args.method}")
    print(
        f"ballots: {args.ballots:,} over {args.options} options; "
        f"{parts['distinct_rankings']:,} distinct rankings"
    )
    print(
        f"close_vote (group in SQL, count, publish, rewrite, destroy keys, commit): {total:.2f} s"
    )
    print(f"  of which GROUP BY: {parts['group_by_sql']:.2f} s, tally: {parts['tally']:.2f} s")
    print(
        f"pyvotecore fed one by one: {naive:.2f} s for {sample:,} ballots "
        f"-> {naive_scaled:.1f} s for {args.ballots:,} (linear extrapolation)"
    )
    print(f"speed-up: {naive_scaled / total:.1f}x")
    print(
        f"outcome: {result['outcome']}, winners: {result['winners']}, "
        f"turnout: {result['turnout']['ballots']:,}"
    )


if __name__ == "__main__":
    main()
