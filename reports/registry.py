"""Named report types: a template, its print stylesheet and a data function.

Adding a report is adding a folder ``reports/types/<name>/`` holding

* ``template.jinja2`` — the HTML, rendered by :mod:`reports.render` in the report's
  language (``locale`` is in the context);
* ``print.css`` — its print stylesheet (``@page`` rules, counters…);
* ``data.py`` — ``build(db, **params) -> ReportData``: reads what it needs through
  the owning packages' services and models and returns the template context.

The folders are discovered when the registry is first used. A report type may
also be registered from code (the charter is: its template lives in
``reports/templates/reports/`` beside the pages that show it).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reports import render

#: Font stacks by script, shared by every report and given before its own stylesheet.
SCRIPTS_STYLESHEET = Path(__file__).parent / "static" / "scripts.css"

TYPES_DIR = Path(__file__).parent / "types"


@dataclass
class ReportData:
    """What a data function returns: the template context and how to package the PDF."""

    context: dict[str, Any]
    locale: str
    title: str
    filename: str
    attachments: Sequence[render.PdfAttachment] = field(default_factory=tuple)
    archival: bool = True


DataFunction = Callable[..., ReportData]


@dataclass(frozen=True)
class ReportType:
    name: str
    template: str
    stylesheet: Path
    data: DataFunction

    def render_html(self, report: ReportData) -> str:
        return render.render_html(self.template, report.context, report.locale)

    def render_pdf(self, report: ReportData) -> bytes:
        return render.html_to_pdf(
            self.render_html(report),
            [render.read_stylesheet(SCRIPTS_STYLESHEET), render.read_stylesheet(self.stylesheet)],
            attachments=report.attachments,
            archival=report.archival,
        )

    def build(self, *args: Any, **params: Any) -> ReportData:
        return self.data(*args, **params)


class UnknownReport(LookupError):
    pass


_registry: dict[str, ReportType] = {}
_discovered = False


def register(report_type: ReportType) -> ReportType:
    _registry[report_type.name] = report_type
    return report_type


def _discover() -> None:
    """Register every ``reports/types/<name>/`` folder that has the three parts."""
    global _discovered
    if _discovered:
        return
    # The charter registers itself (its template lives with the pages that show it).
    importlib.import_module("reports.charter_report")
    for folder in sorted(TYPES_DIR.iterdir()):
        if not (folder / "template.jinja2").is_file() or not (folder / "data.py").is_file():
            continue
        module = importlib.import_module(f"reports.types.{folder.name}.data")
        register(
            ReportType(
                name=folder.name,
                template=f"{folder.name}/template.jinja2",
                stylesheet=folder / "print.css",
                data=module.build,
            )
        )
    _discovered = True


def get(name: str) -> ReportType:
    _discover()
    try:
        return _registry[name]
    except KeyError:
        raise UnknownReport(name) from None


def names() -> list[str]:
    _discover()
    return sorted(_registry)


def render_pdf(name: str, *args: Any, **params: Any) -> tuple[ReportData, bytes]:
    """Build the data of report ``name`` and render it: ``(data, pdf bytes)``."""
    report_type = get(name)
    report = report_type.build(*args, **params)
    return report, report_type.render_pdf(report)


def as_mapping() -> Mapping[str, ReportType]:
    _discover()
    return dict(_registry)
