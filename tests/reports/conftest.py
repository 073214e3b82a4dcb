"""Fixtures for charters: an assembly, a published commons, an adopted partnership."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from tests import factories
from tests.conftest import bearer


@dataclass
class Scene:
    official: Any
    member: Any
    facilitator: Any
    assembly: Any
    commons: Any
    partnership: Any


def make_scene(db: Any, status: str = "adopted", locale: str = "en") -> Scene:
    from tests.partnerstate.partnerships import helpers

    official = factories.make_user(db, role="official", name="Olga Official")
    member = factories.make_user(db, name="Mia Member")
    facilitator = factories.make_user(db, name="Fatou Facilitator")
    assembly = helpers.make_assembly(db, locale=locale)
    helpers.add_member(db, assembly, member, "member")
    helpers.add_member(db, assembly, facilitator, "facilitator")
    commons = helpers.make_commons(db, official, name="Moulins shared garden")
    partnership = helpers.make_partnership(db, official, assembly, commons, status=status)
    return Scene(official, member, facilitator, assembly, commons, partnership)


@pytest.fixture
def scene(db: Any) -> Scene:
    return make_scene(db)


def issue(app: Any, db: Any, scene: Scene, status: int = 201, **body: Any) -> Any:
    return app.post_json(
        f"/api/v1/partnerships/{scene.partnership.id}/charter",
        body,
        headers=bearer(db, scene.official),
        status=status,
    )


def sign(app: Any, db: Any, user: Any, charter_id: Any, status: int = 201, **body: Any) -> Any:
    payload = {"name": "Claire Martin", "role": "Deputy mayor", "party": "city", **body}
    return app.post_json(
        f"/api/v1/charters/{charter_id}/signatures",
        payload,
        headers=bearer(db, user),
        status=status,
    )


def form_token(page: Any) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, "no CSRF token on the page"
    return match.group(1)


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
