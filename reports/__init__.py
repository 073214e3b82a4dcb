"""Charters and reports rendered to PDF with WeasyPrint."""

from __future__ import annotations

from typing import Any


def includeme(config: Any) -> None:
    """Register this package's routes, views and templates (called by partnerstate.main)."""
    config.add_jinja2_search_path("reports:templates", name=".jinja2")
