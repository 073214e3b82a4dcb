"""Who sees a draft partnership: the city's officials and the assembly's facilitators.

The draft form promises "Until deliberation opens, only the city's officials and the
assembly's facilitators can see the draft"; these tests hold every way in to that promise,
role by role. To everyone else a draft is a 404 exactly like an unknown number (a 403
would tell that it exists), and lists, counts and other pages leave it out.
"""

from __future__ import annotations

import pytest

from tests.conftest import bearer, log_in
from tests.partnerstate.partnerships import helpers

# Role → may read the draft.
ROLES = [
    ("anonymous", False),
    ("outsider", False),
    ("member", False),
    ("observer", False),
    ("facilitator", True),
    ("official", True),
]
DRAFT_TITLE = "Secret tool library pact"
OPEN_TITLE = "Public garden pact"


@pytest.fixture
def cast(db, official):
    return helpers.make_cast(db, official)


@pytest.fixture
def draft(db, cast):
    return helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, title=DRAFT_TITLE
    )


@pytest.fixture
def in_deliberation(db, cast):
    return helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation", title=OPEN_TITLE
    )


def as_(app, db, cast, role):
    """The API headers of ``role`` (after logging the browser session in, too)."""
    if role == "anonymous":
        return {}
    user = getattr(cast, role)
    log_in(app, user.email)
    return bearer(db, user)


@pytest.mark.parametrize(("role", "sees"), ROLES)
def test_the_draft_page(app, db, cast, draft, role, sees):
    as_(app, db, cast, role)
    page = app.get(f"/partnerships/{draft.id}", expect_errors=True)
    assert page.status_int == (200 if sees else 404)
    assert (DRAFT_TITLE in page.text) is sees


@pytest.mark.parametrize(("role", "sees"), ROLES)
def test_the_draft_in_the_api(app, db, cast, draft, role, sees):
    headers = as_(app, db, cast, role)
    response = app.get(f"/api/v1/partnerships/{draft.id}", headers=headers, expect_errors=True)
    assert response.status_int == (200 if sees else 404)
    versions = app.get(
        f"/api/v1/partnerships/{draft.id}/versions", headers=headers, expect_errors=True
    )
    assert versions.status_int == (200 if sees else 404)


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_a_hidden_draft_answers_exactly_like_an_unknown_number(app, db, cast, draft, role):
    headers = as_(app, db, cast, role)
    unknown = draft.id + 1000
    hidden = app.get(f"/api/v1/partnerships/{draft.id}", headers=headers, status=404)
    missing = app.get(f"/api/v1/partnerships/{unknown}", headers=headers, status=404)
    assert hidden.json == missing.json
    hidden = app.get(f"/partnerships/{draft.id}", status=404)
    missing = app.get(f"/partnerships/{unknown}", status=404)
    assert hidden.html.select_one("main").text == missing.html.select_one("main").text


def test_a_facilitator_of_another_assembly_does_not_see_it(app, db, cast, draft):
    other = helpers.make_assembly(db, "Another assembly")
    helpers.add_member(db, other, cast.member, "facilitator")
    headers = as_(app, db, cast, "member")
    app.get(f"/api/v1/partnerships/{draft.id}", headers=headers, status=404)
    listed = app.get("/api/v1/partnerships", headers=headers).json["items"]
    assert draft.id not in {item["id"] for item in listed}


@pytest.mark.parametrize(("role", "sees"), ROLES)
def test_the_lists_and_counts(app, db, cast, draft, in_deliberation, role, sees):
    headers = as_(app, db, cast, role)
    page = app.get("/partnerships")
    assert (DRAFT_TITLE in page.text) is sees and OPEN_TITLE in page.text
    assert f"Partnerships found: {2 if sees else 1}" in page.text
    drafts_only = app.get("/partnerships", {"status": "draft"})
    assert (DRAFT_TITLE in drafts_only.text) is sees
    listed = app.get("/api/v1/partnerships", headers=headers).json["items"]
    assert {item["id"] for item in listed} == (
        {draft.id, in_deliberation.id} if sees else {in_deliberation.id}
    )
    by_status = app.get("/api/v1/partnerships", {"status": "draft"}, headers=headers).json
    assert [item["id"] for item in by_status["items"]] == ([draft.id] if sees else [])


@pytest.mark.parametrize(("role", "sees"), ROLES)
def test_the_commons_and_assembly_pages(app, db, cast, draft, in_deliberation, role, sees):
    as_(app, db, cast, role)
    for path in (f"/commons/{cast.commons.id}", f"/assemblies/{cast.assembly.id}"):
        page = app.get(path)
        assert (DRAFT_TITLE in page.text) is sees, path
        assert OPEN_TITLE in page.text, path


def test_once_deliberation_opens_everyone_reads_it(app, db, cast, draft):
    app.post_json(
        f"/api/v1/partnerships/{draft.id}/deliberation", {}, headers=bearer(db, cast.facilitator)
    )
    assert app.get(f"/partnerships/{draft.id}").status_int == 200
    assert app.get(f"/api/v1/partnerships/{draft.id}").json["status"] == "deliberation"


def test_the_draft_form_says_who_sees_the_draft(app, db, cast):
    log_in(app, cast.official.email)
    page = app.get("/partnerships/new")
    assert (
        "Until deliberation opens, only the city's officials and the assembly's facilitators "
        "can see the draft." in page.text.replace("&#39;", "'")
    )
