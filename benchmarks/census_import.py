"""Benchmark ``partnerstate census import`` and the census check behind verification.

Usage::

    python benchmarks/census_import.py [--db URL] [--lines 1000000]

Without ``--db`` a temporary SQLite file is used. The script writes a census CSV of
``--lines`` residents, creates an assembly, runs the real command line
(``partnerstate census import``, in a subprocess: start-up, reading, checking every
line, hashing and inserting all count) and reports its wall time. Then it times the
query that verifies one resident (the census lookup by digest), with a census of
that size, p50 and p95 over 2,000 lookups. Target (scale issue): the import in at
most 60 s for 1,000,000 lines, and the lookup as fast as with a small census.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from partnerstate import migrate  # noqa: E402
from partnerstate.database import load_all_models, make_engine, make_session_factory  # noqa: E402


def write_census(path: Path, lines: int) -> None:
    postcodes = ("59000", "59800", "59260", "59160")
    with path.open("w", encoding="utf-8") as handle:
        handle.write("identifier,postcode\n")
        for n in range(lines):
            handle.write(f"LIL-{n:07d},{postcodes[n % 4]}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="census-bench-"))
    url = args.db or f"sqlite:///{workdir / 'bench.sqlite'}"

    engine = make_engine(url)
    migrate.upgrade(engine)
    load_all_models()
    from assemblies import census, services
    from assemblies.models import CensusEntry

    session = make_session_factory(engine)()
    assembly = services.create_assembly(session, "Benchmark assembly", "Lille", "en")
    session.commit()
    assembly_id, salt = assembly.id, assembly.census_salt

    csv_path = workdir / "census.csv"
    write_census(csv_path, args.lines)
    command = [sys.executable, "-c", "from partnerstate.cli import main; main()"]
    command += ["census", "import", str(assembly_id), str(csv_path), "--db", url]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    # Our own command line, with arguments built above (no shell, no outside input).
    subprocess.run(command, check=True, env=environment, stdout=subprocess.DEVNULL)  # noqa: S603
    elapsed = time.perf_counter() - started
    print(f"census import of {args.lines:,} lines: {elapsed:.1f} s")

    lookups = []
    for n in range(0, args.lines, max(1, args.lines // 2_000)):
        digest = census.digest(salt, census.normalize_identifier(f"LIL-{n:07d}"), "59000")
        started = time.perf_counter()
        session.scalar(
            select(CensusEntry.id).where(
                CensusEntry.assembly_id == assembly_id, CensusEntry.digest == digest
            )
        )
        lookups.append((time.perf_counter() - started) * 1000)
    lookups.sort()
    p95 = lookups[int(len(lookups) * 0.95) - 1]
    print(
        f"census lookup with {args.lines:,} entries: p50 {statistics.median(lookups):.3f} ms,"
        f" p95 {p95:.3f} ms over {len(lookups)} lookups"
    )
    session.close()
    engine.dispose()


if __name__ == "__main__":
    main()
