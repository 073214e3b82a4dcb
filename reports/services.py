"""Charters' business rules: issue, sign, attach the signed scan, verify.

Views call these with ``request.db``; nothing here commits or knows about HTTP.
Refusals are the shared :mod:`partnerstate.partnerships.errors`, carrying the HTTP
status the API answers with (409 not adopted / already issued / already signed, 403, 422).
Every change is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer, selectinload, undefer, with_expression

from partnerstate.database import utcnow
from partnerstate.i18n import LOCALES, _
from partnerstate.models import User
from partnerstate.partnerships import vocabulary as vocab
from partnerstate.partnerships.errors import Conflict, Forbidden, Invalid
from partnerstate.services import audit
from reports import charter, charter_report, render, sources
from reports.models import (
    AWAITING_SIGNATURES,
    CITY,
    COMMONS,
    PARTIES,
    SIGNED,
    WITHDRAWN,
    Charter,
    Signature,
    SignedScan,
)

OBJECT_TYPE = "charter"
#: Partnerships in these states have been adopted (later states keep their charters).
ADOPTED_STATES = frozenset({"adopted", "signed", "active", "closed"})
MAX_SCAN_BYTES = 20 * 1024 * 1024
MAX_REASON = 1000


@dataclass(frozen=True)
class IssueRequest:
    """What an official may state when issuing: language and who signs for each party."""

    locale: str | None = None
    city_department: str = ""
    city_signatory_name: str = ""
    city_signatory_role: str = ""
    commons_signatory_name: str = ""
    commons_signatory_role: str = ""
    city_signatory: User | None = None
    commons_signatory: User | None = None


# --- reading ------------------------------------------------------------------------


def get(db: Session, charter_id: int) -> Charter | None:
    return db.get(Charter, charter_id)


def find_by_code(db: Session, code: str | None) -> Charter | None:
    """The charter whose verification code is ``code``; None for unknown or malformed."""
    normalized = charter.normalize_code(code)
    if normalized is None:
        return None
    return db.scalars(select(Charter).where(Charter.sha256 == normalized)).first()


def for_partnership(db: Session, partnership_id: int) -> list[Charter]:
    query = select(Charter).where(Charter.partnership_id == partnership_id).order_by(Charter.id)
    return list(db.scalars(query))


def for_commons(db: Session, commons_id: int) -> list[Charter]:
    query = select(Charter).where(Charter.commons_id == commons_id).order_by(Charter.id.desc())
    return list(db.scalars(query))


def listing(
    db: Session, status: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[Charter], bool]:
    """A page of charters, newest first, and whether there are more.

    Signatures and scans (each row shows them) come in one query each, not one per row.
    The charters' text is left in the database: decoding thirty of them was a quarter of
    the list's time; the commons' name, all a row shows of it, is read in SQL.
    """
    query = (
        select(Charter)
        .options(
            defer(Charter.content),
            with_expression(
                Charter.listed_commons_name, Charter.content["commons"]["name"].as_string()
            ),
            selectinload(Charter.signatures),
            selectinload(Charter.scans),
        )
        .order_by(Charter.issued_at.desc(), Charter.id.desc())
    )
    if status:
        query = query.where(Charter.status == status)
    rows = list(db.scalars(query.limit(limit + 1).offset(offset)))
    return rows[:limit], len(rows) > limit


def awaiting_signature(db: Session, user: User, limit: int) -> tuple[list[Charter], int]:
    """Charters the person may sign now, oldest first (the first ``limit``), and how
    many in all: every charter awaiting signatures for an official (who may sign or
    record a signature for either party, see :func:`may_sign`), else those where they
    are the named signatory of a party that has not signed yet."""
    conditions = [Charter.status == AWAITING_SIGNATURES]
    if not user.is_official:

        def unsigned(party: str) -> Any:
            return ~(
                select(Signature.id)
                .where(Signature.charter_id == Charter.id, Signature.party == party)
                .exists()
            )

        conditions.append(
            ((Charter.city_signatory_id == user.id) & unsigned(CITY))
            | ((Charter.commons_signatory_id == user.id) & unsigned(COMMONS))
        )
    rows = list(
        db.scalars(
            select(Charter).where(*conditions).order_by(Charter.issued_at, Charter.id).limit(limit)
        )
    )
    total = db.scalar(select(func.count(Charter.id)).where(*conditions))
    return rows, int(total or 0)


def count(db: Session) -> int:
    return db.scalar(select(func.count(Charter.id))) or 0


def current_pdf(db: Session, item: Charter) -> bytes:
    """The stored PDF to hand out: with the recorded signatures once there are some."""
    loaded = db.scalars(
        select(Charter)
        .where(Charter.id == item.id)
        .options(undefer(Charter.pdf), undefer(Charter.signed_pdf))
    ).one()
    return loaded.signed_pdf or loaded.pdf


def issued_pdf(db: Session, item: Charter) -> bytes:
    loaded = db.scalars(
        select(Charter).where(Charter.id == item.id).options(undefer(Charter.pdf))
    ).one()
    return loaded.pdf


def scan_data(db: Session, scan: SignedScan) -> bytes:
    return (
        db.scalars(
            select(SignedScan).where(SignedScan.id == scan.id).options(undefer(SignedScan.data))
        )
        .one()
        .data
    )


def may_sign(item: Charter, party: str, user: User | None) -> bool:
    """Officials sign (or record a signature) for either party; a named signatory for theirs."""
    if user is None or item.status != AWAITING_SIGNATURES:
        return False
    if user.is_official:
        return True
    return item.signatory_id(party) == user.id


def parties_to_sign(item: Charter, user: User | None) -> list[str]:
    """The parties ``user`` may sign for now (those not signed yet)."""
    return [
        party
        for party in PARTIES
        if item.signature_for(party) is None and may_sign(item, party, user)
    ]


# --- issuing ----------------------------------------------------------------------------


def reference_for(partnership: Any, issued_on: dt.date) -> str:
    """The charter's reference: year of issue and the partnership's number."""
    return f"{issued_on.year}-{partnership.id:04d}"


def local_date(moment: dt.datetime, timezone: str) -> dt.date:
    """The calendar day ``moment`` falls on in the city (what people read as "the date")."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def current_charter(db: Session, partnership_id: int, locale: str) -> Charter | None:
    """The partnership's charter in ``locale`` that is not withdrawn, if any."""
    query = select(Charter).where(
        Charter.partnership_id == partnership_id,
        Charter.locale == locale,
        Charter.status != WITHDRAWN,
    )
    return db.scalars(query).first()


