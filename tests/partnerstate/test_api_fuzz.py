"""Generated requests (schemathesis, seeded) never get a server error or a reply off the schema.

A few examples per operation, as anonymous, member and official, so that CI holds the
line in about a minute per engine; ``benchmarks/api_fuzz.py`` runs a hundred or more.
"""

from __future__ import annotations

import logging

import pytest

from tests import api_fuzz
from tests.conftest import bearer
from tests.partnerstate.partnerships import helpers

# Per operation, and again as many invalid ones (schemathesis' "negative" mode).
EXAMPLES = 5


@pytest.fixture
def quiet_errors(caplog):
    # A refused request logs nothing alarming, but the few that do must not flood the output.
    caplog.set_level(logging.CRITICAL)


@pytest.mark.parametrize("role", ["anonymous", "member", "official"])
def test_generated_requests_get_no_server_error_and_no_answer_off_the_schema(
    app, wsgi_app, db, official, role, quiet_errors
):
    # Something to find: an assembly with members, a commons, a partnership in deliberation.
    cast = helpers.make_cast(db, official)
    helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "deliberation")
    users = {"member": cast.member, "official": official}
    headers = bearer(db, users[role]) if role in users else None
    report = api_fuzz.fuzz(wsgi_app, headers, max_examples=EXAMPLES)
    assert report.operations >= 70
    assert report.cases >= report.operations * EXAMPLES
    assert report.required_failures() == [], report.summary()
