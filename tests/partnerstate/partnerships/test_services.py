"""The partnership service: each transition through the functions other packages call."""

from __future__ import annotations

import pytest

from partnerstate.models import AuditEntry
from partnerstate.partnerships import services
from partnerstate.partnerships import vocabulary as vocab
from partnerstate.partnerships.errors import Conflict, Forbidden, Invalid
from partnerstate.partnerships.lifecycle import Role
from tests.partnerstate.partnerships import helpers


@pytest.fixture
def cast(db, official):
    return helpers.make_cast(db, official)


def transitions(db, partnership):
    entries = db.query(AuditEntry).filter_by(
        action="partnership.transition", object_id=str(partnership.id)
    )
    return [
        (e.details["from_status"], e.details["to_status"]) for e in entries.order_by(AuditEntry.id)
    ]


def test_the_votes_and_charters_drive_the_middle_of_the_lifecycle(db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    services.start_voting(db, partnership, cast.facilitator, vote_id=7)
    assert partnership.status == "voting" and partnership.voting_started_at
    services.record_outcome(db, partnership, "adopted", cast.facilitator, vote_id=7)
    assert partnership.status == "adopted" and partnership.decided_at
    services.mark_signed(db, partnership, None, charter_id=3)
    assert partnership.status == "signed" and partnership.signed_at
    services.activate(db, partnership, cast.official)
    services.close(db, partnership, cast.official, "End of term")
    assert partnership.status == "closed" and partnership.closing_reason == "End of term"
    assert transitions(db, partnership) == [
        ("draft", "deliberation"),
        ("deliberation", "voting"),
        ("voting", "adopted"),
        ("adopted", "signed"),
        ("signed", "active"),
        ("active", "closed"),
    ]
    entries = db.query(AuditEntry).filter_by(action="partnership.transition").all()
    assert entries[1].details["vote_id"] == 7 and entries[1].actor_id == cast.facilitator.id
    assert entries[3].actor_id is None and entries[3].details["charter_id"] == 3


@pytest.mark.parametrize("outcome", ["rejected", "no_quorum"])
def test_other_outcomes(db, cast, outcome):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "voting")
    services.record_outcome(db, partnership, outcome, cast.official)
    assert partnership.status == outcome


def test_an_unknown_outcome_is_invalid(db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "voting")
    with pytest.raises(Invalid):
        services.record_outcome(db, partnership, "elected", cast.official)


def test_a_member_may_not_start_voting(db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    with pytest.raises(Forbidden):
        services.start_voting(db, partnership, cast.member)
    assert partnership.status == "deliberation"


def test_out_of_order_moves_name_the_state(db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    with pytest.raises(Conflict) as raised:
        services.start_voting(db, partnership, cast.official)
    assert raised.value.fields == {"status": "draft"}
    assert raised.value.message.mapping["status"] == vocab.STATUSES["draft"]
    with pytest.raises(Conflict):
        services.mark_signed(db, partnership, None)


def test_no_quorum_then_deliberate_again(db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "no_quorum"
    )
    services.reopen_deliberation(db, partnership, cast.facilitator, helpers.later(7))
    assert partnership.status == "deliberation"
    assert services.deliberation_is_open(partnership)


def test_roles(db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    assert services.roles_of(db, partnership, cast.official) == {Role.OFFICIAL}
    assert services.roles_of(db, partnership, cast.facilitator) == {Role.FACILITATOR}
    assert services.roles_of(db, partnership, cast.member) == frozenset()
    assert services.roles_of(db, partnership, None) == {Role.SYSTEM}
    helpers.add_member(db, cast.assembly, cast.official, "facilitator")
    assert services.roles_of(db, partnership, cast.official) == {Role.OFFICIAL, Role.FACILITATOR}


def test_available_moves_for_the_page(db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    assert {m.name for m in services.available_moves(db, partnership, cast.official)} == {
        "open_deliberation",
        "withdraw",
    }
    assert [m.name for m in services.available_moves(db, partnership, cast.facilitator)] == [
        "open_deliberation"
    ]
    assert services.available_moves(db, partnership, cast.member) == []
    assert services.available_moves(db, partnership, None) == []


def test_edits_are_versioned_and_audited(db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    version = services.edit(
        db, partnership, cast.official, {"duration_months": 12}, "en", "Shorter"
    )
    assert version.number == 2 and version.note == "Shorter"
    assert services.get_version(db, partnership, 1).content["duration_months"] == 24
    assert services.get_version(db, partnership, 2).content["duration_months"] == 12
    assert services.edit(db, partnership, cast.official, {"duration_months": 12}, "en") is None
    entry = db.query(AuditEntry).filter_by(action="partnership.edit").one()
    assert entry.details == {"version": 2, "fields": ["duration_months"]}


def test_versions_never_alias_the_live_text(db, cast):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    services.edit(
        db, partnership, cast.official, {"city_commitments": helpers.COMMITMENTS[:1]}, "en"
    )
    db.commit()
    db.expire_all()
    assert len(services.get_version(db, partnership, 1).content["city_commitments"]) == 3
    assert len(services.get_version(db, partnership, 2).content["city_commitments"]) == 1


def test_deadline_changes(db, cast):
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    with pytest.raises(Forbidden):
        services.set_deadline(db, partnership, cast.member, helpers.later(3))
    with pytest.raises(Invalid):
        services.set_deadline(db, partnership, cast.official, helpers.later(-3))
    services.set_deadline(db, partnership, cast.facilitator, helpers.later(3))
    assert services.deadline(partnership).state == "near"
    draft = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    with pytest.raises(Conflict) as refused:
        services.set_deadline(db, draft, cast.official, helpers.later(3))
    # The step is named in words people read, not by a code.
    assert refused.value.message.mapping["action"] == "Change the deadline"


def test_lists(db, cast):
    first = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    second = helpers.make_partnership(db, cast.official, cast.assembly, status="deliberation")
    everything = services.ALL_DRAFTS
    assert [p.id for p in services.for_commons(db, cast.commons.id, everything)] == [first.id]
    assert {p.id for p in services.for_assembly(db, cast.assembly.id, everything)} == {
        first.id,
        second.id,
    }
    # By default, and for those who may read no draft, drafts are left out.
    assert [p.id for p in services.for_assembly(db, cast.assembly.id)] == [second.id]
    assembly = frozenset({cast.assembly.id})
    assert len(services.for_assembly(db, cast.assembly.id, assembly)) == 2
    assert len(services.for_assembly(db, cast.assembly.id, frozenset({999}))) == 1
    assert services.count(db, services.Query(status="deliberation")) == 1


def test_a_commons_or_assembly_page_shows_only_its_latest_partnerships(db, cast):
    made = [
        helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, title=f"Pact {n}")
        for n in range(services.SECTION_SIZE + 2)
    ]
    latest = {p.id for p in made[-services.SECTION_SIZE :]}
    drafts = services.ALL_DRAFTS  # they are drafts: an official's view
    assert {p.id for p in services.for_commons(db, cast.commons.id, drafts)} == latest
    assert {p.id for p in services.for_assembly(db, cast.assembly.id, drafts)} == latest
