"""Geometry of the results' SVG charts, computed here so templates only draw. Pure.

Three charts: bars per round (IRV, STV, plurality), a heat-map of the pairwise
matrix, and the outcome in order with each option's head-to-head wins (Condorcet
methods). Each is paired on the page with a table of the same
figures, so the SVG is a picture for sighted readers and the table is the truth for
everyone (screen readers, copy and paste).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# Bars
# Room for "1. " and a label shortened to 20 characters, in bold: narrower, the label was
# cut at the chart's edge (its start in English, its number in Arabic).
LABEL_WIDTH = 190
PLOT_WIDTH = 220
VALUE_WIDTH = 80
ROW = 26
BAR = 18
TOP = 8

# Heat-map
CELL = 44
HEADER = 28

# Diverging colours that stay apart for colour-blind readers (ColorBrewer PuOr ends).
WIN = (33, 102, 172)  # blue: the row beats the column
LOSS = (179, 88, 6)  # orange: the column beats the row
PAPER = (255, 255, 255)
INK = "#1c1f23"


def _short(label: str, limit: int = 20) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def round_bars(
    rounds: Sequence[Mapping[str, Any]],
    candidates: Sequence[Any],
    labels: Mapping[str, str],
) -> list[dict[str, Any]]:
    """One bar chart per round that has tallies: ``{round, height, width, bars, quota}``.

    Every round uses the same scale (the largest tally or the quota), so bars can be
    compared from round to round. Candidates out of the count are left out.
    """
    values = [float(value) for step in rounds for value in (step.get("tallies") or {}).values()]
    quotas = [float(step["quota"]) for step in rounds if step.get("quota")]
    top = max([*values, *quotas, 1.0])
    charts = []
    for step in rounds:
        tallies = step.get("tallies")
        if not tallies:
            continue
        elected = {str(c) for c in step.get("elected") or []}
        eliminated = {str(c) for c in step.get("eliminated") or []}
        bars: list[dict[str, Any]] = []
        for key in candidates:
            if str(key) not in tallies:
                continue
            value = float(tallies[str(key)])
            state = (
                "elected" if str(key) in elected else "eliminated" if str(key) in eliminated else ""
            )
            bars.append(
                {
                    "label": _short(labels.get(str(key), str(key))),
                    "value": tallies[str(key)],
                    "y": TOP + len(bars) * ROW,
                    "width": round(PLOT_WIDTH * value / top, 2),
                    "state": state,
                }
            )
        quota = step.get("quota")
        charts.append(
            {
                "round": step.get("round"),
                "bars": bars,
                "height": TOP * 2 + ROW * len(bars),
                "width": LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH,
                "label_width": LABEL_WIDTH,
                "bar_height": BAR,
                "quota": quota,
                "quota_x": (
                    round(LABEL_WIDTH + PLOT_WIDTH * float(quota) / top, 2) if quota else None
                ),
            }
        )
    return charts


def head_to_head(
    candidates: Sequence[Any],
    pairwise: Mapping[str, Mapping[str, float]],
    winners: Sequence[Any],
    tie_break: Sequence[Any],
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """The outcome for lay readers: options in final order, each with its head-to-head wins.

    Winners come first, in order of election; the others follow by wins, then fewest
    defeats, then the published tie-break order. Returns ``{width, height, label_width,
    bar_height, others, rows: [{place, label, wins, ties, losses, y, width, winner}]}``.
    """
    keys = [str(c) for c in candidates]
    others = max(len(keys) - 1, 1)
    chosen = [str(w) for w in winners]
    order = {str(c): i for i, c in enumerate(tie_break)}
    counts = {}
    for a in keys:
        wins = sum(1 for b in keys if b != a and pairwise[a][b] > pairwise[b][a])
        losses = sum(1 for b in keys if b != a and pairwise[a][b] < pairwise[b][a])
        counts[a] = (wins, len(keys) - 1 - wins - losses, losses)

    def place(key: str) -> tuple[Any, ...]:
        if key in chosen:
            return (0, chosen.index(key))
        wins, _ties, losses = counts[key]
        return (1, -wins, losses, order.get(key, len(order)))

    rows = []
    for number, key in enumerate(sorted(keys, key=place), start=1):
        wins, ties, losses = counts[key]
        rows.append(
            {
                "place": number,
                "label": _short(labels.get(key, key)),
                "wins": wins,
                "ties": ties,
                "losses": losses,
                "y": TOP + (number - 1) * ROW,
                "width": round(PLOT_WIDTH * wins / others, 2),
                "winner": key in chosen,
            }
        )
    return {
        "rows": rows,
        "others": len(keys) - 1,
        "width": LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH,
        "height": TOP * 2 + ROW * len(rows),
        "label_width": LABEL_WIDTH,
        "bar_height": BAR,
    }


def _mix(colour: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    share = max(0.0, min(1.0, share))
    return (
        round(PAPER[0] + (colour[0] - PAPER[0]) * share),
        round(PAPER[1] + (colour[1] - PAPER[1]) * share),
        round(PAPER[2] + (colour[2] - PAPER[2]) * share),
    )


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _ink_on(rgb: tuple[int, int, int]) -> str:
    # Whichever of dark ink or white has the better contrast with the cell.
    background = _luminance(rgb)
    dark = (background + 0.05) / (_luminance((28, 31, 35)) + 0.05)
    light = 1.05 / (background + 0.05)
    return INK if dark >= light else "#ffffff"


def heatmap(
    candidates: Sequence[Any],
    pairwise: Mapping[str, Mapping[str, float]],
) -> dict[str, Any]:
    """Cells of the pairwise matrix coloured by margin: blue where the row wins.

    Returns ``{size, cell, header, cells: [{x, y, value, fill, ink, row, column}]}``;
    rows and columns are numbered like the table beside it (1, 2, 3…).
    """
    keys = [str(c) for c in candidates]
    margins = [abs(pairwise[a][b] - pairwise[b][a]) for a in keys for b in keys if a != b]
    widest = max([*margins, 1])
    cells: list[dict[str, Any]] = []
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            x, y = HEADER + j * CELL, HEADER + i * CELL
            if a == b:
                cells.append(
                    {
                        "x": x,
                        "y": y,
                        "value": None,
                        "fill": "#e6e8eb",
                        "ink": INK,
                        "row": i + 1,
                        "column": j + 1,
                    }
                )
                continue
            margin = pairwise[a][b] - pairwise[b][a]
            rgb = (
                _mix(WIN if margin > 0 else LOSS, 0.15 + 0.85 * abs(margin) / widest)
                if margin
                else PAPER
            )
            cells.append(
                {
                    "x": x,
                    "y": y,
                    "value": pairwise[a][b],
                    "fill": "#{:02x}{:02x}{:02x}".format(*rgb),
                    "ink": _ink_on(rgb),
                    "row": i + 1,
                    "column": j + 1,
                    "wins": margin > 0,
                }
            )
    return {
        "size": HEADER + CELL * len(keys),
        "cell": CELL,
        "header": HEADER,
        "numbers": [{"n": n + 1, "at": HEADER + n * CELL + CELL / 2} for n in range(len(keys))],
        "cells": cells,
    }


def turnout_bar(ballots: int, electorate: int, needed: int, width: int = 400) -> dict[str, Any]:
    """A single bar: ballots against the electorate, with the quorum marked."""
    scale = max(electorate, ballots, 1)
    return {
        "width": width,
        "filled": round(width * ballots / scale, 2),
        "quorum_x": round(width * needed / scale, 2) if needed else None,
    }
