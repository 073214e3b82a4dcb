"""Load test: concurrent clients browsing a synthetic city through real servers.

Usage::

    partnerstate demo-city --residents 1000000 --db postgresql://…/ps_city1m
    python benchmarks/load_test.py --db postgresql://…/ps_city1m [--clients 20]
        [--duration 60] [--warmup 10] [--per-page 4] [--processes 2]

Starts ``--processes`` ``partnerstate serve --no-worker`` processes (waitress, production
settings: secure cookies, HSTS, the production secret), each on its own port, and
``--clients`` threads, each with its own keep-alive connection to one of them (client i
talks to server i mod P, as a round-robin proxy would spread them). Every client is a
visitor, anonymous or signed in (a member of the open vote's electorate, a facilitator,
the city's official), who keeps picking a page of the journey by its weight, without
pauses (``--think`` adds one): the register with filters, searches and pages, a commons,
the map's GeoJSON (mostly asked again with its ETag, a 304), an assembly, its members and
meetings, the 1,000-argument deliberation page by page, the ballot page, a closed vote's
results, the charters, the verification page, the audit log, the API.

Prints requests/s, p50/p95/p99 per page and for the whole mix, and errors (any status
but the expected one, or a broken connection). Then runs each page alone for
``--per-page`` seconds with the same clients and reads the server processes' CPU time
(and that of their PostgreSQL backends) from /proc before and after: CPU per request.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from city_pages import _journey  # noqa: E402

from partnerstate.demo_city.build import PASSWORD  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
GEOJSON = "/api/v1/commons.geojson"


@dataclass(frozen=True)
class Page:
    label: str
    who: str  # anyone, member, facilitator, official
    paths: tuple[str, ...]  # one is picked at random each time
    weight: int
    expect: int = 200
    etag: bool = False  # ask with the ETag of a first answer (the map's repeat visit)


def journey(url: str) -> tuple[list[Page], dict[str, str]]:
    """The mix: city_pages.py's journey, with more variety and weights per page."""
    pages, people = _journey(url)
    path = {label: p for label, _who, p in pages}
    deliberation = path["largest deliberation"]
    charter = path["a charter"]
    commons, register_pages, thread_pages = _sizes(url, int(deliberation.rsplit("/", 1)[1]))
    mix = [
        Page("home", "anyone", ("/",), 8),
        Page("home, signed in", "member", ("/",), 4),
        Page("register", "anyone", ("/commons",), 8),
        Page(
            "register, filters",
            "anyone",
            (
                "/commons?category=food&district=Fives&sort=newest",
                "/commons?category=culture",
                "/commons?district=Wazemmes",
                "/commons?sort=newest",
            ),
            6,
        ),
        Page(
            "register, search",
            "anyone",
            ("/commons?q=garden+fives", "/commons?q=repair", "/commons?q=workshop"),
            5,
        ),
        Page("register, pages", "anyone", tuple(f"/commons?page={n}" for n in register_pages), 5),
        Page("a commons", "anyone", tuple(f"/commons/{n}" for n in commons), 8),
        Page("GeoJSON", "anyone", (GEOJSON,), 1),
        Page("GeoJSON, repeat (304)", "anyone", (GEOJSON,), 5, expect=304, etag=True),
        Page("an assembly", "member", (path["an assembly"],), 4),
        Page("its members (facilitator)", "facilitator", (path["its members (facilitator)"],), 3),
        Page("its meetings", "facilitator", (path["its meetings"],), 3),
        Page(
            "largest deliberation (paged)",
            "anyone",
            tuple(f"{deliberation}?threads={n}" for n in thread_pages),
            5,
        ),
        Page("ballot page", "member", (path["ballot page"],), 4),
        Page("closed vote's results", "anyone", (path["closed vote's results"],), 4),
        Page("charters", "anyone", ("/charters",), 3),
        Page("a charter", "anyone", (charter,), 3),
        Page("verification page", "member", (path["verification page"],), 2),
        Page("audit log", "official", ("/audit",), 2),
        Page(
            "API commons",
            "anyone",
            tuple(f"/api/v1/commons?page={n}" for n in [1, *register_pages]),
            5,
        ),
        Page("API charters", "anyone", ("/api/v1/charters",), 2),
    ]
    return mix, people


