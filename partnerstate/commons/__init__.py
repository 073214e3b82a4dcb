"""The commons register: propose, validate, publish, search, map, export.

Only ``includeme`` lives here, so importing the package (e.g. for its models)
never pulls in views or services.
"""

from __future__ import annotations

from typing import Any


def includeme(config: Any) -> None:
    """Routes, views, static files and the nav link of the register."""
