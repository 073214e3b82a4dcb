"""Fixtures of the assemblies' tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.assemblies.helpers import make_cast


@pytest.fixture
def cast(db: Any, official: Any) -> Any:
    """An open assembly (no verification) with a facilitator, a member and an observer."""
    return make_cast(db, official)


@pytest.fixture
def verified_cast(db: Any, official: Any) -> Any:
    """An assembly whose votes are for verified residents only."""
    return make_cast(db, official, requires_verification=True, name="Verified assembly")
