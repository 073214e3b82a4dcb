"""Benchmark the journey's pages on a synthetic city (``partnerstate demo-city``).

Usage::

    partnerstate demo-city --residents 10000 --db sqlite:////tmp/city10k.sqlite
    python benchmarks/city_pages.py --db sqlite:////tmp/city10k.sqlite [--requests 50]
    python benchmarks/city_pages.py --db ... --compare sqlite:////tmp/city100k.sqlite

Requests go through the real WSGI application (WebTest, no network, one client),
signed in where the page needs it (the city's official, a facilitator, a member of
the electorate). For each page: p50 and p95 in milliseconds; with ``--compare``, the
same pages of a second (bigger) city and the ratio of the p95s. Targets (scale
issue): p95 at most 50 ms at N = 1,000,000 and at most 1.5x its time at N = 10,000.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import webtest  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from partnerstate import main  # noqa: E402
from partnerstate.database import load_all_models, make_engine  # noqa: E402
from partnerstate.demo_city.build import OFFICIAL_EMAIL, PASSWORD  # noqa: E402

# Whole-register exports: fewer requests (they are big by design).
EXPORTS = ("/api/v1/commons.geojson", "/commons.csv")


def _client(url: str) -> webtest.TestApp:
    settings = {"partnerstate.database_url": url, "partnerstate.secret": "b" * 64}
    return webtest.TestApp(main({}, **settings), extra_environ={"HTTP_HOST": "localhost"})


def _signed_in(url: str, email: str) -> webtest.TestApp:
    client = _client(url)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post("/login", {"email": email, "password": PASSWORD, "csrf_token": token}, status=303)
    return client


def _journey(url: str) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """(label, who, path) for each page, with ids found in the city; who's email."""
    from assemblies.models import Membership
    from deliberation.debate_models import Argument
    from deliberation.votes.models import Vote, VoteElector
    from partnerstate.commons.models import Commons
    from partnerstate.models import User
    from reports.models import Charter

    engine = make_engine(url)
    load_all_models()
    with Session(engine) as db:
        assembly = db.scalar(select(func.min(Membership.assembly_id)))
        facilitator = db.scalar(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.assembly_id == assembly, Membership.role == "facilitator")
            .limit(1)
        )
        largest = db.execute(
            select(Argument.partnership_id, func.count())
            .group_by(Argument.partnership_id)
            .order_by(func.count().desc())
            .limit(1)
        ).first()[0]
        open_vote = db.scalar(select(Vote).where(Vote.status == "open").limit(1))
        voter = db.scalar(
            select(User.email)
            .join(VoteElector, VoteElector.user_id == User.id)
            .where(VoteElector.vote_id == open_vote.id, VoteElector.voted_at.is_(None))
            .limit(1)
        )
        # A partnership's vote: an election added by stv_results.py has its own benchmark.
        closed = db.scalar(
            select(func.max(Vote.id)).where(Vote.status == "closed", Vote.kind == "partnership")
        )
        charter = db.scalar(select(func.max(Charter.id)))
        commons = db.scalar(select(func.max(Commons.id)))
        voter_assembly = open_vote.assembly_id
    engine.dispose()
    return [
        ("home", "anyone", "/"),
        ("home, signed in", "member", "/"),
        ("register", "anyone", "/commons"),
        ("register, search", "anyone", "/commons?q=garden+fives"),
        ("register, filters", "anyone", "/commons?category=food&district=Fives&sort=newest"),
        ("register, page 5", "anyone", "/commons?page=5"),
        ("a commons", "anyone", f"/commons/{commons}"),
        ("an assembly", "member", f"/assemblies/{voter_assembly}"),
        ("its members (facilitator)", "facilitator", f"/assemblies/{assembly}/members"),
        ("its meetings", "facilitator", f"/assemblies/{assembly}/meetings"),
        ("largest deliberation", "anyone", f"/partnerships/{largest}"),
        ("partnerships", "anyone", "/partnerships"),
        ("ballot page", "member", f"/votes/{open_vote.id}"),
        ("closed vote's results", "anyone", f"/votes/{closed}"),
        ("charters", "anyone", "/charters"),
        ("a charter", "anyone", f"/charters/{charter}"),
        ("verification page", "member", f"/assemblies/{voter_assembly}/verify"),
        ("audit log", "official", "/audit"),
        ("API commons", "anyone", "/api/v1/commons"),
        ("API commons, page 5", "anyone", "/api/v1/commons?page=5"),
        ("API charters", "anyone", "/api/v1/charters"),
        ("GeoJSON", "anyone", EXPORTS[0]),
        ("CSV (streamed)", "anyone", EXPORTS[1]),
    ], {"facilitator": facilitator, "member": voter, "official": OFFICIAL_EMAIL}


def measure(
    client: webtest.TestApp, path: str, requests: int, headers: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """p50 and p95 of the wall time, and p95 of the process's CPU time, in ms.

    On a shared, busy machine the wall time mostly measures the other processes;
    the CPU time (this process: routing, security, SQLite's queries, templates)
    is what a page costs the server.
    """
    for _ in range(3):
        client.get(path, headers=headers)
    timings, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(path, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    timings.sort()
    cpu.sort()
    at95 = max(0, int(len(timings) * 0.95) - 1)
    return statistics.median(timings), timings[at95], cpu[at95]


def run(url: str, requests: int) -> dict[str, tuple[float, float, float]]:
    pages, people = _journey(url)
    clients: dict[str, Any] = {"anyone": _client(url)}
    for who, email in people.items():
        clients[who] = _signed_in(url, email)
    results = {}
    for label, who, path in pages:
        count = max(5, requests // 10) if path in EXPORTS else requests
        results[label] = measure(clients[who], path, count)
    # The map asking again: a 304 from the ETag (one count query, no features).
    etag = clients["anyone"].get(EXPORTS[0]).headers["ETag"]
    results["GeoJSON, repeat (304)"] = measure(
        clients["anyone"], EXPORTS[0], requests, headers={"If-None-Match": etag}
    )
    return results


def main_cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a database filled by partnerstate demo-city")
    parser.add_argument("--compare", help="a bigger city's database, for the ratio")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv)
    small = run(args.db, args.requests)
    big = run(args.compare, args.requests) if args.compare else {}
    header = "| page | p50 ms | p95 ms | CPU p95 ms |"
    if big:
        header += " p50 ms (big) | p95 ms (big) | CPU p95 ms (big) | CPU p95 ratio |"
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    for label, (p50, p95, cpu95) in small.items():
        line = f"| {label} | {p50:.1f} | {p95:.1f} | {cpu95:.1f} |"
        if big:
            b50, b95, bcpu95 = big[label]
            line += f" {b50:.1f} | {b95:.1f} | {bcpu95:.1f} | {bcpu95 / cpu95:.2f} |"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main_cli())
