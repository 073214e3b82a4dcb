"""Resident verification: the hashed census, single-use invitation codes, checks by hand.

An assembly that requires verified residents counts only verified members and
facilitators as voters. A person is verified for one assembly by typing data
that matches a census entry (each entry verifies one account), by redeeming an
invitation code (which also admits them), or by an official.

Wrong attempts are counted per person and assembly (:data:`MAX_FAILURES` in
:data:`FAILURE_WINDOW`), and per address (:data:`MAX_ADDRESS_FAILURES`, higher, as a
library or a city hall puts many people behind one), so that nobody can guess their
way through the census, not even with many accounts.
The functions that record a failure raise *after* recording it: views must
return their error response rather than raise, so that the count is committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload

from assemblies import census as census_file
from assemblies import rules
from assemblies.models import (
    Assembly,
    CensusEntry,
    Invitation,
    Membership,
    ResidentVerification,
    VerificationFailure,
)
from assemblies.services.errors import Conflict, Throttled
from assemblies.services.membership import _close_pending_request, get_membership
from partnerstate.choices import one_of
from partnerstate.database import utcnow
from partnerstate.i18n import _
from partnerstate.models import User
from partnerstate.services import audit

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 30
FAILURE_WINDOW = dt.timedelta(hours=24)
MAX_CODES = 500
IMPORT_BATCH = 1_000
# Invitation codes: 12 characters from an alphabet without look-alikes (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


@dataclass(frozen=True)
class ImportResult:
    added: int
    already: int
    deleted: int = 0


# --- status -------------------------------------------------------------------------------


def verification(db: Session, assembly_id: int, user_id: int) -> ResidentVerification | None:
    return db.scalar(
        select(ResidentVerification).where(
            ResidentVerification.assembly_id == assembly_id,
            ResidentVerification.user_id == user_id,
        )
    )


def is_verified(db: Session, assembly_id: int, user_id: int) -> bool:
    return verification(db, assembly_id, user_id) is not None


def verified_user_ids(db: Session, assembly_id: int, among: list[int] | None = None) -> set[int]:
    """The verified residents of the assembly (only those ``among`` these ids, if given)."""
    query = select(ResidentVerification.user_id).where(
        ResidentVerification.assembly_id == assembly_id
    )
    if among is not None:
        query = query.where(ResidentVerification.user_id.in_(among))
    return set(db.scalars(query))


def _verify(
    db: Session, assembly: Assembly, user: User, method: str, actor: User | None = None
) -> ResidentVerification:
    existing = verification(db, assembly.id, user.id)
    if existing is not None:
        return existing
    record = ResidentVerification(
        assembly_id=assembly.id,
        user_id=user.id,
        method=method,
        verified_at=utcnow(),
        verified_by_id=actor.id if actor is not None else None,
    )
    db.add(record)
    db.flush()
    return record


def verify_by_official(
    db: Session, assembly: Assembly, user: User, actor: User
) -> ResidentVerification:
    """An official checked the person's residence in another way (audit-logged)."""
    record = _verify(db, assembly, user, "official", actor)
    audit.record(db, actor, "assembly.resident_verify", "assembly", assembly.id, user_id=user.id)
    return record


def revoke_verification(db: Session, assembly: Assembly, user_id: int, actor: User) -> None:
    """Undo a verification made in error (audit-logged); the census entry becomes free."""
    record = verification(db, assembly.id, user_id)
    if record is None:
        raise Conflict(_("This person is not a verified resident."))
    for entry in db.scalars(
        select(CensusEntry).where(
            CensusEntry.assembly_id == assembly.id, CensusEntry.used_by_id == user_id
        )
    ):
        entry.used_by_id = None
        entry.used_at = None
    audit.record(db, actor, "assembly.resident_revoke", "assembly", assembly.id, user_id=user_id)
    db.delete(record)
    db.flush()


# --- throttling ---------------------------------------------------------------------------


def retry_after(
    db: Session,
    assembly_id: int,
    user_id: int,
    now: dt.datetime | None = None,
    address: str | None = None,
) -> int | None:
    """Seconds before another attempt is allowed, or None if one is allowed now."""
    now = now or utcnow()
    limits = [(VerificationFailure.user_id == user_id, MAX_FAILURES)]
    if address is not None:
        limits.append((VerificationFailure.address == address[:64], MAX_ADDRESS_FAILURES))
    waits = [_wait(db, assembly_id, who, limit, now) for who, limit in limits]
    return max((wait for wait in waits if wait is not None), default=None)


def _wait(db: Session, assembly_id: int, who: Any, limit: int, now: dt.datetime) -> int | None:
    times = list(
        db.scalars(
            select(VerificationFailure.created_at)
            .where(
                VerificationFailure.assembly_id == assembly_id,
                who,
                VerificationFailure.created_at > now - FAILURE_WINDOW,
            )
            .order_by(VerificationFailure.created_at)
        )
    )
    if len(times) < limit:
        return None
    # The attempt allowed next is when the oldest counted failure leaves the window.
    expires = times[len(times) - limit] + FAILURE_WINDOW
    return max(1, int((expires - now).total_seconds()) + 1)


