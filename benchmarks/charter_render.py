"""Benchmark the charter PDF against WeasyPrint on plain HTML of the same length.

Usage::

    python benchmarks/charter_render.py [--runs 7] [--locale en]

The charter is the sample of ``reports.sample``: a 6-page charter (title page with
QR code, 15 numbered articles, signature blocks, annexes with the vote's tables).
Its time covers everything issuing does to produce the PDF: Jinja2 in the charter's
language, the QR code, WeasyPrint layout with the print stylesheet, running header,
page counters and footer margin boxes, PDF/A-3b output with the JSON attachment.

Baselines, each filling the same number of A4 pages as the charter:

* **plain HTML** (the target's baseline): the charter's own HTML body without any
  styling — no print stylesheet, no margin boxes, no images — rendered by
  WeasyPrint with its defaults (plain PDF). What the charter costs on top of
  WeasyPrint's own cost for a document of that length and structure.
* **text only** (stricter, for information): every text node of the charter as a
  bare paragraph; no tables, headings or lists at all.

Times are the median CPU time of ``--runs`` runs after one warm-up run (CPU time:
the machine is shared, and WeasyPrint is single-threaded). Target (issue 7):
charter ≤ 1.5 × plain HTML. Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import html
import io
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from html.parser import HTMLParser  # noqa: E402

from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from reports import charter, charter_report, sample  # noqa: E402

TARGET_RATIO = 1.5
BASE_URL = "https://city.example"


class _Text(HTMLParser):
    """Collects the text of an HTML document, one item per text node, skipping <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def text_only_html(charter_html: str, font_size: str) -> str:
    parser = _Text()
    parser.feed(charter_html)
    paragraphs = "\n".join(f"<p>{html.escape(part)}</p>" for part in parser.parts)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        f"@page {{ size: A4; margin: 24mm 22mm 30mm }} body {{ font: {font_size} serif }}"
        "</style></head><body>" + paragraphs + "</body></html>"
    )


def plain_html(charter_html: str, font_size: str) -> str:
    """The charter's body with no styling at all: no stylesheet, margin boxes or images."""
    body = charter_html[charter_html.index("<body>") :]
    body = re.sub(r"<img[^>]*>", "", body)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        f"@page {{ size: A4 }} html {{ font-size: {font_size} }}"
        "</style></head>" + body
    )


def same_length(make: object, source: str, target_pages: int) -> str:
    """``make(source, size)`` at the font size that fills ``target_pages`` pages."""
    low, high = 5.0, 20.0
    document = make(source, "12pt")  # type: ignore[operator]
    for _ in range(14):
        size = (low + high) / 2
        document = make(source, f"{size:.2f}pt")  # type: ignore[operator]
        count = pages(_plain_pdf(document))
        if count == target_pages:
            break
        if count > target_pages:
            high = size
        else:
            low = size
    return document


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _plain_pdf(source: str) -> bytes:
    return HTML(string=source).write_pdf()


def timed(functions: dict[str, object], runs: int) -> dict[str, tuple[float, bytes]]:
    """Median CPU time of each function, the runs interleaved so that a busy moment on
    the machine weighs on every candidate alike; each is warmed up first."""
    results = {name: function() for name, function in functions.items()}  # type: ignore[operator]
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            start = time.process_time()
            results[name] = function()  # type: ignore[operator]
            times[name].append(time.process_time() - start)
    return {name: (statistics.median(times[name]), results[name]) for name in functions}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--locale", default="en", choices=["en", "fr"])
    args = parser.parse_args()

    content = sample.sample_content(args.locale, BASE_URL)
    sha = charter.digest(content)
    report = charter_report.charter_data(content, sha, BASE_URL)
    charter_html = charter_report.CHARTER.render_html(report)

    charter_pdf = charter_report.render_charter(content, sha, BASE_URL)
    target_pages = pages(charter_pdf)
    plain = same_length(plain_html, charter_html, target_pages)
    text = same_length(text_only_html, charter_html, target_pages)
    measured = timed(
        {
            "charter": lambda: charter_report.render_charter(content, sha, BASE_URL),
            "plain": lambda: _plain_pdf(plain),
            "text": lambda: _plain_pdf(text),
        },
        args.runs,
    )
    charter_time = measured["charter"][0]
    plain_time, plain_pdf = measured["plain"]
    text_time, text_pdf = measured["text"]

    ratio = charter_time / plain_time
    print(f"charter ({args.locale}, PDF/A-3b, {target_pages} pages): {charter_time * 1000:.0f} ms")
    print(f"plain HTML, same body unstyled ({pages(plain_pdf)} pages): {plain_time * 1000:.0f} ms")
    print(f"text only, same text ({pages(text_pdf)} pages): {text_time * 1000:.0f} ms")
    print(f"ratio to plain HTML: {ratio:.2f} (target ≤ {TARGET_RATIO})")
    print(f"ratio to text only: {charter_time / text_time:.2f} (for information)")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