def last_withdrawn(db: Session, partnership_id: int, locale: str) -> Charter | None:
    query = (
        select(Charter)
        .where(
            Charter.partnership_id == partnership_id,
            Charter.locale == locale,
            Charter.status == WITHDRAWN,
        )
        .order_by(Charter.id.desc())
    )
    return db.scalars(query).first()


def missing_translations(
    db: Session, partnership: Any, locales: Sequence[str], base_url: str = ""
) -> dict[str, list[tuple[str, int]]]:
    """For each of ``locales``, what of the adopted text is not written in it (empty: none)."""
    inputs = sources.charter_inputs(
        db, partnership, locales[0], lambda message, mapping=None: str(message), base_url
    )
    return {locale: charter.missing_translations(inputs.partnership, locale) for locale in locales}


@dataclass(frozen=True)
class Draft:
    """A charter as it would be issued now: its content and code, nothing stored."""

    locale: str
    content: dict[str, Any]
    sha256: str


def prepare(
    db: Session,
    partnership: Any,
    request: IssueRequest,
    *,
    base_url: str,
    site_locale: str = "en",
    timezone: str = render.DEFAULT_TIMEZONE,
    now: dt.datetime | None = None,
) -> Draft:
    """The charter's content as :func:`issue` would freeze it at ``now`` (the review step).

    409 when the partnership is not adopted or already has a current charter in that
    language; 422 for an unknown language.
    """
    if partnership.status not in ADOPTED_STATES:
        raise Conflict(
            _(
                "Only an adopted partnership has a charter; this one is “${status}”.",
                mapping={"status": vocab.status_label(partnership.status)},
            ),
            {"status": partnership.status},
        )
    locale = request.locale or sources.default_locale(db, partnership, site_locale)
    if locale not in LOCALES:
        raise Invalid(_("This language is not available."), {"locale": _("Unknown language.")})
    existing = current_charter(db, partnership.id, locale)
    if existing is not None:
        raise Conflict(
            _(
                "This partnership's charter in this language was already issued (charter ${id}).",
                mapping={"id": existing.id},
            ),
            {"charter_id": str(existing.id)},
        )

    now = now or utcnow()
    base_url = base_url.rstrip("/")

    def translate(message: Any, mapping: Any = None) -> str:
        return render.translate(locale, message, mapping)

    inputs = sources.charter_inputs(db, partnership, locale, translate, base_url)
    # The city's calendar day, not UTC's: issued at 00:40 in Paris on 7 December is
    # "7 December", and the hashed text can never be corrected afterwards.
    issued_on = local_date(now, timezone)
    withdrawn = last_withdrawn(db, partnership.id, locale)
    content = charter.build_content(
        inputs.partnership,
        charter.Parties(
            city_name=inputs.city_name,
            city_department=request.city_department.strip(),
            city_signatory=charter.Signatory(
                request.city_signatory_name or _name(request.city_signatory),
                request.city_signatory_role,
            ),
            commons_stewards=inputs.commons_stewards,
            commons_legal_form=inputs.commons_legal_form,
            commons_signatory=charter.Signatory(
                request.commons_signatory_name or _name(request.commons_signatory),
                request.commons_signatory_role,
            ),
        ),
        inputs.commons,
        inputs.decision,
        locale=locale,
        reference=reference_for(partnership, issued_on),
        issued_on=issued_on,
        translate=translate,
        fallback_locale=inputs.fallback_locale,
        adopted=inputs.adopted,
        timezone=timezone,
        supersedes=withdrawn.sha256 if withdrawn is not None else None,
    )
    return Draft(locale=locale, content=content, sha256=charter.digest(content))