def attempts_left(db: Session, assembly_id: int, user_id: int) -> int:
    since = utcnow() - FAILURE_WINDOW
    count = db.scalar(
        select(func.count()).where(
            VerificationFailure.assembly_id == assembly_id,
            VerificationFailure.user_id == user_id,
            VerificationFailure.created_at > since,
        )
    )
    return max(0, MAX_FAILURES - (count or 0))


def _check_throttle(db: Session, assembly: Assembly, user: User, address: str | None) -> None:
    wait = retry_after(db, assembly.id, user.id, address=address)
    if wait is not None:
        hours = max(1, (wait + 3599) // 3600)
        raise Throttled(
            _(
                "Too many wrong attempts. Try again in ${hours} hours, or ask an official.",
                mapping={"hours": hours},
            ),
            wait,
        )


def _fail(db: Session, assembly: Assembly, user: User, address: str | None) -> None:
    db.add(
        VerificationFailure(
            assembly_id=assembly.id,
            user_id=user.id,
            address=address[:64] if address else None,
            created_at=utcnow(),
        )
    )
    db.flush()


# --- the census ---------------------------------------------------------------------------


def has_census(db: Session, assembly_id: int) -> bool:
    """Whether the assembly has a census: one indexed row, not a count of a million."""
    query = select(CensusEntry.id).where(CensusEntry.assembly_id == assembly_id).limit(1)
    return db.scalar(query) is not None


def census_stats(db: Session, assembly_id: int) -> tuple[int, int]:
    """``(entries, used)``: how many residents the census holds, how many verified with it."""
    total, used = db.execute(
        select(func.count(), func.count(CensusEntry.used_by_id)).where(
            CensusEntry.assembly_id == assembly_id
        )
    ).one()
    return int(total or 0), int(used or 0)


def _census_key_label(key: str) -> Any:
    """What a census pairs identifiers with, in words (the column name is a code)."""
    labels = {census_file.POSTCODE: _("postcodes"), census_file.DATE_OF_BIRTH: _("dates of birth")}
    return labels.get(key, key)


def import_census(
    db: Session,
    assembly: Assembly,
    parsed: census_file.CensusFile,
    actor: User | None = None,
    progress: Callable[[int], Any] | None = None,
    replace: bool = False,
) -> ImportResult:
    """Add a checked census file's entries (as digests); entries already present are kept.

    ``replace`` first deletes the entries nobody has used yet (a new census
    replacing the old one; used entries stay, as the verifications they made do).
    Raises ``Invalid``, having changed nothing, when the file pairs identifiers
    with another kind of data than the entries kept. ``progress(n)`` is called
    after each batch of ``n`` entries (the command line's progress bar).
    """
    total, used = census_stats(db, assembly.id)
    kept = used if replace else total
    if kept and assembly.census_key and assembly.census_key != parsed.key:
        message = _(
            "This assembly's census pairs identifiers with ${kept}; the file has ${given}.",
            mapping={
                "kept": _census_key_label(assembly.census_key),
                "given": _census_key_label(parsed.key),
            },
        )
        raise rules.Invalid(message, {"file": message})
    deleted = 0
    if replace:
        result = db.execute(
            delete(CensusEntry).where(
                CensusEntry.assembly_id == assembly.id, CensusEntry.used_by_id.is_(None)
            )
        )
        deleted = int(getattr(result, "rowcount", 0) or 0)
    assembly.census_key = parsed.key
    existing = set(
        db.scalars(select(CensusEntry.digest).where(CensusEntry.assembly_id == assembly.id))
    )
    added = already = 0
    now = utcnow()
    batch: list[dict[str, Any]] = []
    for number, (identifier, value) in enumerate(parsed.entries, start=1):
        digest = census_file.digest(assembly.census_salt, identifier, value)
        if digest in existing:
            already += 1
        else:
            existing.add(digest)
            batch.append({"assembly_id": assembly.id, "digest": digest, "imported_at": now})
            added += 1
        if len(batch) >= IMPORT_BATCH:
            db.execute(CensusEntry.__table__.insert(), batch)
            batch = []
        if progress is not None and number % IMPORT_BATCH == 0:
            progress(IMPORT_BATCH)
    if batch:
        db.execute(CensusEntry.__table__.insert(), batch)
    if progress is not None and len(parsed.entries) % IMPORT_BATCH:
        progress(len(parsed.entries) % IMPORT_BATCH)
    audit.record(
        db, actor, "assembly.census_import", "assembly", assembly.id,
        added=added, already=already, deleted=deleted,
    )  # fmt: skip
    return ImportResult(added, already, deleted)


def verify_with_census(
    db: Session,
    assembly: Assembly,
    user: User,
    identifier: str,
    value: str,
    address: str | None = None,
) -> ResidentVerification:
    """Match the person's data against the census; each entry verifies one account.

    Raises ``Throttled`` after too many failures, ``Invalid`` when the data is
    malformed or matches no entry (a failure is recorded first), ``Conflict``
    when the entry was already used by another account.
    """
    existing = verification(db, assembly.id, user.id)
    if existing is not None:
        return existing
    _check_throttle(db, assembly, user, address)
    key = assembly.census_key or census_file.POSTCODE
    normalized_id = census_file.normalize_identifier(identifier or "")
    normalized_value = census_file.normalize_value(key, value or "")
    errors: dict[str, Any] = {}
    if not normalized_id:
        errors["identifier"] = _("This field is required.")
    if normalized_value is None:
        errors[key] = (
            _("Give a postcode.") if key == census_file.POSTCODE else _("Give a date of birth.")
        )
    if errors:
        raise rules.Invalid(_("Some fields are missing or invalid."), errors)
    digest = census_file.digest(assembly.census_salt, normalized_id, normalized_value or "")
    entry = db.scalar(
        select(CensusEntry).where(
            CensusEntry.assembly_id == assembly.id, CensusEntry.digest == digest
        )
    )
    if entry is None:
        _fail(db, assembly, user, address)
        message = _("These details match no one on the census. Check them and try again.")
        raise rules.Invalid(message, {"identifier": message})
    if entry.used_by_id is not None and entry.used_by_id != user.id:
        _fail(db, assembly, user, address)
        raise Conflict(
            _("These details have already verified another account. Ask an official for help.")
        )
    entry.used_by_id = user.id
    entry.used_at = utcnow()
    return _verify(db, assembly, user, "census")


# --- invitation codes ---------------------------------------------------------------------


def _code_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalize_code(code: str) -> str:
    """Codes are typed loosely: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    """``ABCD-EFGH-JKMN``: easier to read out and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def issue_invitations(
    db: Session,
    assembly: Assembly,
    actor: User,
    count: int = 1,
    note: str = "",
    role: str = rules.MEMBER,
) -> list[str]:
    """New single-use codes (shown once: only digests are kept). Audit-logged."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_CODES:
        message = _("Give a number between 1 and ${max}.", mapping={"max": MAX_CODES})
        raise rules.Invalid(message, {"count": message})
    if role not in rules.ROLES:
        message = one_of(rules.ROLE_LABELS[name] for name in rules.ROLES)
        raise rules.Invalid(message, {"role": message})
    note = rules.clean_text(note, rules.MAX_NOTE, "note", required=False)
    codes = []
    now = utcnow()
    for _number in range(count):
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        codes.append(format_code(code))
        db.add(
            Invitation(
                assembly_id=assembly.id,
                code_hash=_code_digest(code),
                hint=code[-4:],
                role=role,
                note=note,
                created_at=now,
                created_by_id=actor.id,
            )
        )
    db.flush()
    audit.record(
        db, actor, "assembly.invitations_issue", "assembly", assembly.id, count=count, role=role
    )
    return codes


def invitations(db: Session, assembly_id: int) -> Sequence[Invitation]:
    """Every code issued, newest first (with who used it)."""
    return db.scalars(
        select(Invitation)
        .options(joinedload(Invitation.used_by))
        .where(Invitation.assembly_id == assembly_id)
        .order_by(Invitation.id.desc())
    ).all()


def invitation_stats(db: Session, assembly_id: int) -> tuple[int, int]:
    total, used = db.execute(
        select(func.count(), func.count(Invitation.used_by_id)).where(
            Invitation.assembly_id == assembly_id
        )
    ).one()
    return int(total or 0), int(used or 0)


def redeem_invitation(
    db: Session, assembly: Assembly, user: User, code: str, address: str | None = None
) -> tuple[Membership, ResidentVerification]:
    """Use a code: the person becomes a verified resident and, if not yet, a member.

    Someone already in the assembly keeps their role. Raises ``Throttled``,
    ``Invalid`` (unknown code; a failure is recorded) or ``Conflict`` (used).
    """
    _check_throttle(db, assembly, user, address)
    normalized = normalize_code(code)
    if not normalized:
        raise rules.Invalid(_("This field is required."), {"code": _("This field is required.")})
    invitation = db.scalar(
        select(Invitation).where(
            Invitation.code_hash == _code_digest(normalized),
            Invitation.assembly_id == assembly.id,
        )
    )
    if invitation is None:
        _fail(db, assembly, user, address)
        message = _("This code is not valid for this assembly. Check it and try again.")
        raise rules.Invalid(message, {"code": message})
    if invitation.used_by_id is not None:
        if invitation.used_by_id != user.id:
            _fail(db, assembly, user, address)
            raise Conflict(_("This code has already been used."))
    else:
        invitation.used_by_id = user.id
        invitation.used_at = utcnow()
    membership = get_membership(db, assembly.id, user.id)
    if membership is None:
        membership = Membership(
            assembly_id=assembly.id,
            user_id=user.id,
            role=invitation.role,
            added_by_id=invitation.created_by_id,
            created_at=utcnow(),
        )
        db.add(membership)
        _close_pending_request(db, assembly.id, user.id, None)
        audit.record(
            db, user, "assembly.invitation_redeem", "assembly", assembly.id,
            user_id=user.id, invitation_id=invitation.id, role=invitation.role,
        )  # fmt: skip
    record = _verify(db, assembly, user, "code")
    return membership, record
