"""Throughput and latency of casting ballots, against a bare Pyramid JSON endpoint.

    python benchmarks/cast_ballot.py --db sqlite:////tmp/bench_cast.sqlite
    python benchmarks/cast_ballot.py --db postgresql://postgres@127.0.0.1:5432/ps_bench_cast

Prepares an open election with ``--voters`` electors (each with an API token), then
runs waitress servers on loopback, one at a time, all the same way: ``--processes``
processes (1) of ``--threads`` threads each (8, as ``partnerstate serve``):

* the application, and ``POST /api/v1/votes/{id}/ballots`` with a bearer token and a
  ranking (first ballots and replacements: voters are taken in turn, round and round);
* a bare Pyramid application whose ``POST /ballots`` parses the same JSON body and
  answers 201 with a JSON receipt, and nothing else;
* the same bare endpoint writing one row with one ``INSERT`` and ``COMMIT`` through the
  sqlite3 module (WAL, ``synchronous=NORMAL``, one writer at a time, as the application
  runs SQLite): the cheapest committed write, no token, no check, no ORM (with
  ``--processes`` above 1, each process writes a file of its own);
* for scale, the application's cheapest authenticated JSON endpoint, ``GET /api/v1/me``
  (the same tweens, token check and OpenAPI validation, no vote).

A client of ``--clients`` (20) concurrent keep-alive connections (asyncio, in this
process) sends ``--requests`` requests to each after a warm-up, and reports the
throughput, the latency percentiles and, on Linux, the servers' CPU time per request
(less sensitive than the rest to whatever else the machine is doing; the load average
is printed too). The database is emptied first.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

THREADS = 8  # partnerstate serve's default
SECRET = "benchmark-secret-" + "x" * 40


# --- the servers (run as subprocesses of this script) ---------------------------------------


def _quiet_waitress() -> None:
    # Waitress warns each time requests queue up behind its threads: expected here.
    import logging

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def serve_app(database_url: str, port: int, threads: int) -> None:
    import waitress

    _quiet_waitress()

    from partnerstate import main
    from partnerstate.cli.serve import freeze_startup_objects

    app = main(
        {},
        **{
            "partnerstate.database_url": database_url,
            "partnerstate.secret": SECRET,
            "partnerstate.environment": "production",
        },
    )
    freeze_startup_objects()  # as partnerstate serve does
    waitress.serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True)


def serve_bare(port: int, threads: int) -> None:
    import waitress
    from pyramid.config import Configurator

    _quiet_waitress()

    def cast(request: Any) -> dict[str, Any]:
        body = request.json_body
        request.response.status = 201
        return {"receipt": "AAAA-BBBB-CCCC-DDDD", "ranked": len(body["ranking"])}

    with Configurator() as config:
        config.add_route("ballots", "/ballots")
        config.add_view(cast, route_name="ballots", request_method="POST", renderer="json")
        app = config.make_wsgi_app()
    waitress.serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True)


def serve_bare_write(port: int, threads: int) -> None:
    import secrets
    import sqlite3
    import tempfile
    import threading

    import waitress
    from pyramid.config import Configurator

    _quiet_waitress()
    path = str(Path(tempfile.gettempdir()) / f"partnerstate_bench_bare_write_{port}.sqlite")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE ballots (receipt TEXT PRIMARY KEY, ranking TEXT) WITHOUT ROWID")
    local = threading.local()
    writer = threading.Lock()

    def cast(request: Any) -> dict[str, Any]:
        body = request.json_body
        receipt = secrets.token_hex(8)
        if not hasattr(local, "db"):
            local.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            local.db.execute("PRAGMA synchronous=NORMAL")
        with writer:
            local.db.execute("BEGIN IMMEDIATE")
            local.db.execute(
                "INSERT INTO ballots VALUES (?, ?)", (receipt, json.dumps(body["ranking"]))
            )
            local.db.execute("COMMIT")
        request.response.status = 201
        return {"receipt": receipt, "ranked": len(body["ranking"])}

    with Configurator() as config:
        config.add_route("ballots", "/ballots")
        config.add_view(cast, route_name="ballots", request_method="POST", renderer="json")
        app = config.make_wsgi_app()
    waitress.serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True)


# --- preparing the vote ------------------------------------------------------------------------


def prepare(database_url: str, voters: int, options: int) -> tuple[int, list[str], list[int]]:
    """An open election with ``voters`` electors; their tokens and the option ids."""
    from sqlalchemy import insert, text

    from assemblies import services as assemblies
    from assemblies.models import Membership
    from deliberation.votes import services
    from partnerstate import migrate
    from partnerstate.database import load_all_models, make_engine, make_session_factory
    from partnerstate.models import User
    from partnerstate.services import accounts

    load_all_models()
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{engine.url.database}{suffix}").unlink(missing_ok=True)
        engine = make_engine(database_url)
    migrate.upgrade(engine)
    with make_session_factory(engine)() as db:
        # Accounts without passwords (hashing thousands with argon2 would take minutes).
        official = User(email="official@bench.example", display_name="Official", role="official")
        db.add(official)
        db.flush()
        db.execute(
            insert(User),
            [
                {"email": f"voter{n}@bench.example", "display_name": f"Voter {n}", "role": "member"}
                for n in range(voters)
            ],
        )
        ids = list(db.scalars(text("SELECT id FROM users WHERE email LIKE 'voter%' ORDER BY id")))
        assembly = assemblies.create_assembly(db, "Benchmark assembly", "Benchville")
        db.execute(
            insert(Membership),
            [{"assembly_id": assembly.id, "user_id": uid, "role": "member"} for uid in ids],
        )
        vote = services.open_election(
            db, assembly, official, "Benchmark election", "stv", 1,
            [f"Candidate {n + 1}" for n in range(options)],
        )  # fmt: skip
        tokens = [accounts.create_token(db, db.get(User, uid), label="bench") for uid in ids]
        db.commit()
        result = vote.id, tokens, [option.id for option in vote.options]
    engine.dispose()
    return result


# --- the client ----------------------------------------------------------------------------------


async def _connection(
    port: int, requests: list[bytes], latencies: list[float], statuses: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for request in requests:
        started = time.perf_counter()
        writer.write(request)
        await writer.drain()
        status_line = await reader.readline()
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value.strip())
        if length:
            await reader.readexactly(length)
        latencies.append(time.perf_counter() - started)
        statuses.append(int(status_line.split()[1]))
    writer.close()


def run_load(
    ports: list[int], requests: list[bytes], clients: int
) -> tuple[float, list[float], list[int]]:
    """Send the requests over ``clients`` connections (spread over the servers' ports, as
    a reverse proxy would); wall time, latencies, statuses."""
    shares = [requests[i::clients] for i in range(clients)]
    latencies: list[float] = []
    statuses: list[int] = []

    async def everything() -> None:
        await asyncio.gather(
            *(
                _connection(ports[i % len(ports)], share, latencies, statuses)
                for i, share in enumerate(shares)
            )
        )

    started = time.perf_counter()
    asyncio.run(everything())
    return time.perf_counter() - started, latencies, statuses


def http_post(path: str, body: dict[str, Any], token: str | None = None) -> bytes:
    data = json.dumps(body).encode()
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{auth}Content-Length: {len(data)}\r\n\r\n"
    ).encode() + data


def rankings(option_ids: list[int], count: int, seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        shuffled = rng.sample(option_ids, len(option_ids))
        out.append(shuffled[: rng.choice((1, 2, 2, 3, 3, 4, 5, len(option_ids)))])
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(args: list[str], port: int) -> subprocess.Popen[bytes]:
    # Runs this very script again (serve-app or serve-bare): no outside input.
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, __file__, *args, "--port", str(port)],
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        },
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server on port {port} did not start")


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process so far (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(
    name: str, wall: float, latencies: list[float], statuses: list[int], cpu: float | None
) -> float:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    throughput = len(latencies) / wall
    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    per_request = f"{cpu / len(latencies) * 1000:5.2f} ms" if cpu is not None else "  ?"
    print(
        f"{name:<34} {throughput:8.0f} req/s   p50 {pct(0.50):6.1f} ms   p95 {pct(0.95):6.1f} ms"
        f"   p99 {pct(0.99):6.1f} ms   mean {statistics.mean(latencies) * 1000:6.1f} ms"
        f"   server CPU {per_request}/req   statuses {counts}"
    )
    return throughput


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    app_server = sub.add_parser("serve-app")
    app_server.add_argument("--db", required=True)
    app_server.add_argument("--port", type=int, required=True)
    app_server.add_argument("--threads", type=int, default=THREADS)
    bare_server = sub.add_parser("serve-bare")
    bare_server.add_argument("--port", type=int, required=True)
    bare_server.add_argument("--threads", type=int, default=THREADS)
    write_server = sub.add_parser("serve-bare-write")
    write_server.add_argument("--port", type=int, required=True)
    write_server.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--db", default="sqlite:////tmp/bench_cast.sqlite")
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--options", type=int, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--warmup", type=int, default=400)
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="server processes per test (a reverse proxy's backends); PostgreSQL for more than 1",
    )
    parser.add_argument("--threads", type=int, default=THREADS, help="threads per server process")
    args = parser.parse_args()
    if args.command == "serve-app":
        serve_app(args.db, args.port, args.threads)
        return
    if args.command == "serve-bare":
        serve_bare(args.port, args.threads)
        return
    if args.command == "serve-bare-write":
        serve_bare_write(args.port, args.threads)
        return

    vote_id, tokens, option_ids = prepare(args.db, args.voters, args.options)
    total = args.warmup + args.requests
    ranked = rankings(option_ids, total, 7)
    voter = itertools.cycle(range(len(tokens)))
    app_requests = [
        http_post(f"/api/v1/votes/{vote_id}/ballots", {"ranking": r}, tokens[next(voter)])
        for r in ranked
    ]
    bare_requests = [http_post("/ballots", {"ranking": r}, tokens[0]) for r in ranked]
    me_requests = [
        (
            f"GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {tokens[n % len(tokens)]}\r\n\r\n"
        ).encode()
        for n in range(total)
    ]
    print(
        f"{args.clients} concurrent clients, {args.requests} requests after {args.warmup} to "
        f"warm up; {args.processes} waitress process(es) with {args.threads} threads each; "
        f"database: {args.db.split(':')[0]}; "
        f"{args.voters} voters (first ballots, then replacements); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    results = {}
    for name, server_args, requests in (
        ("bare Pyramid JSON endpoint", ["serve-bare"], bare_requests),
        (
            "bare endpoint + one SQLite INSERT",
            ["serve-bare-write"],
            bare_requests,
        ),
        ("GET /api/v1/me (same app)", ["serve-app", "--db", args.db], me_requests),
        ("POST /api/v1/votes/{id}/ballots", ["serve-app", "--db", args.db], app_requests),
    ):
        ports = [free_port() for _ in range(args.processes)]
        server_args = [*server_args, "--threads", str(args.threads)]
        processes = [start(server_args, port) for port in ports]
        try:
            run_load(ports, requests[: args.warmup], args.clients)
            before = [cpu_seconds(process.pid) for process in processes]
            wall, latencies, statuses = run_load(ports, requests[args.warmup :], args.clients)
            after = [cpu_seconds(process.pid) for process in processes]
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
        cpu = None
        if None not in before and None not in after:
            cpu = sum(a - b for a, b in zip(after, before, strict=True))  # type: ignore[operator]
        results[name] = report(name, wall, latencies, statuses, cpu)
    bare, bare_write, me, app = results.values()
    print(f"cast throughput / bare Pyramid throughput: {app / bare:.0%}")
    print(
        f"bare endpoint + one SQLite INSERT / bare Pyramid throughput: {bare_write / bare:.0%}"
        " (the most a cast could reach if it wrote one row and did nothing else)"
    )
    print(f"cast throughput / the same app's GET /api/v1/me throughput: {app / me:.0%}")


if __name__ == "__main__":
    main()
