"""No query per row: the journey's lists cost as many queries with 30 rows as with 3.

Each case grows one kind of row (commons, members, meetings, arguments, partnerships,
votes, charters, audit entries) and requests the pages that list it, counting the SQL
statements sent (SQLAlchemy's ``before_cursor_execute``). An N+1 makes the second
count larger, and this test fails.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from tests import factories
from tests.conftest import log_in
from tests.partnerstate.partnerships import helpers

PARIS = ZoneInfo("Europe/Paris")
_numbers = itertools.count(1)


@dataclass
class Town:
    official: Any
    facilitator: Any
    member: Any
    assembly: Any
    partnership: Any


@pytest.fixture
def town(db: Any) -> Town:
    official = factories.make_user(db, role="official", name="Olga Official")
    facilitator = factories.make_user(db, name="Fatou Facilitator")
    member = factories.make_user(db, name="Mia Member")
    assembly = helpers.make_assembly(db)
    helpers.add_member(db, assembly, facilitator, "facilitator")
    helpers.add_member(db, assembly, member, "member")
    partnership = helpers.make_partnership(db, official, assembly, status="deliberation")
    return Town(official, facilitator, member, assembly, partnership)


# --- growing one kind of row -------------------------------------------------------------


def add_commons(db: Any, town: Town, count: int) -> None:
    from partnerstate.commons import services
    from partnerstate.commons import taxonomy as tx

    categories = list(tx.DOMAINS)
    for _ in range(count):
        n = next(_numbers)
        proposer = factories.make_user(db) if n % 2 else town.official
        record = services.propose(
            db,
            proposer,
            {
                "name": f"Shared garden {n}",
                "description": "A garden cared for by its neighbours.",
                "category": categories[n % len(categories)],
                "district": f"District {n % 4}",
                "lat": 50.6 + n / 10_000,
                "lon": 3.05,
            },
            "en",
        )
        if record.status != "published":
            services.validate(db, record, town.official)
    db.commit()


def add_members(db: Any, town: Town, count: int) -> None:
    from assemblies import services

    for n in range(count):
        user = factories.make_user(db)
        role = ("member", "observer", "facilitator")[n % 3]
        services.add_member(db, town.assembly, user, role, actor=town.official)
        if n % 2:
            services.verify_by_official(db, town.assembly, user, town.official)
        if n % 5 == 0:
            services.request_to_join(db, town.assembly, factories.make_user(db), "Hello")
    db.commit()


def add_meetings(db: Any, town: Town, count: int) -> None:
    import datetime as dt

    from assemblies import services
    from partnerstate.database import utcnow

    for n in range(count):
        days = 3 + n if n % 2 else -3 - n
        starts = utcnow() + dt.timedelta(days=days)
        meeting = services.schedule_meeting(
            db,
            town.assembly,
            town.facilitator,
            {"title": f"Plenary {next(_numbers)}", "starts_at": starts.isoformat(),
             "location": "Town hall", "agenda": ["Commons", "Partnerships"]},
            "en",
            PARIS,
        )  # fmt: skip
        if days > 0:
            services.register_attendance(db, meeting, town.member)
        else:
            services.record_minutes(db, meeting, town.facilitator, "Notes.", [town.member.id])
    db.commit()


def add_arguments(db: Any, town: Town, count: int) -> None:
    from assemblies import services as assemblies
    from deliberation.services import arguments

    parents: list[int] = []
    for n in range(count):
        author = factories.make_user(db)
        assemblies.add_member(db, town.assembly, author, "member")
        parent = parents[-1] if parents and n % 3 == 2 else None
        post = arguments.post(
            db, town.partnership, author, f"Point {n}: shared use.", "for", parent_id=parent
        )
        parents.append(post.id)
    db.commit()


def add_partnerships(db: Any, town: Town, count: int) -> None:
    for n in range(count):
        status = ("deliberation", "adopted", "active", "rejected")[n % 4]
        helpers.make_partnership(db, town.official, town.assembly, status=status)


def add_votes(db: Any, town: Town, count: int) -> None:
    from deliberation.votes import services as votes

    for n in range(count):
        partnership = helpers.make_partnership(
            db, town.official, town.assembly, status="deliberation"
        )
        vote = votes.open_partnership_vote(db, partnership, town.official)
        ids = [option.id for option in vote.options]
        votes.cast_ballot(db, vote, town.member, ids)
        if n % 2:
            votes.close_vote(db, vote, town.official)
        db.commit()


def add_charters(db: Any, town: Town, count: int, monkeypatch: Any) -> None:
    from reports import charter_report
    from reports import services as charters

    # The PDF's content is not what this test counts; rendering 33 would take a minute.
    monkeypatch.setattr(charter_report, "render_charter", lambda *a, **k: b"%PDF-1.7\n%%EOF")
    for n in range(count):
        partnership = helpers.make_partnership(db, town.official, town.assembly, status="adopted")
        item = charters.issue(
            db,
            partnership,
            town.official,
            charters.IssueRequest(city_signatory_name="Olga", commons_signatory_name="Cam"),
            base_url="http://localhost",
        )
        if n % 2:
            charters.sign(db, item, town.official, party="city", name="Olga Official")
        db.commit()


# --- the cases ---------------------------------------------------------------------------


def _assembly(town: Town, tail: str = "") -> str:
    return f"/assemblies/{town.assembly.id}{tail}"


# (name, grow, who is signed in, paths)
CASES: list[tuple[str, Callable[..., None], str | None, Callable[[Town], list[str]]]] = [
    ("commons", add_commons, None, lambda t: [
        "/commons", "/commons?q=garden&category=food", "/api/v1/commons",
        "/api/v1/commons?sort=name", "/api/v1/commons.geojson", "/commons.csv"]),
    ("commons-official", add_commons, "official", lambda t: ["/commons", "/audit"]),
    ("members", add_members, "facilitator", lambda t: [
        _assembly(t), _assembly(t, "/members")]),
    ("meetings", add_meetings, "member", lambda t: [
        _assembly(t), _assembly(t, "/meetings"), _assembly(t, "/calendar.ics")]),
    ("arguments", add_arguments, "member", lambda t: [
        f"/partnerships/{t.partnership.id}",
        f"/api/v1/partnerships/{t.partnership.id}/comments"]),
    ("partnerships", add_partnerships, None, lambda t: [
        "/partnerships", "/api/v1/partnerships", f"/commons/{t.partnership.commons_id}",
        _assembly(t)]),
    ("votes", add_votes, "member", lambda t: ["/votes", "/", "/notifications", _assembly(t)]),
    ("charters", add_charters, None, lambda t: ["/charters", "/api/v1/charters", "/"]),
]  # fmt: skip


class QueryCounter:
    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.count = 0

    def __call__(self, *args: Any) -> None:
        self.count += 1

    def __enter__(self) -> QueryCounter:
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self)


def _counts(app: Any, engine: Any, paths: list[str]) -> dict[str, int]:
    counts = {}
    for path in paths:
        app.get(path)  # warm-up: first-request work (caches, a session's refresh) aside
        with QueryCounter(engine) as counter:
            response = app.get(path)
        assert response.status_int == 200, path
        counts[path] = counter.count
    return counts


@pytest.mark.parametrize(("name", "grow", "who", "paths"), CASES, ids=[c[0] for c in CASES])
def test_a_list_costs_the_same_queries_with_30_rows_as_with_3(
    app, db, engine, town, monkeypatch, name, grow, who, paths
):
    extra = {"monkeypatch": monkeypatch} if grow is add_charters else {}
    grow(db, town, 3, **extra)
    if who is not None:
        log_in(app, getattr(town, who).email)
    few = _counts(app, engine, paths(town))
    grow(db, town, 27, **extra)
    many = _counts(app, engine, paths(town))
    assert many == few
