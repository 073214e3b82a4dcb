"""How long does a Schulze STV count take, and is it still pyvotecore's result?

    python benchmarks/schulze_stv.py                 # our count only
    python benchmarks/schulze_stv.py --compare 600   # also pyvotecore's own, up to 600 s each

Profiles: Glasgow 2007 Calton ward (tests/data/elections, 10 candidates, 3 seats,
5,199 ballots) and synthetic profiles shaped like the elections of the issue (the
files themselves are not in the repository): Glasgow 2007 Govan ward (11 candidates,
4 seats, 9,560 ballots), the GNOME 2018 board (11 candidates, 7 seats, 135 ballots),
and the largest size an election may open with (`deliberation.tally.SCHULZE_STV_LIMITS`).
Synthetic rankings are Plackett–Luce draws truncated as Calton's voters truncated
theirs (see benchmarks/close_vote.py). Each count runs in a fresh process.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deliberation.blt import parse_blt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CALTON = ROOT / "tests" / "data" / "elections" / "glasgow_2007_calton.blt"
# Share of voters ranking 1..N candidates (Calton 2007).
LENGTH_WEIGHTS = (1278, 1445, 1123, 694, 182, 72, 29, 13, 43, 320)


def synthetic(candidates: int, ballots: int, seed: int) -> list[tuple[int, list[list[str]]]]:
    rng = random.Random(seed)
    groups = [[rng.paretovariate(1.2) for _ in range(candidates)] for _ in range(3)]
    lengths = list(range(1, candidates + 1))
    shares = [LENGTH_WEIGHTS[min(i, len(LENGTH_WEIGHTS) - 1)] for i in range(candidates)]
    out = []
    for _ in range(ballots):
        weights = list(groups[rng.randrange(3)])
        items = [f"C{i + 1}" for i in range(candidates)]
        ranking = []
        for _ in range(rng.choices(lengths, shares)[0]):
            pick = rng.choices(range(len(items)), weights)[0]
            ranking.append([items.pop(pick)])
            weights.pop(pick)
        out.append((1, ranking))
    return out


def profiles() -> list[tuple[str, list[str], int, list[tuple[int, list[list[str]]]]]]:
    from deliberation.tally import SCHULZE_STV_LIMITS

    election = parse_blt(CALTON.read_text(encoding="utf-8"))
    names = election.candidates
    calton = [(w, [[names[i] for i in g] for g in r]) for w, r in election.ballots]
    seats = 3
    largest = SCHULZE_STV_LIMITS[seats]
    shapes = [("Calton 2007 (real)", names, 3, calton)]
    for label, candidates, seats_, ballots in (
        ("Govan-shaped", 11, 4, 9_560),
        ("GNOME-2018-shaped", 11, 7, 135),
        (f"largest allowed ({largest} for {seats})", largest, seats, 10_000),
    ):
        names_ = [f"C{i + 1}" for i in range(candidates)]
        shapes.append((label, names_, seats_, synthetic(candidates, ballots, seed=candidates)))
    return shapes


def _run(method: Any, names: list[str], seats: int, ballots: Any, queue: Any) -> None:
    start = time.perf_counter()
    winners = method(names, seats, ballots)
    queue.put((time.perf_counter() - start, winners))


def ours(names: list[str], seats: int, ballots: Any) -> list[str]:
    from deliberation.tally import tally

    return sorted(tally("schulze-stv", names, ballots, seats=seats)["winners"])


def pyvotecore(names: list[str], seats: int, ballots: Any) -> list[str]:
    from py3votecore.schulze_stv import SchulzeSTV

    grouped = []
    for weight, ranking in ballots:
        ranked = {c for g in ranking for c in g}
        rest = [c for c in names if c not in ranked]
        grouped.append(
            {"count": weight, "ballot": [list(g) for g in ranking] + [rest] * bool(rest)}
        )
    count = SchulzeSTV(grouped, tie_breaker=list(names), required_winners=seats, ballot_notation=0)
    return sorted(count.winners)


def timed(method: Any, names: list[str], seats: int, ballots: Any, limit: float) -> str:
    queue: Any = multiprocessing.Queue()
    process = multiprocessing.Process(target=_run, args=(method, names, seats, ballots, queue))
    process.start()
    process.join(limit)
    if process.is_alive():
        process.terminate()
        process.join()
        return f"> {limit:.0f} s (stopped)"
    seconds, winners = queue.get()
    return f"{seconds:8.2f} s  {', '.join(winners)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=float, metavar="SECONDS", help="also time pyvotecore")
    parser.add_argument("--limit", type=float, default=120, help="stop our count after this")
    args = parser.parse_args()
    for label, names, seats, ballots in profiles():
        print(f"{label}: {len(names)} candidates, {seats} seats, {len(ballots)} ballots")
        print("  partnerstate:", timed(ours, names, seats, ballots, args.limit), flush=True)
        if args.compare:
            print("  pyvotecore:  ", timed(pyvotecore, names, seats, ballots, args.compare))


if __name__ == "__main__":
    main()
