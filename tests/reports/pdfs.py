"""Reading rendered PDFs back: text (pdftotext), XMP metadata and attachments (pypdf)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# poppler-utils, installed by .ci/run.
PDFTOTEXT = shutil.which("pdftotext") or "pdftotext"
PDFTOPPM = shutil.which("pdftoppm") or "pdftoppm"


def text(pdf: bytes, page: int | None = None) -> str:
    """The PDF's (or one page's) text with hyphenation undone and whitespace collapsed."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    raw = subprocess.run(
        [PDFTOTEXT, *pages, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    # WeasyPrint hyphenates with U+2010; join the halves of a word split at a line end.
    raw = re.sub(r"[\u2010\u00ad]\s*\n\s*", "", raw)
    return re.sub(r"\s+", " ", raw).strip()


def flat(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def xmp(pdf: bytes) -> str:
    """The XMP metadata stream as text."""
    metadata = reader(pdf).trailer["/Root"]["/Metadata"].get_object()
    return metadata.get_data().decode("utf-8")


def attachments(pdf: bytes) -> dict[str, bytes]:
    return {name: contents[0] for name, contents in reader(pdf).attachments.items()}


def page_count(pdf: bytes) -> int:
    return len(reader(pdf).pages)


def first_page_png(pdf: bytes, name: str) -> Path:
    """Page 1 as a PNG in test-artifacts/ (gitignored) for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    prefix = ARTIFACTS / name
    subprocess.run(
        [
            PDFTOPPM,
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(prefix),
        ],
        check=True,
        capture_output=True,
    )
    return prefix.with_suffix(".png")
