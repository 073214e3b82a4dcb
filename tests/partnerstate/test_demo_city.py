"""The synthetic city of ``partnerstate demo-city``: sized from N, consistent, deterministic."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from assemblies import services as assemblies
from assemblies.models import Assembly, Attendance, CensusEntry, Meeting, Membership
from deliberation.debate_models import Argument
from deliberation.votes import ballots
from deliberation.votes.models import Ballot, Vote
from partnerstate.commons.models import Commons
from partnerstate.demo_city import build, plan
from partnerstate.models import AuditEntry, User
from partnerstate.partnerships.lifecycle import Status
from partnerstate.partnerships.models import Partnership
from reports.models import Charter

RESIDENTS = 2_000
# Charters the small city is asked for: more than the pacts it adopts (four).
CHARTERS = 9


def _count(db, model, *where):
    return db.scalar(select(func.count()).select_from(model).where(*where))


def _fingerprint(db, city):
    """What the seed decides, without ids (which differ from one run to the next)."""
    people = db.execute(
        select(User.email, User.display_name, User.locale).where(User.email.like("resident%"))
    ).all()
    commons = db.execute(
        select(Commons.name, Commons.category, Commons.latitude, Commons.longitude).order_by(
            Commons.id
        )
    ).all()
    position = {pid: n for n, pid in enumerate(city.partnership_ids)}
    arguments = [
        (position[pid], body, stance, parent is not None)
        for pid, body, stance, parent in db.execute(
            select(
                Argument.partnership_id, Argument.body, Argument.stance, Argument.parent_id
            ).order_by(Argument.id)
        )
    ]
    statuses = [db.get(Partnership, pid).status for pid in city.partnership_ids]
    rankings = []
    for vote_id in city.closed_vote_ids:
        options = {o.id: o.position for o in db.get(Vote, vote_id).options}
        rows = db.scalars(select(Ballot.ranking).where(Ballot.vote_id == vote_id))
        rankings.append(
            sorted(
                Counter(
                    tuple(tuple(options[i] for i in group) for group in ballots.parse(r))
                    for r in rows
                ).items()
            )
        )
    return sorted(people), commons, arguments, statuses, rankings


def test_plan_keeps_the_proportions_of_the_city_of_a_million():
    million = plan.plan_for(1_000_000)
    assert (million.assemblies, million.members, million.commons) == (10, 50_000, 10_000)
    assert (million.partnerships, million.closed_votes, million.ballots) == (500, 100, 300_000)
    assert (million.arguments, million.largest_deliberation) == (20_000, 1_000)
    assert (million.meetings, million.charters) == (2_000, 200)
    small = plan.plan_for(RESIDENTS)
    assert small.closed_votes >= len(plan.CLOSED_VOTE_FATES)
    with pytest.raises(ValueError):
        plan.plan_for(999)


def test_a_small_city_is_consistent(db):
    # More charters than adopted pacts, as in the city of a million (200 for 66 pacts).
    city_plan = dataclasses.replace(plan.plan_for(RESIDENTS), charters=CHARTERS)
    city = build.build(db, city_plan, seed=7)

    # Census, members and roles, in proportion.
    assert _count(db, CensusEntry) == RESIDENTS
    assert _count(db, Assembly) == city_plan.assemblies
    assert _count(db, Membership) == city_plan.members
    for assembly_id in city.assembly_ids:
        roles = assemblies.role_counts(db, assembly_id)
        assert roles["facilitator"] >= 1 and roles["observer"] >= 1 and roles["member"] > 1
        voters = assemblies.voting_members(db, assembly_id)
        # Every voter verified with a census line of their own; observers are not.
        used = _count(
            db,
            CensusEntry,
            CensusEntry.assembly_id == assembly_id,
            CensusEntry.used_by_id.is_not(None),
        )
        assert len(voters) == used == roles["facilitator"] + roles["member"]
    assert _count(db, AuditEntry, AuditEntry.action == "assembly.member_add") == city_plan.members

    # Commons in every category, with coordinates.
    assert _count(db, Commons, Commons.status == "published") == city_plan.commons
    assert _count(db, Commons, Commons.latitude.is_(None)) == 0
    categories = set(db.scalars(select(Commons.category).distinct()))
    assert len(categories) == min(12, city_plan.commons)

    # Partnerships in every state a partnership can stay in.
    statuses = Counter(db.scalars(select(Partnership.status)))
    assert sum(statuses.values()) == city_plan.partnerships
    assert set(statuses) == {s.value for s in Status} - {"signed"}
    for vote_id in city.closed_vote_ids:
        vote = db.get(Vote, vote_id)
        assert vote.status == "closed" and vote.result is not None
    assert db.get(Vote, city.open_vote_id).status == "open"
    cast = db.scalar(select(func.sum(Ballot.weight)))
    # No-quorum votes hold fewer ballots than the others.
    assert 0.7 * city_plan.ballots <= cast <= city_plan.ballots

    # Deliberations: the largest one, replies, the total.
    assert _count(db, Argument) >= city_plan.arguments * 0.9
    largest = _count(db, Argument, Argument.partnership_id == city.largest_deliberation_id)
    assert largest == city_plan.largest_deliberation
    assert _count(db, Argument, Argument.parent_id.is_not(None)) > 0

    # Charters: issued for every adopted partnership that went on, signed when active.
    voted = set(db.scalars(select(Vote.partnership_id).where(Vote.status == "closed")))
    # The pacts adopted are fewer than the charters planned: they are issued in more
    # languages, one current charter per pact and language.
    charters = db.execute(select(Charter.partnership_id, Charter.locale, Charter.status)).all()
    assert len(charters) == len(city.charter_ids) == CHARTERS
    assert len({(pid, locale) for pid, locale, _ in charters}) == CHARTERS
    assert len({locale for _, locale, _ in charters}) > 1
    for pid in voted:
        if db.get(Partnership, pid).status in ("active", "closed"):
            assert "signed" in {status for p, _, status in charters if p == pid}

    # Meetings: past ones with minutes and attendance, coming ones with registrations.
    assert _count(db, Meeting) == city_plan.meetings
    assert _count(db, Meeting, Meeting.minutes.is_not(None)) == city_plan.meetings // 2
    assert _count(db, Attendance, Attendance.attended.is_(True)) > 0
    assert _count(db, Attendance, Attendance.registered_at.is_not(None)) > 0


def test_the_same_seed_builds_the_same_city(db, monkeypatch):
    # PDFs do not depend on the seed's choices beyond the charter text, and rendering
    # them twice over would triple this test's time: a fixed PDF stands in for them.
    from reports import charter_report

    monkeypatch.setattr(charter_report, "render_charter", lambda *a, **k: b"%PDF-1.7\n%%EOF")
    city_plan = plan.plan_for(RESIDENTS)
    prints = []
    for seed in (3, 3, 4):
        with db.begin_nested() as savepoint:
            city = build.build(db, city_plan, seed=seed)
            prints.append(_fingerprint(db, city))
            savepoint.rollback()
        # Records loaded (not added) inside the savepoint stay in the identity map after
        # its rollback; the next city reuses their ids on SQLite.
        db.expunge_all()
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_command_line_refuses_a_second_city(tmp_path, monkeypatch):
    import partnerstate.database
    from partnerstate.cli import main
    from partnerstate.database import make_engine, make_session_factory

    analysed = []
    real_refresh = partnerstate.database.refresh_statistics
    monkeypatch.setattr(
        partnerstate.database,
        "refresh_statistics",
        lambda engine: analysed.append(str(engine.url)) or real_refresh(engine),
    )
    url = f"sqlite:///{tmp_path / 'city.sqlite'}"
    runner = CliRunner()
    monkeypatch.setenv("PARTNERSTATE_BASE_URL", "https://participate.example.org")
    first = runner.invoke(main, ["demo-city", "--residents", "1000", "--seed", "2", "--db", url])
    assert first.exit_code == 0, first.output
    # A bulk load: the planner is told the new sizes once the city is committed.
    assert analysed == [url]
    assert "A city of 1,000 residents" in first.output
    # Its charters, issued outside any request, link to the configured address.
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        links = set(session.scalars(select(Charter.base_url)))
    engine.dispose()
    assert links == {"https://participate.example.org"}
    again = runner.invoke(main, ["demo-city", "--residents", "1000", "--db", url])
    assert again.exit_code == 1
    too_small = runner.invoke(main, ["demo-city", "--residents", "10", "--db", url])
    assert too_small.exit_code == 2


def test_refreshed_statistics_tell_postgresql_the_tables_sizes(engine):
    from sqlalchemy import text

    from partnerstate.database import refresh_statistics

    refresh_statistics(engine)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            # -1: never analysed, so the planner guesses (and took 1,000 commons for one).
            tuples = connection.scalar(
                text("SELECT reltuples FROM pg_class WHERE relname = 'commons_sort_keys'")
            )
            assert tuples >= 0
            # Vacuumed too: counts read the visibility map and an index, not every row.
            vacuumed = connection.scalar(
                text("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'commons'")
            )
            assert vacuumed is not None
        else:
            # SQLite's plans were measured without statistics: none are made.
            stats = connection.scalar(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            )
            assert stats == 0