def _sizes(url: str, partnership: int) -> tuple[list[int], range, range]:
    """Ids of 100 commons spread over the register (visitors open all kinds), the
    register's pages after the first (up to 30), the deliberation's pages of threads."""
    from sqlalchemy import func, select

    from deliberation.debate_models import Argument
    from deliberation.services.arguments import THREADS_PER_PAGE
    from partnerstate.commons.models import Commons
    from partnerstate.commons.views import PAGE_SIZE
    from partnerstate.database import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        ids = connection.scalars(select(Commons.id).order_by(func.random()).limit(100)).all()
        commons = connection.scalar(select(func.count()).select_from(Commons))
        threads = connection.scalar(
            select(func.count())
            .select_from(Argument)
            .where(Argument.partnership_id == partnership, Argument.parent_id.is_(None))
        )
    engine.dispose()
    last_page = min(30, -(-commons // PAGE_SIZE))
    return list(ids), range(2, last_page + 1), range(1, -(-threads // THREADS_PER_PAGE) + 1)


# --- servers -----------------------------------------------------------------------


def start_servers(url: str, ports: list[int], threads: int) -> list[subprocess.Popen]:
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        PARTNERSTATE_ENV="production",
        PARTNERSTATE_SECRET=os.environ.get("PARTNERSTATE_SECRET", "load-test-" + "s" * 54),
        PARTNERSTATE_BASE_URL="https://commons.example.org",
    )
    command = [sys.executable, "-c", "from partnerstate.cli import main; main()", "serve"]
    servers = []
    # One after the other: each runs `init` (migrations) before it listens.
    for port in ports:
        server = subprocess.Popen(  # noqa: S603 (this interpreter, our own arguments)
            [*command, "--no-worker", "--port", str(port), "--threads", str(threads), "--db", url],
            env=env,
            stdout=subprocess.DEVNULL,
            # waitress warns of every queued request: keep its log out of the table.
            stderr=(Path(tempfile.gettempdir()) / f"partnerstate-load-{port}.log").open("w"),
        )
        servers.append(server)
        _wait_ready(port, server)
    return servers


def _wait_ready(port: int, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server on port {port} stopped (exit {server.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server on port {port} did not answer /healthz in {timeout} s")


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time of each of these processes (all its threads), from /proc."""
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a backend that closed meanwhile
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return times


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings by the processes alive at the second one (a backend
    that started meanwhile counts whole; one that ended is lost: an undercount)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def database_backends(url: str) -> tuple[list[int], int]:
    """The PostgreSQL backends serving this database (the servers' pooled connections),
    and how many sessions the database has opened so far (new connections cost a fork)."""
    from sqlalchemy import text

    from partnerstate.database import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        pids = connection.scalars(
            text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).all()
        sessions = connection.scalar(
            text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        )
    engine.dispose()
    return list(pids), sessions


# --- clients -----------------------------------------------------------------------


@dataclass
class Client:
    """One visitor: a keep-alive connection, its cookies (sent by hand: the production
    cookies are Secure and this is plain HTTP behind no proxy) and its map's ETag."""

    port: int
    who: str
    cookies: dict[str, str] = field(default_factory=dict)
    etag: str = ""
    connection: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        headers = dict(headers or {}, Host="localhost", Connection="keep-alive")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request(method, path, body or None, headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # waitress closed an idle keep-alive connection: reconnect once.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, data, response

    def sign_in(self, email: str) -> None:
        _status, page, _ = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
        status, _, _ = self.request(
            "POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 303:
            raise SystemExit(f"signing in {email} answered {status}")


def make_clients(count: int, ports: list[int], people: dict[str, str]) -> list[Client]:
    """Two visitors in five anonymous; the others signed in, in turn member, facilitator,
    official."""
    roles = ["anyone", "member", "anyone", "facilitator", "official"]
    clients = []
    for number in range(count):
        client = Client(ports[number % len(ports)], roles[number % len(roles)])
        if client.who != "anyone":
            client.sign_in(people[client.who])
        clients.append(client)
    return clients


@dataclass
class Results:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, label: str, elapsed_ms: float, ok: bool) -> None:
        with self.lock:
            self.timings[label].append(elapsed_ms)
            if not ok:
                self.errors[label] += 1


def visit(client: Client, page: Page, results: Results | None) -> None:
    path = random.choice(page.paths)
    headers = {}
    if page.etag:
        if not client.etag:
            _s, _d, first = client.request("GET", path)
            client.etag = first.headers.get("ETag", "")
        headers["If-None-Match"] = client.etag
    started = time.perf_counter()
    try:
        status, _, _ = client.request("GET", path, headers=headers)
        ok = status == page.expect
        if not ok:
            print(f"  {page.label}: {path} answered {status}", file=sys.stderr)
    except OSError as error:
        ok = False
        print(f"  {page.label}: {path} failed: {error}", file=sys.stderr)
    if results is not None:
        results.add(page.label, (time.perf_counter() - started) * 1000, ok)


def browse(
    clients: list[Client],
    pages: list[Page],
    seconds: float,
    results: Results | None,
    think: float = 0.0,
    seed: int = 0,
) -> float:
    """Every client browses its pages by weight for ``seconds``; returns the wall time."""
    stop = time.monotonic() + seconds

    def run(client: Client, number: int) -> None:
        chooser = random.Random(seed * 1000 + number)
        mine = [p for p in pages if p.who in ("anyone", client.who)]
        weights = [p.weight for p in mine]
        while time.monotonic() < stop:
            visit(client, chooser.choices(mine, weights)[0], results)
            if think:
                time.sleep(chooser.expovariate(1 / think))

    started = time.perf_counter()
    threads = [
        threading.Thread(target=run, args=(c, n), daemon=True) for n, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * fraction + 0.5) - 1))]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- main --------------------------------------------------------------------------


def main_cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL city (partnerstate demo-city)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per process")
    parser.add_argument("--port", type=int, default=7311, help="the first server's port")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause in s between pages")
    parser.add_argument(
        "--per-page", type=float, default=4, help="seconds of each page alone for its CPU (0: skip)"
    )
    args = parser.parse_args(argv)

    pages, people = journey(args.db)
    ports = [args.port + n for n in range(args.processes)]
    servers = start_servers(args.db, ports, args.threads)
    try:
        clients = make_clients(args.clients, ports, people)
        print(f"{args.processes} processes x {args.threads} threads, {args.clients} clients")
        browse(clients, pages, args.warmup, None, args.think, seed=1)
        load_before = load_average()
        results = Results()
        wall = browse(clients, pages, args.duration, results, args.think, seed=2)
        report_mix(results, wall, load_before)
        if args.per_page:
            report_cpu(args, clients, pages, [s.pid for s in servers])
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(10)
    return 1 if results.errors else 0


def report_mix(results: Results, wall: float, load_before: str) -> None:
    every = [t for timings in results.timings.values() for t in timings]
    errors = sum(results.errors.values())
    print(
        f"\nmix: {len(every)} requests in {wall:.1f} s = {len(every) / wall:.1f} requests/s, "
        f"{errors} errors; load average {load_before} before, {load_average()} after\n"
    )
    print("| page | requests | p50 ms | p95 ms | p99 ms | errors |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, timings in results.timings.items():
        print(
            f"| {label} | {len(timings)} | {statistics.median(timings):.0f} "
            f"| {percentile(timings, 0.95):.0f} | {percentile(timings, 0.99):.0f} "
            f"| {results.errors.get(label, 0)} |"
        )
    print(
        f"| **whole mix** | {len(every)} | {statistics.median(every):.0f} "
        f"| {percentile(every, 0.95):.0f} | {percentile(every, 0.99):.0f} | {errors} |"
    )


def report_cpu(
    args: argparse.Namespace, clients: list[Client], pages: list[Page], servers: list[int]
) -> None:
    """Each page alone, every client asking for it (clients that may not see it wait)."""
    print(f"\neach page alone, {args.per_page:.0f} s, {args.clients} clients:\n")
    print(
        "| page | requests/s | p95 ms | app CPU ms/request | PostgreSQL CPU ms/request "
        "| new connections |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for page in pages:
        allowed = [c for c in clients if page.who in ("anyone", c.who)]
        backends, sessions_before = database_backends(args.db)
        results = Results()
        app_before, db_before = cpu_seconds(servers), cpu_seconds(backends)
        wall = browse(allowed, [page], args.per_page, results)
        app_cpu = cpu_spent(app_before, cpu_seconds(servers))
        backends, sessions_after = database_backends(args.db)
        db_cpu = cpu_spent(db_before, cpu_seconds(backends))
        timings = results.timings[page.label]
        count = len(timings)
        print(
            f"| {page.label} | {count / wall:.0f} | {percentile(timings, 0.95):.0f} "
            f"| {app_cpu * 1000 / count:.1f} | {db_cpu * 1000 / count:.1f} "
            f"| {sessions_after - sessions_before - 2} |"  # our own two readings
        )
    print(f"\nload average {load_average()}")


if __name__ == "__main__":
    sys.exit(main_cli())
