"""The full schemathesis run against the JSON API: every operation, three roles, seeded.

Usage::

    python benchmarks/api_fuzz.py [--db URL] [--examples 100] [--roles anonymous,member,official]

Without ``--db`` a temporary SQLite file is used. With ``--db`` the database is EMPTIED
(PostgreSQL: its ``public`` schema is dropped), migrated and given the demo city, so
point it at a throwaway database. Requests go through the WSGI application in process.
Each operation gets ``--examples`` valid and as many invalid requests per role, and
every schemathesis check runs on every answer. Server errors and answers that break
the OpenAPI document must be 0 (exit status 1 otherwise); the other checks' findings
("schema-valid request rejected": a business rule the schema does not express) are
listed for information.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from partnerstate import demo, main, migrate  # noqa: E402
from partnerstate.database import make_engine  # noqa: E402
from tests import api_fuzz, factories  # noqa: E402
from tests.conftest import app_settings  # noqa: E402


def prepare(url: str) -> dict[str, str]:
    """A fresh database with the demo city; a bearer token per signed-in role."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    with Session(engine) as db:
        demo.seed(db)
        official = factories.make_user(db, email="fuzz-official@example.org", role="official")
        member = factories.make_user(db, email="fuzz-member@example.org")
        tokens = {
            "official": factories.make_token(db, official),
            "member": factories.make_token(db, member),
        }
        db.commit()
    engine.dispose()
    return tokens


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a throwaway database URL (it is emptied)")
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--roles", default="anonymous,member,official")
    args = parser.parse_args(argv)
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/fuzz.sqlite"
    logging.disable(logging.CRITICAL)  # refused requests are expected; the report says it all
    tokens = prepare(url)
    app = main({}, **app_settings(url))
    failed = 0
    for role in args.roles.split(","):
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else None
        started = time.perf_counter()
        report = api_fuzz.fuzz(app, headers, max_examples=args.examples)
        elapsed = time.perf_counter() - started
        required = report.required_failures()
        failed += len(required)
        print(f"{role}: {report.summary()}\n  ({elapsed:.0f} s; must be 0: {len(required)})")
        shown = set()
        for label, title, status, detail in report.failures:
            if (label, title, status) not in shown:
                shown.add((label, title, status))
                print(f"  - {label} | {title} | {status} | {detail[:300]}")
    app.registry["db_engine"].dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main_())