def issue(
    db: Session,
    partnership: Any,
    actor: User,
    request: IssueRequest,
    *,
    base_url: str,
    site_locale: str = "en",
    timezone: str = render.DEFAULT_TIMEZONE,
    now: dt.datetime | None = None,
) -> Charter:
    """Freeze the adopted partnership into a charter in one language and render its PDF.

    409 when the partnership is not adopted or already has a current charter in that
    language (a withdrawn one does not count: the charter is issued again, and its
    text names the code of the charter it replaces).
    """
    now = now or utcnow()
    base_url = base_url.rstrip("/")
    draft = prepare(
        db,
        partnership,
        request,
        base_url=base_url,
        site_locale=site_locale,
        timezone=timezone,
        now=now,
    )
    content, sha256, locale = draft.content, draft.sha256, draft.locale
    if db.scalars(select(Charter.id).where(Charter.sha256 == sha256)).first() is not None:
        # Same text already issued (only possible for the same partnership and language).
        raise Conflict(_("A charter with exactly this text already exists."))
    pdf = charter_report.render_charter(content, sha256, base_url, timezone=timezone)
    item = Charter(
        partnership_id=partnership.id,
        commons_id=partnership.commons_id,
        locale=locale,
        reference=content["reference"],
        title=content["title"][:300],
        content=content,
        sha256=sha256,
        status=AWAITING_SIGNATURES,
        base_url=base_url,
        issued_at=now,
        issued_by_id=actor.id,
        city_signatory_id=request.city_signatory.id if request.city_signatory else None,
        commons_signatory_id=request.commons_signatory.id if request.commons_signatory else None,
        pdf=pdf,
    )
    db.add(item)
    db.flush()
    audit.record(
        db,
        actor,
        "charter.issue",
        OBJECT_TYPE,
        item.id,
        partnership_id=partnership.id,
        locale=locale,
        sha256=sha256,
    )
    _tell_signatories(db, item, partnership, locale)
    return item


