"""The results page of a big STV election: 30 candidates, at least 15 rounds.

Usage::

    partnerstate demo-city --residents 10000 --db sqlite:////tmp/city10k.sqlite
    python benchmarks/stv_results.py --db sqlite:////tmp/city10k.sqlite [--requests 50]

Adds to a synthetic city (``partnerstate demo-city``), through the services, an STV
election of ``--candidates`` candidates for ``--seats`` seats in the city's first
assembly: ``open_election`` by the official, three online ballots through
``cast_ballot``, ``--ballots`` paper ballots through the BLT import (the count the
assembly declared: ``expected``), ``close_vote``.
The paper ballots make a long count: first preferences fall off gently from the first
candidate to the last, so no one reaches the quota early and the candidates go out one
round at a time. Run again, it reuses the election it made. Then measures the vote's
page (its results: the rounds' table and chart) with one client through the WSGI app
(WebTest), anonymous, as ``city_pages.py`` does. Target (scale issue): p95 at most 50 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from city_pages import _client, measure  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from partnerstate.database import load_all_models, make_engine  # noqa: E402
from partnerstate.demo_city.build import OFFICIAL_EMAIL  # noqa: E402

TITLE = "Benchmark: the board of the commons (STV)"


def ballots_blt(candidates: int, count: int, seed: int) -> str:
    """``count`` paper ballots over ``candidates`` candidates, in BLT.

    Each ballot ranks 3 to 8 candidates drawn by popularity (candidate k weighs
    1 / (1 + k / 10): a gentle slope, so support is spread and the count long).
    """
    rng = random.Random(seed)
    popularity = [1 / (1 + k / 10) for k in range(candidates)]
    lines = [f"{candidates} 1"]
    for _ in range(count):
        pool, weights, ranking = list(range(candidates)), list(popularity), []
        for _ in range(rng.randint(3, 8)):
            pick = rng.choices(range(len(pool)), weights)[0]
            ranking.append(pool.pop(pick) + 1)
            weights.pop(pick)
        lines.append("1 " + " ".join(map(str, ranking)) + " 0")
    lines.append("0")
    lines.extend(f'"Candidate {n}"' for n in range(1, candidates + 1))
    lines.append('"Paper ballots"')
    return "\n".join(lines) + "\n"


def the_election(url: str, candidates: int, seats: int, ballots: int, seed: int) -> int:
    """The id of the benchmark's closed election, made through the services if missing."""
    from assemblies.models import Assembly, Membership
    from deliberation.votes import services as votes
    from deliberation.votes.models import Vote, VoteElector
    from partnerstate.models import User

    engine = make_engine(url)
    load_all_models()
    with Session(engine) as db:
        for vote_id, title in db.execute(
            select(Vote.id, Vote.title).where(Vote.kind == "election")
        ):
            if TITLE in title.values():
                return vote_id
        official = db.scalar(select(User).where(User.email == OFFICIAL_EMAIL))
        assembly = db.get(Assembly, db.scalar(select(func.min(Membership.assembly_id))))
        names = [f"Candidate {n}" for n in range(1, candidates + 1)]
        vote = votes.open_election(db, assembly, official, TITLE, "stv", seats, names)
        electors = db.scalars(
            select(VoteElector.user_id).where(VoteElector.vote_id == vote.id).limit(3)
        ).all()
        ids = [option.id for option in vote.options]
        for number, user_id in enumerate(electors):
            votes.cast_ballot(db, vote, db.get(User, user_id), ids[number : number + 5])
        blt = ballots_blt(candidates, ballots, seed)
        votes.import_paper_ballots(db, vote, blt, actor=official, expected=ballots)
        votes.close_vote(db, vote, official)
        db.commit()
        return vote.id


def main_cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a database filled by partnerstate demo-city")
    parser.add_argument("--candidates", type=int, default=30)
    parser.add_argument("--seats", type=int, default=5)
    parser.add_argument("--ballots", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv)
    vote_id = the_election(args.db, args.candidates, args.seats, args.ballots, args.seed)

    from deliberation.votes.models import Vote

    engine = make_engine(args.db)
    with Session(engine) as db:
        result = db.get(Vote, vote_id).result
    engine.dispose()
    rounds = len(result["rounds"])
    print(f"vote {vote_id}: {args.candidates} candidates, {args.seats} seats, {rounds} rounds")
    if rounds < 15:
        print("fewer than 15 rounds: try more candidates or ballots", file=sys.stderr)
        return 1
    p50, p95, cpu95 = measure(_client(args.db), f"/votes/{vote_id}", args.requests)
    print("| page | p50 ms | p95 ms | CPU p95 ms |")
    print("| --- | --- | --- | --- |")
    print(f"| results, {rounds} STV rounds | {p50:.1f} | {p95:.1f} | {cpu95:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main_cli())
