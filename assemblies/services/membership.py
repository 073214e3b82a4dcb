"""Membership and roles: adding people, join requests, role changes, leaving, removal.

Who may call what is the security policy's business (``assemblies.security``);
these functions check only what depends on the state (already a member, a
request already decided…). Decisions by officials and facilitators go to the
audit log; a removal or a refusal keeps its reason, which the person is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from assemblies import rules
from assemblies.models import Assembly, JoinRequest, Membership, ResidentVerification
from assemblies.services.errors import AlreadyMember, Conflict, NotFound
from partnerstate.choices import one_of
from partnerstate.database import utcnow
from partnerstate.i18n import _
from partnerstate.mail import notices
from partnerstate.models import AuditEntry, User
from partnerstate.services import accounts, audit


def _check_role(role: str) -> None:
    if role not in rules.ROLES:
        message = one_of(rules.ROLE_LABELS[name] for name in rules.ROLES)
        raise rules.Invalid(message, {"role": message})


# --- reading -----------------------------------------------------------------------------


def get_membership(db: Session, assembly_id: int, user_id: int) -> Membership | None:
    return db.scalar(
        select(Membership).where(
            Membership.assembly_id == assembly_id, Membership.user_id == user_id
        )
    )


def membership_role(db: Session, assembly_id: int, user_id: int | None) -> str | None:
    """The person's role in the assembly (``facilitator``, ``member``, ``observer``) or None."""
    if user_id is None:
        return None
    return db.scalar(
        select(Membership.role).where(
            Membership.assembly_id == assembly_id, Membership.user_id == user_id
        )
    )


def assembly_ids_for_user(db: Session, user_id: int) -> list[int]:
    """The assemblies the person belongs to, in any role."""
    return list(
        db.scalars(
            select(Membership.assembly_id)
            .where(Membership.user_id == user_id)
            .order_by(Membership.assembly_id)
        )
    )


def members(
    db: Session,
    assembly_id: int,
    role: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Membership]:
    """The assembly's people (with their accounts), by role then name; a page if ``limit``."""
    if role is not None:
        query = _by_name(assembly_id, role)
    elif limit is not None:
        return _page_by_role(db, assembly_id, limit, offset)
    else:
        rank = case({name: n for n, name in enumerate(rules.ROLES)}, value=Membership.role)
        query = _by_name(assembly_id).order_by(None).order_by(rank, *_BY_NAME)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return list(db.scalars(query))


# The order of the users' index on lower(display_name), id (migration 0019).
_BY_NAME = (func.lower(User.display_name), User.id)


def _by_name(assembly_id: int, role: str | None = None) -> Any:
    query = (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .options(contains_eager(Membership.user))
        .where(Membership.assembly_id == assembly_id)
        .order_by(*_BY_NAME)
    )
    return query if role is None else query.where(Membership.role == role)


def _page_by_role(db: Session, assembly_id: int, limit: int, offset: int) -> list[Membership]:
    """A page of the assembly by role then name, read one role at a time.

    Sorting on the role first made PostgreSQL join every membership to the city's
    accounts and sort them all (37 ms for 5,000 members among 50,000 accounts). Within
    one role it walks the accounts' name index and stops when the page is full (6 ms).
    """
    sizes = dict(
        db.execute(
            select(Membership.role, func.count())
            .where(Membership.assembly_id == assembly_id)
            .group_by(Membership.role)
        ).all()
    )
    page: list[Membership] = []
    for role in rules.ROLES:
        size = sizes.get(role, 0)
        if offset >= size:  # this role's people are all on earlier pages
            offset -= size
            continue
        wanted = limit - len(page)
        page.extend(db.scalars(_by_name(assembly_id, role).limit(wanted).offset(offset)))
        offset = 0
        if len(page) >= limit:
            break
    return page


def count_members(db: Session, assembly_id: int) -> int:
    return int(db.scalar(select(func.count()).where(Membership.assembly_id == assembly_id)) or 0)


def count_pending_requests(db: Session, assembly_id: int) -> int:
    return int(
        db.scalar(
            select(func.count()).where(
                JoinRequest.assembly_id == assembly_id, JoinRequest.status == rules.PENDING
            )
        )
        or 0
    )


