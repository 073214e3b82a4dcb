"""Where a page's milliseconds go, under load: py-spy on a real server.

Usage::

    pip install py-spy   # a development tool; it reads the server's stacks
    python benchmarks/profile_pages.py --db postgresql://…/ps_city1m [--clients 8]
        [--seconds 8] [--pages "register; home, signed in"]

Starts one ``partnerstate serve`` process (production settings, as ``load_test.py``)
and, for each page of the load test's mix, has ``--clients`` clients ask for it alone
for ``--seconds`` while ``py-spy record --gil`` samples the thread holding the GIL (so
the time is the process's CPU, not threads waiting their turn or for PostgreSQL). Each
sample goes to the innermost part of the stack it is in: queries (SQLAlchemy, psycopg:
building statements, reading rows), OpenAPI validation, forms (WTForms), Markdown,
numbers and dates (Babel), template (Jinja2, MarkupSafe), security policy, routing,
JSON; whatever is left is the view and Pyramid's plumbing; outside the app, the HTTP
server (waitress).
Prints CPU milliseconds per request in each part, and the top functions of each page
(``--top``). PostgreSQL's own time is not here: ``load_test.py`` reads it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_test import Results, browse, journey, load_average, make_clients, start_servers  # noqa: E402

RATE = 250  # samples a second
# (part, markers in a frame's file); the first part found from the innermost frame out.
PARTS = (
    ("queries", ("sqlalchemy/", "psycopg/", "psycopg_pool/")),
    # Not pyramid_openapi3's tween: it wraps every request, validating nothing itself.
    ("OpenAPI validation", ("openapi_core/", "jsonschema", "openapi_spec")),
    ("QR code", ("segno/",)),
    ("forms", ("wtforms/",)),
    ("Markdown", ("markdown_it/", "mdit_py_plugins/", "markdown/", "nh3", "bleach/")),
    ("numbers and dates", ("babel/",)),
    ("template", ("jinja2/", ".jinja2", "markupsafe/", "templating.py")),
    ("security policy", ("security.py", "permissions.py", "authorization.py")),
    ("routing", ("urldispatch.py", "pyramid/url.py")),
    ("JSON", ("json/", "orjson")),
)
OTHER = "view and plumbing"
SERVER = "HTTP server"  # waitress reading requests and writing answers, outside the app


def part_of(frames: list[str]) -> str:
    """The part a sample (outermost frame first) belongs to."""
    app = next((n for n, frame in enumerate(frames) if "pyramid/router.py" in frame), None)
    if app is None:
        return SERVER
    for frame in reversed(frames[app:]):  # innermost first, up to the app's entry
        for part, markers in PARTS:
            if any(marker in frame for marker in markers):
                return part
    return OTHER


def read_raw(path: Path) -> list[tuple[list[str], int]]:
    """py-spy's raw output: one ``frame;frame;… count`` line per distinct stack."""
    stacks = []
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def profile_page(pid: int, clients: list, page, seconds: float) -> tuple[list, int]:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "stacks.txt"
        spy = subprocess.Popen(  # noqa: S603 (py-spy, found on the path, our own arguments)
            [
                shutil.which("py-spy") or "py-spy",
                "record",
                "--pid",
                str(pid),
                "--gil",
                "--rate",
                str(RATE),
                "--format",
                "raw",
                "--duration",
                str(int(seconds) + 1),
                "--output",
                str(output),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)  # py-spy attaches
        results = Results()
        browse([c for c in clients if page.who in ("anyone", c.who)], [page], seconds, results)
        spy.wait(60)
        return read_raw(output), len(results.timings[page.label])


def main_cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--port", type=int, default=7321)
    parser.add_argument("--pages", help="labels of the load test's pages, separated by ;")
    parser.add_argument("--top", type=int, default=0, help="also list each page's N top functions")
    args = parser.parse_args(argv)
    if shutil.which("py-spy") is None:
        raise SystemExit("py-spy is not installed (pip install py-spy)")
    pages, people = journey(args.db)
    if args.pages:
        wanted = [label.strip() for label in args.pages.split(";")]
        pages = [page for page in pages if page.label in wanted]
    (server,) = start_servers(args.db, [args.port], threads=8)
    try:
        clients = make_clients(args.clients, [args.port], people)
        browse(clients, pages, 5, None)  # warm up
        print(f"load average {load_average()}; CPU ms per request, py-spy --gil at {RATE} Hz\n")
        names = [part for part, _ in PARTS] + [OTHER, SERVER]
        print("| page | requests | CPU ms | " + " | ".join(names) + " |")
        print("|" + " --- |" * (len(names) + 3))
        tops = {}
        for page in pages:
            stacks, requests = profile_page(server.pid, clients, page, args.seconds)
            parts, leaves = Counter(), Counter()
            for frames, count in stacks:
                parts[part_of(frames)] += count
                leaves[frames[-1]] += count
            per_request = 1000 / RATE / max(1, requests)
            total = sum(parts.values()) * per_request
            cells = " | ".join(f"{parts[name] * per_request:.1f}" for name in names)
            print(f"| {page.label} | {requests} | {total:.1f} | {cells} |")
            tops[page.label] = [
                (frame, n * per_request) for frame, n in leaves.most_common(args.top)
            ]
        for label, top in tops.items() if args.top else ():
            print(f"\n{label}:")
            for frame, ms in top:
                print(f"  {ms:6.2f} ms  {frame}")
        print(f"\nload average {load_average()}")
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main_cli())
