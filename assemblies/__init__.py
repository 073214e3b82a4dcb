"""Assemblies of the commons: membership and roles, resident verification, meetings."""

from __future__ import annotations

from typing import Any


def includeme(config: Any) -> None:
    """Register this package's routes, views and templates (called by partnerstate.main)."""
    config.add_jinja2_search_path("assemblies:templates", name=".jinja2")