def role_counts(db: Session, assembly_id: int) -> dict[str, int]:
    """How many facilitators, members and observers (every role present, zeros too)."""
    counts = dict.fromkeys(rules.ROLES, 0)
    rows = db.execute(
        select(Membership.role, func.count())
        .where(Membership.assembly_id == assembly_id)
        .group_by(Membership.role)
    )
    for role, count in rows:
        counts[role] = count
    return counts


def voting_members(db: Session, assembly_id: int) -> list[int]:
    """User ids of the people with voting rights, sorted.

    Members and facilitators (not observers); when the assembly requires verified
    residents, only those verified for this assembly.
    """
    assembly = db.get(Assembly, assembly_id)
    if assembly is None:
        return []
    query = select(Membership.user_id).where(
        Membership.assembly_id == assembly_id, Membership.role.in_(rules.VOTING_ROLES)
    )
    if assembly.requires_verification:
        query = query.join(
            ResidentVerification,
            (ResidentVerification.assembly_id == Membership.assembly_id)
            & (ResidentVerification.user_id == Membership.user_id),
        )
    return sorted(db.scalars(query))


def voters_among(db: Session, assembly: Assembly, user_ids: list[int]) -> set[int]:
    """Which of these people have voting rights (a page of members, not the whole list)."""
    if not user_ids:
        return set()
    query = select(Membership.user_id).where(
        Membership.assembly_id == assembly.id,
        Membership.role.in_(rules.VOTING_ROLES),
        Membership.user_id.in_(user_ids),
    )
    if assembly.requires_verification:
        query = query.join(
            ResidentVerification,
            (ResidentVerification.assembly_id == Membership.assembly_id)
            & (ResidentVerification.user_id == Membership.user_id),
        )
    return set(db.scalars(query))


def is_eligible_voter(db: Session, assembly: Assembly, user: User | None) -> bool:
    """May ``user`` vote in this assembly now (a member or facilitator, verified if required)?"""
    if user is None:
        return False
    role = membership_role(db, assembly.id, user.id)
    if role not in rules.VOTING_ROLES:
        return False
    if not assembly.requires_verification:
        return True
    from assemblies.services.residents import is_verified

    return is_verified(db, assembly.id, user.id)


# --- adding, changing, removing ----------------------------------------------------------


def _close_pending_request(db: Session, assembly_id: int, user_id: int, actor: User | None) -> None:
    pending = pending_request(db, assembly_id, user_id)
    if pending is not None:
        pending.status = rules.APPROVED
        pending.decided_at = utcnow()
        pending.decided_by_id = actor.id if actor is not None else None


def add_member(
    db: Session,
    assembly: Assembly,
    user: User,
    role: str = rules.MEMBER,
    *,
    actor: User | None = None,
) -> Membership:
    """Give ``user`` a role in the assembly; raises :class:`AlreadyMember` if they have one.

    A pending join request of theirs counts as approved. With an ``actor`` (an
    official or a facilitator) the addition is audit-logged.
    """
    _check_role(role)
    existing = get_membership(db, assembly.id, user.id)
    if existing is not None:
        raise AlreadyMember(
            _(
                "${name} is already in this assembly as ${role}.",
                mapping={"name": user.display_name, "role": existing.role},
            ),
            existing,
        )
    membership = Membership(
        assembly_id=assembly.id,
        user_id=user.id,
        role=role,
        added_by_id=actor.id if actor is not None else None,
        created_at=utcnow(),
    )
    db.add(membership)
    _close_pending_request(db, assembly.id, user.id, actor)
    db.flush()
    if actor is not None:
        audit.record(
            db, actor, "assembly.member_add", "assembly", assembly.id, user_id=user.id, role=role
        )
    return membership


def add_member_by_email(
    db: Session, assembly: Assembly, email: str, role: str, actor: User
) -> tuple[Membership, bool]:
    """Add the account with this email; ``(membership, created)``.

    Adding someone again with the role they have is harmless (``created`` is
    False); with another role it is a :class:`Conflict` (change the role instead).
    Raises :class:`NotFound` when no account has this email.
    """
    _check_role(role)
    user = accounts.find_user_by_email(db, email)
    if user is None:
        raise NotFound(
            _("No account has this email address; the person must register first."), "email"
        )
    try:
        return add_member(db, assembly, user, role, actor=actor), True
    except AlreadyMember as error:
        if error.membership.role == role:
            return error.membership, False
        raise


