"""Votes close themselves at ``closes_at``: within a round of the worker, once, exactly as
the manual close does."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from deliberation.votes import closing, services
from partnerstate.database import utcnow
from partnerstate.models import AuditEntry
from partnerstate.partnerships.errors import Conflict
from partnerstate.settings import load_settings
from partnerstate.worker import SCHEDULED_TASKS, Worker
from tests.partnerstate.test_mail_delivery import settings_for

HOUR = dt.timedelta(hours=1)


def _election(db, people, closes_at=None, opened=None):
    vote = services.open_election(
        db, people.assembly, people.official, "Committee", "stv", 1, ["Ana", "Bo", "Cy"],
        closes_at=closes_at, now=opened,
    )  # fmt: skip
    db.commit()
    return vote


def _vote_for_all(db, people, vote):
    ana, bo, cy = (option.id for option in vote.options)
    for user, ranking in (
        (people.member, [ana, bo, cy]),
        (people.voter, [ana, cy, bo]),
        (people.facilitator, [bo, ana, cy]),
    ):
        services.cast_ballot(db, vote, user, ranking, now=vote.opened_at + dt.timedelta(minutes=1))
    db.commit()


def _due(db, people):
    """A vote opened two hours ago that closed an hour ago (ballots cast in between)."""
    now = utcnow()
    vote = _election(db, people, closes_at=now - HOUR, opened=now - 2 * HOUR)
    _vote_for_all(db, people, vote)
    return vote


def _closes(db, vote):
    return db.scalar(
        select(func.count()).where(
            AuditEntry.action == "vote.close", AuditEntry.object_id == str(vote.id)
        )
    )


def test_a_vote_past_its_closing_time_closes_itself(db, session_factory, people):
    vote = _due(db, people)
    assert closing.close_due_votes(session_factory, settings_for(), utcnow()) == 1
    db.expire_all()
    assert vote.status == "closed"
    assert vote.closed_by_id is None  # the system closed it
    assert vote.secret is None  # keys destroyed, as at a manual close
    assert vote.result["turnout"]["ballots"] == 3
    # Once: another round finds nothing more to close.
    assert closing.close_due_votes(session_factory, settings_for(), utcnow()) == 0
    assert _closes(db, vote) == 1


def test_the_result_is_the_manual_closes(db, session_factory, people):
    automatic = _due(db, people)
    manual = _due(db, people)
    services.close_vote(db, manual, people.official)
    db.commit()
    closing.close_due_votes(session_factory, settings_for(), utcnow())
    db.expire_all()

    def labelled(vote):
        names = {option.id: option.display_label("en") for option in vote.options}
        result = vote.result
        return {
            "winners": [names[i] for i in result["winners"]],
            "outcome": result["outcome"],
            "turnout": result["turnout"],
            "quorum_met": result["quorum_met"],
            "keys": sorted(result),
            "rounds": len(result["rounds"]),
        }

    assert labelled(automatic) == labelled(manual)
    assert labelled(automatic)["winners"] == ["Ana"]


def test_a_vote_still_open_is_left_alone(db, session_factory, people):
    vote = _election(db, people, closes_at=utcnow() + HOUR)
    assert closing.close_due_votes(session_factory, settings_for(), utcnow()) == 0
    db.expire_all()
    assert vote.status == "open"
    # Nor is one without a closing time.
    _election(db, people)
    assert closing.close_due_votes(session_factory, settings_for(), utcnow() + 2 * HOUR) == 1


def test_the_manual_close_stays_and_is_not_repeated(db, session_factory, people):
    vote = _due(db, people)
    services.close_vote(db, vote, people.facilitator)
    db.commit()
    assert closing.close_due_votes(session_factory, settings_for(), utcnow()) == 0
    with pytest.raises(Conflict):
        services.close_vote(db, vote, people.facilitator)
    db.rollback()
    assert _closes(db, vote) == 1


def test_the_worker_runs_the_close_within_a_minute():
    [task] = [task for task in SCHEDULED_TASKS if task.target.endswith(":close_due_votes")]
    assert task.every <= dt.timedelta(minutes=1)


def test_a_worker_round_closes_due_votes(db, session_factory, people, tmp_path):
    vote = _due(db, people)
    settings = load_settings({"partnerstate.mail_folder": str(tmp_path)}, environ={})
    Worker(settings, session_factory).run_once(force=True)
    db.expire_all()
    assert vote.status == "closed"
