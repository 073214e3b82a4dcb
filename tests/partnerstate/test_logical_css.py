"""The app's stylesheets and inline styles use logical properties, so pages mirror in Arabic.

``margin-left`` stays on the left in a right-to-left page; ``margin-inline-start`` is on
the left in English and on the right in Arabic. This test reads every stylesheet the
pages load and every ``style`` in a page template, and names each physical property it
finds with its file and line.

Print stylesheets of PDFs (the charter, the vote and minutes reports) are not pages'
stylesheets: they are laid out by WeasyPrint for one document language and belong to
the reports package's charter rendering.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("partnerstate", "assemblies", "deliberation", "reports")

# Physical properties and values, and the logical one to use instead.
PHYSICAL = [
    (re.compile(r"\b(margin|padding)-(left|right)\b"), "margin/padding-inline-start/end"),
    (re.compile(r"\bborder-(left|right)(-\w+)?\b"), "border-inline-start/end"),
    (re.compile(r"\bborder-(top|bottom)-(left|right)-radius\b"), "border-start-start-radius…"),
    (re.compile(r"(?<![-\w])(left|right)\s*:"), "inset-inline-start/end"),
    (re.compile(r"\btext-align\s*:\s*(left|right)\b"), "text-align: start/end"),
    (re.compile(r"\b(float|clear)\s*:\s*(left|right)\b"), "float: inline-start/end"),
]
# margin: 0 1rem 0 0 — four values whose left and right differ are physical too.
SHORTHAND = re.compile(r"(?<![-\w])(margin|padding|inset)\s*:\s*([^;}]+)")

# "file:property snippet" -> why the physical form is right there. Keep it short and
# justified: every entry is a place that does not mirror on purpose.
ALLOWED: dict[str, str] = {}


def _without_comments(text: str) -> str:
    # Keep the line breaks so that line numbers stay true.
    return re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)


def stylesheets() -> list[Path]:
    return sorted(
        path for package in PACKAGES for path in (ROOT / package).rglob("static/**/*.css")
    )


def templates() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.jinja2"))


def _pdf_template(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return relative.startswith(("reports/types/", "reports/templates/reports/charter.jinja2"))


def physical_properties(css: str) -> list[tuple[int, str]]:
    """``(line, what)`` for each physical property or value in ``css``."""
    found = []
    for number, line in enumerate(_without_comments(css).splitlines(), start=1):
        for pattern, instead in PHYSICAL:
            for match in pattern.finditer(line):
                found.append((number, f"{match.group(0).strip()} (use {instead})"))
        for match in SHORTHAND.finditer(line):
            values = match.group(2).replace("!important", "").split()
            if len(values) == 4 and values[1] != values[3]:
                found.append((number, f"{match.group(0).strip()} (use {match.group(1)}-inline)"))
    return found


def _inline_styles(template: str) -> str:
    # style="…" attributes and <style> elements, each on the line where it starts.
    lines = template.splitlines()
    kept = ["" for _ in lines]
    for pattern in (r'style="([^"]*)"', r"<style[^>]*>(.*?)</style>"):
        for match in re.finditer(pattern, template, flags=re.S):
            line = template.count("\n", 0, match.start())
            kept[line] += " " + match.group(1).replace("\n", " ")
    return "\n".join(kept)


def _report(path: Path, found: list[tuple[int, str]]) -> list[str]:
    relative = path.relative_to(ROOT).as_posix()
    return [
        f"{relative}:{line}: {what}"
        for line, what in found
        if not any(
            key.split(":", 1)[0] == relative and key.split(":", 1)[1] in what for key in ALLOWED
        )
    ]


def test_the_stylesheets_are_found():
    names = {path.name for path in stylesheets()}
    assert {"site.css", "commons.css", "votes.css", "charters.css"} <= names


def test_stylesheets_use_logical_properties():
    problems = [
        p for path in stylesheets() for p in _report(path, physical_properties(path.read_text()))
    ]
    assert not problems, "physical CSS in the app's stylesheets:\n" + "\n".join(problems)


def test_inline_styles_use_logical_properties():
    problems = [
        p
        for path in templates()
        if not _pdf_template(path)
        for p in _report(path, physical_properties(_inline_styles(path.read_text())))
    ]
    assert not problems, "physical CSS in templates:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "css",
    [
        ".a { margin-left: 1rem; }",
        ".a { padding-right: 0; }",
        ".a { border-left: 3px solid; }",
        ".a { border-right-color: red; }",
        ".a { position: absolute; left: 0; }",
        ".a{right:2px}",
        "td { text-align: right; }",
        ".a { float: left; }",
        ".a { clear: right; }",
        ".a { margin: 0 .35rem 0 0; }",
        ".a { border-top-left-radius: 4px; }",
    ],
)
def test_physical_css_is_caught(css):
    assert physical_properties(css)


@pytest.mark.parametrize(
    "css",
    [
        ".a { margin-inline-start: 1rem; padding-inline-end: 0; }",
        ".a { border-inline-start: 3px solid; inset-inline-start: 0; }",
        "td { text-align: start; } .b { text-align: end; } .c { float: inline-start; }",
        ".a { margin: 0 1rem 2rem; padding: .5rem 1rem .5rem 1rem; }",
        ".a { top: 0; margin-top: 1rem; }",
        "/* the list on the left, the map on the right */ .a { gap: 1rem; }",
        ".a { scroll-margin-inline: 0; }",
    ],
)
def test_logical_css_passes(css):
    assert physical_properties(css) == []


def test_inline_styles_are_read_from_attributes_and_style_elements():
    template = '<p style="margin-left: 1rem">a</p>\n<style>\n.b { float: right; }\n</style>'
    assert [line for line, _ in physical_properties(_inline_styles(template))] == [1, 2]