def change_role(
    db: Session, assembly: Assembly, user_id: int, role: str, actor: User
) -> Membership:
    """Give a member another role (audit-logged); raises ``NotFound`` if not a member."""
    _check_role(role)
    membership = get_membership(db, assembly.id, user_id)
    if membership is None:
        raise NotFound(_("This person is not a member of the assembly."))
    if membership.role != role:
        audit.record(
            db,
            actor,
            "assembly.role_change",
            "assembly",
            assembly.id,
            user_id=user_id,
            old=membership.role,
            new=role,
        )
        membership.role = role
    return membership


def remove_member(db: Session, assembly: Assembly, user_id: int, actor: User, reason: str) -> None:
    """Remove a member; the reason is required, audit-logged and shown to the person."""
    reason = rules.clean_text(reason, rules.MAX_REASON, "reason")
    membership = get_membership(db, assembly.id, user_id)
    if membership is None:
        raise NotFound(_("This person is not a member of the assembly."))
    audit.record(
        db,
        actor,
        "assembly.member_remove",
        "assembly",
        assembly.id,
        user_id=user_id,
        role=membership.role,
        reason=reason,
    )
    db.delete(membership)
    db.flush()


def leave(db: Session, assembly: Assembly, user: User) -> None:
    """The person leaves the assembly (or withdraws their pending request)."""
    membership = get_membership(db, assembly.id, user.id)
    pending = pending_request(db, assembly.id, user.id)
    if membership is None and pending is None:
        raise Conflict(_("You are not a member of this assembly."))
    if pending is not None:
        pending.status = rules.WITHDRAWN
        pending.decided_at = utcnow()
    if membership is not None:
        audit.record(
            db, user, "assembly.leave", "assembly", assembly.id, user_id=user.id,
            role=membership.role,
        )  # fmt: skip
        db.delete(membership)
    db.flush()


def removal_notice(db: Session, assembly_id: int, user_id: int) -> AuditEntry | None:
    """The latest removal of this person from the assembly, if they have not come back since.

    Its ``details["reason"]`` is what the person is shown.
    """
    if get_membership(db, assembly_id, user_id) is not None:
        return None
    entries = db.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.object_type == "assembly",
            AuditEntry.object_id == str(assembly_id),
            AuditEntry.action.in_(("assembly.member_remove", "assembly.member_add")),
        )
        .order_by(AuditEntry.id.desc())
        .limit(200)
    )
    for entry in entries:
        if (entry.details or {}).get("user_id") == user_id:
            return entry if entry.action == "assembly.member_remove" else None
    return None


# --- join requests ------------------------------------------------------------------------


def pending_request(db: Session, assembly_id: int, user_id: int) -> JoinRequest | None:
    return db.scalar(
        select(JoinRequest).where(
            JoinRequest.assembly_id == assembly_id,
            JoinRequest.user_id == user_id,
            JoinRequest.status == rules.PENDING,
        )
    )


def latest_request(db: Session, assembly_id: int, user_id: int) -> JoinRequest | None:
    """The person's most recent request (to show a refusal and its reason)."""
    return db.scalar(
        select(JoinRequest)
        .where(JoinRequest.assembly_id == assembly_id, JoinRequest.user_id == user_id)
        .order_by(JoinRequest.id.desc())
        .limit(1)
    )


def pending_requests(db: Session, assembly_id: int) -> Sequence[JoinRequest]:
    """Requests awaiting a decision, oldest first."""
    return db.scalars(
        select(JoinRequest)
        .options(joinedload(JoinRequest.user))
        .where(JoinRequest.assembly_id == assembly_id, JoinRequest.status == rules.PENDING)
        .order_by(JoinRequest.created_at, JoinRequest.id)
    ).all()


def facilitates_any(db: Session, user_id: int) -> bool:
    """Whether the person facilitates at least one assembly."""
    found = db.scalar(
        select(Membership.id)
        .where(Membership.user_id == user_id, Membership.role == rules.FACILITATOR)
        .limit(1)
    )
    return found is not None


