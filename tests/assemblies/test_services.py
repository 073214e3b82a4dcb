"""The assemblies' services, against the database (both engines)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from assemblies import census, rules, services
from assemblies.models import CensusEntry, JoinRequest, Membership, VerificationFailure
from assemblies.security import assembly_principals
from partnerstate.database import utcnow
from partnerstate.models import AuditEntry
from tests import factories
from tests.assemblies.helpers import PARIS, make_assembly, make_cast, make_meeting


def _actions(db) -> list[str]:
    return list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- assemblies ---------------------------------------------------------------------------


def test_create_assembly_is_audited_and_salted(db, official):
    assembly = make_assembly(db, official, name={"en": "A", "fr": "B"}, quorum_percent=25)
    other = make_assembly(db, official)
    assert assembly.name == {"en": "A", "fr": "B"}
    assert assembly.quorum_percent == 25.0
    assert len(assembly.census_salt) == 64 and assembly.census_salt != other.census_salt
    assert _actions(db) == ["assembly.create", "assembly.create"]


def test_create_assembly_refuses_bad_input(db, official):
    with pytest.raises(rules.Invalid) as caught:
        services.create_assembly(db, "", "Lille", "en", creator=official)
    assert "name" in caught.value.fields


def test_update_keeps_other_languages_and_changes_nothing_when_invalid(db, official):
    assembly = make_assembly(db, official, name={"en": "Assembly", "fr": "Assemblée"})
    services.update_assembly(db, assembly, official, {"name": "Big assembly"}, "en")
    assert assembly.name == {"en": "Big assembly", "fr": "Assemblée"}
    with pytest.raises(rules.Invalid):
        services.update_assembly(
            db, assembly, official, {"city": "Roubaix", "quorum_percent": 400}, "en"
        )
    assert assembly.city == "Lille"
    assert _actions(db)[-1] == "assembly.update"


# --- membership ---------------------------------------------------------------------------


def test_roles_and_the_functions_other_packages_call(db, cast):
    a = cast.assembly
    assert services.membership_role(db, a.id, cast.facilitator.id) == "facilitator"
    assert services.membership_role(db, a.id, cast.member.id) == "member"
    assert services.membership_role(db, a.id, cast.observer.id) == "observer"
    assert services.membership_role(db, a.id, cast.outsider.id) is None
    assert services.membership_role(db, a.id, None) is None
    assert services.voting_members(db, a.id) == sorted([cast.facilitator.id, cast.member.id])
    assert services.voting_members(db, 999_999) == []
    assert services.is_eligible_voter(db, a, cast.member)
    assert services.is_eligible_voter(db, a, cast.facilitator)
    assert not services.is_eligible_voter(db, a, cast.observer)
    assert not services.is_eligible_voter(db, a, cast.outsider)
    assert not services.is_eligible_voter(db, a, None)
    assert services.assembly_ids_for_user(db, cast.member.id) == [a.id]
    assert services.assembly_ids_for_user(db, cast.outsider.id) == []
    assert services.role_counts(db, a.id) == {"facilitator": 1, "member": 1, "observer": 1}


def test_principals_are_relational(db, cast):
    a = cast.assembly
    assert assembly_principals(db, a.id, cast.facilitator) == [f"assembly:{a.id}:facilitator"]
    assert assembly_principals(db, a.id, cast.observer) == [f"assembly:{a.id}:observer"]
    assert assembly_principals(db, a.id, cast.outsider) == []
    assert assembly_principals(db, a.id, None) == []
    other = make_assembly(db, cast.official, name="Other")
    assert assembly_principals(db, other.id, cast.facilitator) == []
    services.request_to_join(db, a, cast.outsider)
    assert assembly_principals(db, a.id, cast.outsider) == [f"assembly:{a.id}:pending"]
    services.verify_by_official(db, a, cast.member, cast.official)
    assert assembly_principals(db, a.id, cast.member) == [
        f"assembly:{a.id}:member",
        f"assembly:{a.id}:verified",
    ]


def test_verified_residents_only_vote_when_required(db, verified_cast):
    cast, a = verified_cast, verified_cast.assembly
    assert services.voting_members(db, a.id) == []
    assert not services.is_eligible_voter(db, a, cast.member)
    services.verify_by_official(db, a, cast.member, cast.official)
    services.verify_by_official(db, a, cast.observer, cast.official)
    assert services.voting_members(db, a.id) == [cast.member.id]
    assert services.is_eligible_voter(db, a, cast.member)
    assert not services.is_eligible_voter(db, a, cast.observer)
    # Verification alone does not make a voter: one must be a member too.
    services.verify_by_official(db, a, cast.outsider, cast.official)
    assert not services.is_eligible_voter(db, a, cast.outsider)


def test_add_member_by_email(db, cast):
    a = cast.assembly
    newcomer = factories.make_user(db, email="New.Comer@example.org")
    membership, created = services.add_member_by_email(
        db, a, " new.comer@EXAMPLE.org ", "member", cast.facilitator
    )
    assert created and membership.user_id == newcomer.id and membership.added_by_id
    again, created = services.add_member_by_email(db, a, newcomer.email, "member", cast.official)
    assert not created and again.id == membership.id
    with pytest.raises(services.AlreadyMember):
        services.add_member_by_email(db, a, newcomer.email, "observer", cast.official)
    with pytest.raises(services.NotFound):
        services.add_member_by_email(db, a, "nobody@example.org", "member", cast.official)
    with pytest.raises(rules.Invalid):
        services.add_member_by_email(db, a, newcomer.email, "president", cast.official)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "assembly.member_add")).all()
    assert entry[-1].details == {"user_id": newcomer.id, "role": "member"}


def test_role_change_and_removal_are_audited(db, cast):
    a = cast.assembly
    services.change_role(db, a, cast.member.id, "facilitator", cast.official)
    assert services.membership_role(db, a.id, cast.member.id) == "facilitator"
    with pytest.raises(rules.Invalid):
        services.remove_member(db, a, cast.member.id, cast.official, "  ")
    services.remove_member(db, a, cast.member.id, cast.official, "Left the city.")
    assert services.membership_role(db, a.id, cast.member.id) is None
    notice = services.removal_notice(db, a.id, cast.member.id)
    assert notice.details["reason"] == "Left the city."
    assert notice.actor_id == cast.official.id
    with pytest.raises(services.NotFound):
        services.remove_member(db, a, cast.member.id, cast.official, "Again")
    with pytest.raises(services.NotFound):
        services.change_role(db, a, cast.outsider.id, "member", cast.official)
    # Once back in the assembly, the old removal is no longer shown.
    services.add_member(db, a, cast.member, "member", actor=cast.official)
    assert services.removal_notice(db, a.id, cast.member.id) is None
    assert _actions(db)[-3:] == [
        "assembly.role_change",
        "assembly.member_remove",
        "assembly.member_add",
    ]


def test_join_request_lifecycle(db, cast):
    a = cast.assembly
    person = cast.outsider
    request, created = services.request_to_join(db, a, person, "I run the repair café.")
    assert created and request.status == "pending"
    same, created = services.request_to_join(db, a, person)
    assert not created and same.id == request.id
    assert [r.id for r in services.pending_requests(db, a.id)] == [request.id]
    services.refuse_request(db, request, cast.facilitator, "Please come to a meeting first.")
    assert request.status == "refused" and request.reason == "Please come to a meeting first."
    with pytest.raises(services.Conflict):
        services.approve_request(db, request, cast.facilitator)
    # Asking again after a refusal is a new request.
    second, created = services.request_to_join(db, a, person)
    assert created and second.id != request.id
    membership = services.approve_request(db, second, cast.facilitator, "observer")
    assert membership.role == "observer" and second.status == "approved"
    with pytest.raises(services.AlreadyMember):
        services.request_to_join(db, a, person)
    assert services.latest_request(db, a.id, person.id).id == second.id


def test_refusal_needs_a_reason(db, cast):
    request, _created = services.request_to_join(db, cast.assembly, cast.outsider)
    with pytest.raises(rules.Invalid):
        services.refuse_request(db, request, cast.official, "")
    assert request.status == "pending"


def test_adding_someone_who_asked_approves_their_request(db, cast):
    request, _created = services.request_to_join(db, cast.assembly, cast.outsider)
    services.add_member(db, cast.assembly, cast.outsider, "member", actor=cast.facilitator)
    assert request.status == "approved" and request.decided_by_id == cast.facilitator.id


def test_leaving_and_withdrawing(db, cast):
    a = cast.assembly
    services.leave(db, a, cast.member)
    assert services.membership_role(db, a.id, cast.member.id) is None
    assert services.removal_notice(db, a.id, cast.member.id) is None
    with pytest.raises(services.Conflict):
        services.leave(db, a, cast.member)
    request, _created = services.request_to_join(db, a, cast.outsider)
    services.leave(db, a, cast.outsider)
    assert request.status == "withdrawn"


def test_deleting_an_assembly_deletes_its_people_and_meetings(db, cast):
    make_meeting(db, cast.assembly, cast.facilitator)
    db.delete(cast.assembly)
    db.flush()
    assert db.scalar(select(func.count()).select_from(Membership)) == 0


# --- residents: census, codes, throttling -------------------------------------------------


def _census(db, assembly, text="identifier,postcode\nA-1,59000\nA-2,59800\n", **kwargs):
    result = services.import_census(db, assembly, census.parse_census(text), **kwargs)
    db.commit()
    return result


def test_census_is_stored_hashed(db, verified_cast):
    a = verified_cast.assembly
    result = _census(db, a, actor=verified_cast.official)
    assert (result.added, result.already) == (2, 0)
    digests = list(db.scalars(select(CensusEntry.digest)))
    assert len(digests) == 2 and all(len(d) == 64 for d in digests)
    assert not any("59000" in d or "a-1" in d for d in digests)
    assert a.census_key == "postcode"
    again = _census(db, a, "identifier,postcode\nA-1,59000\nA-3,59000\n")
    assert (again.added, again.already) == (1, 1)
    assert services.census_stats(db, a.id) == (3, 0)


def test_census_of_another_kind_is_refused_unless_replaced(db, verified_cast):
    a = verified_cast.assembly
    _census(db, a)
    dob = "identifier,date_of_birth\nA-1,1980-01-01\n"
    with pytest.raises(rules.Invalid):
        _census(db, a, dob)
    assert services.census_stats(db, a.id) == (2, 0)
    result = _census(db, a, dob, replace=True)
    assert (result.added, result.deleted) == (1, 2)
    assert a.census_key == "date_of_birth"


def test_census_progress_is_reported(db, verified_cast):
    lines = "".join(f"P{n},59000\n" for n in range(2500))
    seen = []
    _census(db, verified_cast.assembly, "identifier,postcode\n" + lines, progress=seen.append)
    assert seen == [1000, 1000, 500]


def test_verify_with_census(db, verified_cast):
    cast, a = verified_cast, verified_cast.assembly
    _census(db, a)
    record = services.verify_with_census(db, a, cast.member, "  a-1 ", "59 000")
    assert record.method == "census"
    assert services.is_verified(db, a.id, cast.member.id)
    assert services.is_eligible_voter(db, a, cast.member)
    # Verifying again is harmless; the entry cannot verify another account.
    assert services.verify_with_census(db, a, cast.member, "A-1", "59000").id == record.id
    with pytest.raises(services.Conflict):
        services.verify_with_census(db, a, cast.facilitator, "A-1", "59000")
    entry = db.scalar(select(CensusEntry).where(CensusEntry.used_by_id.is_not(None)))
    assert entry.used_by_id == cast.member.id
    assert services.census_stats(db, a.id) == (2, 1)


def test_census_verification_is_throttled(db, verified_cast):
    cast, a = verified_cast, verified_cast.assembly
    _census(db, a)
    with pytest.raises(rules.Invalid) as caught:
        services.verify_with_census(db, a, cast.member, "", "")
    assert set(caught.value.fields) == {"identifier", "postcode"}
    assert services.attempts_left(db, a.id, cast.member.id) == 5  # malformed: not counted
    for _attempt in range(services.residents.MAX_FAILURES):
        with pytest.raises(rules.Invalid):
            services.verify_with_census(db, a, cast.member, "A-1", "59001")
    assert services.attempts_left(db, a.id, cast.member.id) == 0
    with pytest.raises(services.Throttled) as caught:
        services.verify_with_census(db, a, cast.member, "A-1", "59000")
    assert 0 < caught.value.retry_after <= 24 * 3600 + 1
    # Other people are not affected; and the window passes.
    services.verify_with_census(db, a, cast.facilitator, "A-2", "59800")
    later = utcnow() + dt.timedelta(hours=25)
    assert services.residents.retry_after(db, a.id, cast.member.id, now=later) is None


def test_many_accounts_behind_one_address_cannot_guess_on(db, verified_cast):
    # Five tries per person, but also at most MAX_ADDRESS_FAILURES per address.
    a = verified_cast.assembly
    _census(db, a)
    limit, per_person = services.residents.MAX_ADDRESS_FAILURES, services.residents.MAX_FAILURES
    guessers = [factories.make_user(db) for _ in range(-(-limit // per_person))]
    tries = [person for person in guessers for _ in range(per_person)][:limit]
    for person in tries:
        with pytest.raises(rules.Invalid):
            services.verify_with_census(db, a, person, "A-1", "59001", address="203.0.113.7")
    newcomer = factories.make_user(db)
    with pytest.raises(services.Throttled):
        services.verify_with_census(db, a, newcomer, "A-1", "59000", address="203.0.113.7")
    with pytest.raises(services.Throttled):  # codes share the count
        services.redeem_invitation(db, a, newcomer, "ABCD-EFGH-JKMN", "203.0.113.7")
    # Someone elsewhere is not affected.
    services.verify_with_census(db, a, newcomer, "A-1", "59000", address="198.51.100.1")


def test_revoking_a_verification_frees_the_census_entry(db, verified_cast):
    cast, a = verified_cast, verified_cast.assembly
    _census(db, a)
    services.verify_with_census(db, a, cast.member, "A-1", "59000")
    services.revoke_verification(db, a, cast.member.id, cast.official)
    assert not services.is_verified(db, a.id, cast.member.id)
    services.verify_with_census(db, a, cast.facilitator, "A-1", "59000")
    with pytest.raises(services.Conflict):
        services.revoke_verification(db, a, cast.member.id, cast.official)


def test_invitation_codes(db, verified_cast):
    cast, a = verified_cast, verified_cast.assembly
    codes = services.issue_invitations(db, a, cast.official, 3, "For the Fives garden")
    assert len(set(codes)) == 3 and all(len(c) == 14 and c[4] == "-" for c in codes)
    assert services.invitation_stats(db, a.id) == (3, 0)
    stranger = factories.make_user(db)
    membership, record = services.redeem_invitation(db, a, stranger, codes[0].lower())
    assert membership.role == "member" and record.method == "code"
    assert services.is_eligible_voter(db, a, stranger)
    # The same person again: harmless. Someone else: used.
    services.redeem_invitation(db, a, stranger, codes[0])
    with pytest.raises(services.Conflict):
        services.redeem_invitation(db, a, cast.outsider, codes[0])
    # A member keeps their role and becomes verified.
    membership, _record = services.redeem_invitation(
        db, a, cast.observer, codes[1].replace("-", " ")
    )
    assert membership.role == "observer"
    assert services.is_verified(db, a.id, cast.observer.id)
    with pytest.raises(rules.Invalid):
        services.redeem_invitation(db, a, cast.outsider, "WRONG-CODE-0000")
    with pytest.raises(rules.Invalid):
        services.redeem_invitation(db, a, cast.outsider, " ")
    assert services.invitation_stats(db, a.id) == (3, 2)
    failures = db.scalar(select(func.count()).select_from(VerificationFailure))
    assert failures == 2  # the used code and the wrong one; the blank one is not counted


def test_codes_of_one_assembly_do_not_open_another(db, verified_cast):
    other = make_assembly(db, verified_cast.official, name="Other")
    code = services.issue_invitations(db, other, verified_cast.official)[0]
    with pytest.raises(rules.Invalid):
        services.redeem_invitation(db, verified_cast.assembly, verified_cast.outsider, code)


@pytest.mark.parametrize("count", [0, 501, True, "3"])
def test_issue_invitations_refuses_bad_counts(db, cast, count):
    with pytest.raises(rules.Invalid):
        services.issue_invitations(db, cast.assembly, cast.official, count)


def test_redeeming_closes_a_pending_request(db, cast):
    request, _created = services.request_to_join(db, cast.assembly, cast.outsider)
    code = services.issue_invitations(db, cast.assembly, cast.official, 1, role="facilitator")[0]
    membership, _record = services.redeem_invitation(db, cast.assembly, cast.outsider, code)
    assert membership.role == "facilitator" and request.status == "approved"
    assert db.scalar(select(func.count()).select_from(JoinRequest)) == 1


# --- meetings -----------------------------------------------------------------------------


def test_schedule_meeting(db, cast):
    meeting = make_meeting(db, cast.assembly, cast.facilitator, agenda=["Welcome", "Budget"])
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(hours=2)
    assert [item.text for item in meeting.agenda] == ["Welcome", "Budget"]
    assert meeting.title == {"en": "Monthly plenary"}
    assert services.upcoming_meetings(db, cast.assembly.id) == [meeting]
    assert services.past_meetings(db, cast.assembly.id) == []


def test_update_and_cancel_meeting(db, cast):
    meeting = make_meeting(db, cast.assembly, cast.facilitator, agenda=["One"])
    services.update_meeting(
        db, meeting, cast.facilitator, {"title": "Extraordinary", "agenda": ["A", "B"]}, "fr", PARIS
    )
    assert meeting.title == {"en": "Monthly plenary", "fr": "Extraordinary"}
    assert [i.text for i in meeting.agenda] == ["A", "B"] and meeting.sequence == 1
    # Saved unchanged (as an edit form sends everything back): no new calendar version.
    same = {"title": "Extraordinary", "agenda": ["A", "B"], "location": meeting.location}
    services.update_meeting(db, meeting, cast.facilitator, same, "fr", PARIS)
    assert meeting.sequence == 1
    with pytest.raises(rules.Invalid):
        services.update_meeting(
            db,
            meeting,
            cast.facilitator,
            {"ends_at": (meeting.starts_at - dt.timedelta(hours=1)).isoformat()},
            "en",
            PARIS,
        )
    services.cancel_meeting(db, meeting, cast.facilitator)
    assert meeting.cancelled_at is not None and meeting.sequence == 2
    with pytest.raises(services.Conflict):
        services.cancel_meeting(db, meeting, cast.facilitator)
    with pytest.raises(services.Conflict):
        services.update_meeting(db, meeting, cast.facilitator, {"title": "X"}, "en", PARIS)
    with pytest.raises(services.Conflict):
        services.register_attendance(db, meeting, cast.member)


def test_attendance_and_minutes(db, cast):
    meeting = make_meeting(db, cast.assembly, cast.facilitator, days=-0.01)
    with pytest.raises(services.Conflict):
        services.unregister_attendance(db, meeting, cast.member)
    attendance, created = services.register_attendance(db, meeting, cast.member)
    assert created and attendance.registered_at is not None
    _again, created = services.register_attendance(db, meeting, cast.member)
    assert not created
    services.register_attendance(db, meeting, cast.observer)
    services.unregister_attendance(db, meeting, cast.observer)
    with pytest.raises(rules.Invalid):
        services.record_minutes(db, meeting, cast.facilitator, "Notes", [cast.outsider.id])
    with pytest.raises(rules.Invalid):
        services.record_minutes(db, meeting, cast.facilitator, "  ", [])
    services.record_minutes(
        db, meeting, cast.facilitator, "We agreed.", [cast.facilitator.id, cast.observer.id]
    )
    rows = {a.user_id: a.attended for a in services.attendees(db, meeting)}
    assert rows == {cast.member.id: False, cast.facilitator.id: True, cast.observer.id: True}
    assert meeting.minutes == "We agreed." and meeting.minutes_by_id == cast.facilitator.id
    with pytest.raises(services.Conflict):
        services.cancel_meeting(db, meeting, cast.facilitator)


def test_minutes_wait_for_the_meeting_and_registration_for_a_past_one_is_refused(db, cast):
    future = make_meeting(db, cast.assembly, cast.facilitator, days=2)
    with pytest.raises(services.Conflict):
        services.record_minutes(db, future, cast.facilitator, "Too early", [])
    past = make_meeting(db, cast.assembly, cast.facilitator, days=-3)
    with pytest.raises(services.Conflict):
        services.register_attendance(db, past, cast.member)
    assert services.past_meetings(db, cast.assembly.id) == [past]
    assert services.all_meetings(db, cast.assembly.id) == [past, future]


def test_a_second_assembly_is_independent(db, official):
    first = make_cast(db, official, name="First")
    second = make_assembly(db, official, name="Second")
    assert services.membership_role(db, second.id, first.member.id) is None
    assert services.voting_members(db, second.id) == []


def test_pages_of_members_follow_roles_then_names_across_role_boundaries(db, official):
    # Pages are read one role at a time (the users' name index); they must join up
    # into exactly the whole list's order, whatever the page size.
    assembly = make_assembly(db, official)
    names = ["bea", "Aline", "carl", "Zoé", "émile", "Dan", "ana", "Yves", "Bob"]
    roles = [rules.FACILITATOR, rules.OBSERVER, rules.MEMBER]
    for number, name in enumerate(names):
        person = factories.make_user(db, name=name)
        services.add_member(db, assembly, person, roles[number % 3])
    db.flush()
    whole = [m.id for m in services.members(db, assembly.id)]
    assert [m.role for m in services.members(db, assembly.id)] == sorted(
        (m.role for m in services.members(db, assembly.id)), key=rules.ROLES.index
    )
    for size in (1, 2, 3, 4, 9, 10):
        paged = []
        for offset in range(0, len(names) + size, size):
            paged += [m.id for m in services.members(db, assembly.id, limit=size, offset=offset)]
        assert paged == whole, size
    assert services.members(db, assembly.id, limit=5, offset=len(names)) == []