def _tell_signatories(db: Session, item: Charter, partnership: Any, locale: str) -> None:
    """The named signatories learn that the charter awaits their signature."""
    from partnerstate.mail import notices

    signatories = [i for i in (item.city_signatory_id, item.commons_signatory_id) if i]
    notices.announce(
        db, kind="charter_to_sign", template="mail/charter_to_sign.jinja2",
        user_ids=signatories, path=f"/charters/{item.id}",
        params={"title": dict(partnership.title)}, assembly_locale=locale,
    )  # fmt: skip


def may_withdraw(item: Charter) -> bool:
    """Only a charter nobody has signed yet can be withdrawn."""
    return item.status == AWAITING_SIGNATURES and not item.signatures


def withdraw(
    db: Session,
    item: Charter,
    actor: User,
    reason: str,
    *,
    now: dt.datetime | None = None,
) -> Charter:
    """Withdraw an unsigned charter issued by mistake (422 without a reason, 409 once
    someone signed or when it is withdrawn already).

    The charter stays in the register, marked withdrawn with the reason; its code
    no longer verifies as valid, and the charter may be issued again.
    """
    if item.status == WITHDRAWN:
        raise Conflict(_("This charter was already withdrawn."), {"status": item.status})
    if not may_withdraw(item):
        raise Conflict(
            _("A charter that has been signed cannot be withdrawn."), {"status": item.status}
        )
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            _("Some fields are missing or invalid."),
            {"reason": _("Say why the charter is withdrawn.")},
        )
    if len(reason) > MAX_REASON:
        raise Invalid(
            _("Some fields are missing or invalid."),
            {"reason": _("At most ${max} characters.", mapping={"max": MAX_REASON})},
        )
    item.status = WITHDRAWN
    item.withdrawn_at = now or utcnow()
    item.withdrawn_by_id = actor.id
    item.withdrawal_reason = reason
    db.flush()
    audit.record(
        db, actor, "charter.withdraw", OBJECT_TYPE, item.id, sha256=item.sha256, reason=reason
    )
    return item


def _name(user: User | None) -> str:
    return user.display_name if user is not None else ""


# --- signing ----------------------------------------------------------------------------


def check_party(item: Charter, party: Any, actor: User | None) -> None:
    """Raise unless ``actor`` may sign for ``party`` now: a party of the charter
    (``Invalid``), not signed yet (``Conflict``), theirs to sign (``Forbidden``).

    Records nothing: the sign page calls it too when its form refused the name, so
    that a party signed already is said in the same round."""
    if item.status == WITHDRAWN:
        raise Conflict(_("This charter was withdrawn."), {"status": item.status})
    if party not in PARTIES:
        raise Invalid(_("Unknown party."), {"party": _("Must be city or commons.")})
    if item.signature_for(party) is not None or item.status == SIGNED:
        raise Conflict(
            _("This party has already signed the charter."), {"party": party, "status": item.status}
        )
    if not may_sign(item, party, actor):
        raise Forbidden(_("Only an official or this party's signatory may sign for it."))


def sign(
    db: Session,
    item: Charter,
    actor: User,
    *,
    party: str,
    name: str,
    role: str = "",
    place: str = "",
    timezone: str = render.DEFAULT_TIMEZONE,
    now: dt.datetime | None = None,
) -> Signature:
    """Record ``party``'s signature; when both parties have signed, the charter is signed
    and the partnership moves on (signed, then active).

    An official may record a signature for anyone; a named signatory signs for their
    own party only, with their own account. Signing a party twice is a conflict (409).
    """
    check_party(item, party, actor)
    name, role, place = name.strip(), role.strip(), place.strip()
    if not name:
        raise Invalid(
            _("Some fields are missing or invalid."), {"name": _("This field is required.")}
        )
    now = now or utcnow()
    signature = Signature(
        charter=item,
        party=party,
        name=name,
        role=role,
        place=place,
        signed_at=now,
        # The signatory's own account when they sign for themselves.
        user_id=actor.id if item.signatory_id(party) == actor.id else None,
        recorded_by_id=actor.id,
    )
    db.add(signature)
    db.flush()
    audit.record(
        db,
        actor,
        "charter.sign",
        OBJECT_TYPE,
        item.id,
        party=party,
        name=name,
        role=role,
        place=place,
    )
    if all(item.signature_for(p) is not None for p in PARTIES):
        item.status = SIGNED
        item.signed_at = now
        audit.record(db, actor, "charter.signed", OBJECT_TYPE, item.id, sha256=item.sha256)
        partnership_signed(db, item, actor)
    # The stored PDF that downloads serve now shows every recorded signature.
    item.signed_pdf = charter_report.render_charter(
        item.content, item.sha256, item.base_url, item.signatures, timezone=timezone
    )
    return signature