def requests_to_decide(
    db: Session, facilitator_id: int, limit: int
) -> tuple[list[JoinRequest], int]:
    """Pending requests to join the assemblies this person facilitates: the oldest
    ``limit`` (with their person and assembly loaded) and how many there are in all."""
    facilitated = select(Membership.assembly_id).where(
        Membership.user_id == facilitator_id, Membership.role == rules.FACILITATOR
    )
    conditions = (
        JoinRequest.status == rules.PENDING,
        JoinRequest.assembly_id.in_(facilitated),
    )
    rows = db.scalars(
        select(JoinRequest)
        .options(joinedload(JoinRequest.user), joinedload(JoinRequest.assembly))
        .where(*conditions)
        .order_by(JoinRequest.created_at, JoinRequest.id)
        .limit(limit)
    ).all()
    total = db.scalar(select(func.count(JoinRequest.id)).where(*conditions))
    return list(rows), int(total or 0)


def get_request(db: Session, assembly_id: int, request_id: int) -> JoinRequest | None:
    join_request = db.get(JoinRequest, request_id)
    if join_request is None or join_request.assembly_id != assembly_id:
        return None
    return join_request


def request_to_join(
    db: Session, assembly: Assembly, user: User, message: str = ""
) -> tuple[JoinRequest, bool]:
    """Ask to join; ``(request, created)``. Asking again while pending changes nothing.

    Raises :class:`AlreadyMember` for members. (Invitation-only assemblies do not
    let anyone ask: the security policy refuses before this is called.)
    """
    message = rules.clean_text(message, rules.MAX_MESSAGE, "message", required=False)
    existing = get_membership(db, assembly.id, user.id)
    if existing is not None:
        raise AlreadyMember(_("You are already a member of this assembly."), existing)
    pending = pending_request(db, assembly.id, user.id)
    if pending is not None:
        return pending, False
    join_request = JoinRequest(
        assembly_id=assembly.id,
        user_id=user.id,
        message=message,
        status=rules.PENDING,
        created_at=utcnow(),
    )
    db.add(join_request)
    db.flush()
    return join_request, True


def _require_pending(join_request: JoinRequest) -> None:
    if join_request.status != rules.PENDING:
        raise Conflict(_("This request was already decided."))


def approve_request(
    db: Session, join_request: JoinRequest, actor: User, role: str = rules.MEMBER
) -> Membership:
    """Admit the person with ``role`` (audit-logged)."""
    _check_role(role)
    _require_pending(join_request)
    assembly = db.get(Assembly, join_request.assembly_id)
    user = db.get(User, join_request.user_id)
    assert assembly is not None and user is not None  # foreign keys
    join_request.status = rules.APPROVED
    join_request.decided_at = utcnow()
    join_request.decided_by_id = actor.id
    audit.record(
        db, actor, "assembly.join_approve", "assembly", assembly.id,
        user_id=user.id, request_id=join_request.id, role=role,
    )  # fmt: skip
    _tell_requester(db, assembly, user.id, "join_approved", role=role)
    try:
        return add_member(db, assembly, user, role, actor=actor)
    except AlreadyMember as error:
        return error.membership


def refuse_request(db: Session, join_request: JoinRequest, actor: User, reason: str) -> None:
    """Refuse, with a reason the person is shown (audit-logged)."""
    reason = rules.clean_text(reason, rules.MAX_REASON, "reason")
    _require_pending(join_request)
    join_request.status = rules.REFUSED
    join_request.reason = reason
    join_request.decided_at = utcnow()
    join_request.decided_by_id = actor.id
    audit.record(
        db, actor, "assembly.join_refuse", "assembly", join_request.assembly_id,
        user_id=join_request.user_id, request_id=join_request.id, reason=reason,
    )  # fmt: skip
    assembly = db.get(Assembly, join_request.assembly_id)
    if assembly is not None:
        _tell_requester(db, assembly, join_request.user_id, "join_refused", reason=reason)
    db.flush()


def _tell_requester(
    db: Session, assembly: Assembly, user_id: int, kind: str, **params: str
) -> None:
    """The person who asked to join learns the decision (mail as chosen, and in-app)."""
    name = dict(assembly.name) if isinstance(assembly.name, dict) else str(assembly.name)
    notices.announce(
        db, kind=kind, template=f"mail/{kind}.jinja2", user_ids=[user_id],
        path=f"/assemblies/{assembly.id}", assembly_locale=assembly.default_locale,
        params={"assembly": name, **params},
    )  # fmt: skip