def partnership_signed(db: Session, item: Charter, actor: User) -> None:
    """Both parties signed: the partnership is signed, then comes into force (active).

    The lifecycle belongs to the partnerships package; this is the one place that
    asks it to move. The city's own signature is what puts the partnership in force,
    so the move to ``active`` is made on the city's authority even when the commons'
    signatory happens to be the last to sign.
    """
    from partnerstate.partnerships import services as partnerships
    from partnerstate.partnerships.lifecycle import Role

    partnership = partnerships.get(db, item.partnership_id)
    if partnership is None or partnership.status != "adopted":
        return  # already moved on (e.g. a second language's charter was signed first)
    partnerships.mark_signed(db, partnership, actor, charter_id=item.id)
    # Credit the move to whoever signed for the city (or recorded its signature), so
    # that the history and notifications do not say the commons' signatory did it.
    city = item.signature_for(CITY)
    city_actor = (city.user or city.recorded_by) if city is not None else None
    partnerships.move(
        db,
        partnership,
        "activate",
        city_actor or actor,
        roles={Role.OFFICIAL},
        details={"charter_id": item.id},
    )


# --- the signed scan ----------------------------------------------------------------------


def looks_like_pdf(data: bytes) -> bool:
    """A PDF starts with ``%PDF-`` (within the first KiB) and ends with ``%%EOF``."""
    head = data[:1024]
    return b"%PDF-" in head and b"%%EOF" in data[-2048:]


def add_uploaded_scan(db: Session, item: Charter, actor: User, upload: Any) -> SignedScan:
    """:func:`add_scan` from an uploaded form field, read no further than the size limit."""
    data = upload.file.read(MAX_SCAN_BYTES + 1)
    return add_scan(db, item, actor, filename=upload.filename or "", data=data)


def add_scan(
    db: Session,
    item: Charter,
    actor: User,
    *,
    filename: str,
    data: bytes,
    now: dt.datetime | None = None,
) -> SignedScan:
    """Keep the scan of the wet-ink signed copy, with its SHA-256; PDFs only (422)."""
    if item.status == WITHDRAWN:
        raise Conflict(_("This charter was withdrawn."), {"status": item.status})
    if not data or not looks_like_pdf(data):
        raise Invalid(_("The signed scan must be a PDF file."), {"file": _("Upload a PDF file.")})
    if len(data) > MAX_SCAN_BYTES:
        raise Invalid(
            _("The file is too large."),
            {"file": _("At most ${size} MB.", mapping={"size": MAX_SCAN_BYTES // 1024 // 1024})},
        )
    clean_name = _clean_filename(filename) or f"charter-{item.id}-signed.pdf"
    scan = SignedScan(
        charter=item,
        sha256=hashlib.sha256(data).hexdigest(),
        filename=clean_name,
        size=len(data),
        uploaded_at=now or utcnow(),
        uploaded_by_id=actor.id,
        data=data,
    )
    db.add(scan)
    db.flush()
    audit.record(
        db,
        actor,
        "charter.scan_upload",
        OBJECT_TYPE,
        item.id,
        scan_id=scan.id,
        sha256=scan.sha256,
        filename=clean_name,
    )
    return scan


def _clean_filename(filename: str) -> str:
    # Browsers may send a full path; keep the last part, printable, and short.
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    return cleaned.strip()[:200]


def signatures_json(signatures: Sequence[Signature]) -> list[dict[str, Any]]:
    return [
        {
            "party": s.party,
            "name": s.name,
            "role": s.role,
            "place": s.place,
            "signed_at": s.signed_at.isoformat(),
        }
        for s in signatures
    ]


__all__ = ["CITY", "COMMONS", "PARTIES"]
