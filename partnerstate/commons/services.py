"""The commons register's business rules: propose, edit, decide, search, report.

Views call these with ``request.db``; nothing here commits, and nothing here knows
about HTTP. Who may call what is the ACL's business (see ``commons.security``);
what may happen in which status is decided here and refused with
:class:`StateConflict`. Every change leaves a :class:`CommonsRevision`; every
official decision also goes to the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from partnerstate.commons import taxonomy as tx
from partnerstate.commons.collation import sort_key
from partnerstate.commons.models import Commons, CommonsBalance, CommonsRevision, CommonsSortKey
from partnerstate.commons.validation import (
    InvalidRecord,
    clean,
    clean_reason,
    clean_text,
    fold,
    ostrom_total,
)
from partnerstate.database import utcnow
from partnerstate.i18n import LOCALES, _
from partnerstate.localized import pick
from partnerstate.models import User
from partnerstate.services import audit

__all__ = [
    "InvalidRecord",
    "RegisterQuery",
    "StateConflict",
    "archive",
    "check_balance",
    "check_proposal",
    "check_update",
    "count",
    "districts",
    "filtered",
    "get",
    "propose",
    "record_balance",
    "refresh_derived",
    "reject",
    "search",
    "search_all",
    "update",
    "validate",
]

# Columns whose values the history keeps (derived columns are left out).
TRACKED = (
    "name", "summary", "description", "aliases", "established_on", "category", "nature",
    "intervention", "address", "latitude", "longitude", "district", "boundary", "area",
    "ownership", "owner_name", "owner_consent", "owner_consent_on", "stewards", "legal_form",
    "contact_email", "contact_phone", "website", "active_members", "decision_rule",
    "governance", "rules_url", "access_policy", "fees_policy", "fees_details",
    "inclusion_measures", "output_licence", "data_licence", "ostrom",
)  # fmt: skip

MAX_QUERY_WORDS = 8
MAX_WORD = 60


class StateConflict(Exception):
    """The action does not fit the record's current status (HTTP 409)."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def refresh_derived(commons: Commons) -> None:
    """Recompute the search and sort columns from the record's texts."""
    parts: list[str] = []
    for texts in (commons.name, commons.summary, commons.description):
        parts.extend((texts or {}).values())
    parts.extend(commons.aliases or [])
    parts.extend([commons.district or "", commons.stewards or ""])
    commons.search_text = fold(" ".join(part for part in parts if part))
    commons.sort_name = fold(pick(commons.name, "en"))[:200]
    commons.ostrom_score = ostrom_total(commons.ostrom or {})
    _store_sort_keys(commons)


def _store_sort_keys(commons: Commons) -> None:
    for locale in LOCALES:
        # The name a reader of ``locale`` sees (with its fallback), in their collation.
        key = sort_key(locale, commons.display_name(locale))
        if locale in commons.sort_keys:
            commons.sort_keys[locale].sort_key = key
        else:
            commons.sort_keys[locale] = CommonsSortKey(locale=locale, sort_key=key)


def fill_missing_sort_keys(db: Session, batch: int = 500) -> int:
    """Give every record its name's collation key in every language; return how many
    records lacked one (loaded in bulk, or saved before a language was added)."""
    have_all = (
        select(CommonsSortKey.commons_id)
        .where(CommonsSortKey.locale.in_(list(LOCALES)))
        .group_by(CommonsSortKey.commons_id)
        .having(func.count() == len(LOCALES))
    )
    missing = list(db.scalars(select(Commons.id).where(Commons.id.not_in(have_all))))
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        for commons in db.scalars(select(Commons).where(Commons.id.in_(chunk))):
            _store_sort_keys(commons)
        db.flush()
    return len(missing)


def _current_values(commons: Commons) -> dict[str, Any]:
    return {column: getattr(commons, column) for column in TRACKED}


def check_proposal(data: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """The column values :func:`propose` would store; raises :class:`InvalidRecord`.

    Stores nothing: a page whose form refused some inputs calls it too, so that every
    problem shows at once.
    """
    return clean(data, locale)


def propose(db: Session, author: User, data: Mapping[str, Any], locale: str) -> Commons:
    """A new record from ``author``: ``proposed``, or ``published`` at once for an official.

    ``data`` is shaped like the API's request body; raises :class:`InvalidRecord`.
    """
    values = check_proposal(data, locale)
    now = utcnow()
    commons = Commons(
        status=tx.PROPOSED,
        proposer_id=author.id,
        created_at=now,
        updated_at=now,
        name={},
        summary={},
        description={},
        aliases=[],
        boundary={},
        governance={},
        fees_details={},
        inclusion_measures={},
        ostrom={},
        address="",
        district="",
        owner_name="",
        owner_consent=False,
        stewards="",
        contact_email="",
        contact_phone="",
        website="",
        rules_url="",
    )
    for column, value in values.items():
        setattr(commons, column, value)
    refresh_derived(commons)
    db.add(commons)
    db.flush()
    commons.revisions.append(
        CommonsRevision(author_id=author.id, action="created", changes={}, created_at=now)
    )
    if author.is_official:
        # An official's own entry needs no second look by another official.
        _publish(db, commons, author, now)
    return commons


def update(
    db: Session, commons: Commons, actor: User, data: Mapping[str, Any], locale: str
) -> dict[str, Any]:
    """Apply the fields of ``data`` that are present; return ``{field: {old, new}}``.

    Translatable texts are merged language by language: ``{"name": {"en": "…"}}``
    adds or replaces the English name and keeps the others (an empty string removes
    a language); a plain string sets the text of ``locale``. Only fields that
    really change are recorded; an edit that changes nothing leaves no revision.
    """
    before = _current_values(commons)
    values = check_update(commons, data, locale)
    changes: dict[str, Any] = {}
    for column, value in values.items():
        if column not in before or before[column] == value:
            continue
        changes[column] = {"old": _jsonable(before[column]), "new": _jsonable(value)}
        setattr(commons, column, value)
    if not changes:
        return {}
    now = utcnow()
    commons.updated_at = now
    refresh_derived(commons)
    commons.revisions.append(
        CommonsRevision(author_id=actor.id, action="edited", changes=changes, created_at=now)
    )
    if actor.is_official and actor.id != commons.proposer_id:
        audit.record(db, actor, "commons.edit", "commons", commons.id, fields=sorted(changes))
    return changes


def check_update(commons: Commons, data: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """The column values :func:`update` would set; raises :class:`InvalidRecord`.

    Changes nothing (see :func:`check_proposal`).
    """
    merged = _merge_translations(commons, data, locale)
    return clean(merged, locale, partial=True, current=_current_values(commons))


# Translatable texts an update merges: API field -> column; and inside "governance".
_MERGED = {"name": "name", "summary": "summary", "description": "description",
           "boundary": "boundary"}  # fmt: skip
_MERGED_GOVERNANCE = {"description": "governance", "fees_details": "fees_details",
                      "inclusion": "inclusion_measures"}  # fmt: skip


def _merged(current: Mapping[str, str] | None, given: Any, locale: str) -> Any:
    if isinstance(given, str):
        given = {locale: given}
    if not isinstance(given, dict):
        return given  # not text at all: let the rules say so
    return {**(current or {}), **given}


def _merge_translations(commons: Commons, data: Mapping[str, Any], locale: str) -> dict[str, Any]:
    merged = dict(data)
    for field, column in _MERGED.items():
        if field in merged:
            merged[field] = _merged(getattr(commons, column), merged[field], locale)
    governance = merged.get("governance")
    if isinstance(governance, str):
        governance = {"description": governance}
    if isinstance(governance, dict):
        governance = dict(governance)
        for key, column in _MERGED_GOVERNANCE.items():
            if key in governance:
                governance[key] = _merged(getattr(commons, column), governance[key], locale)
        merged["governance"] = governance
    return merged


def _publish(db: Session, commons: Commons, official: User, now: dt.datetime) -> None:
    commons.status = tx.PUBLISHED
    commons.published_at = commons.published_at or now
    commons.decided_at = now
    commons.decided_by_id = official.id
    commons.rejection_reason = None
    commons.updated_at = now
    commons.revisions.append(
        CommonsRevision(author_id=official.id, action="validated", created_at=now, changes={})
    )
    audit.record(db, official, "commons.validate", "commons", commons.id)


def validate(db: Session, commons: Commons, official: User) -> Commons:
    """Publish a proposed (or previously rejected) commons; a no-op when published."""
    if commons.status == tx.PUBLISHED:
        return commons  # already done: validating twice is harmless
    if commons.status == tx.ARCHIVED:
        raise StateConflict(_("An archived commons cannot be validated."))
    _publish(db, commons, official, utcnow())
    _tell_proposer(db, commons, official, "commons_validated")
    return commons


def _tell_proposer(db: Session, commons: Commons, official: User, kind: str, **params: Any) -> None:
    """The person who proposed the commons learns the decision (mail as chosen, in-app)."""
    from partnerstate.mail import notices

    if commons.proposer_id is None or commons.proposer_id == official.id:
        return
    notices.announce(
        db, kind=kind, template=f"mail/{kind}.jinja2", user_ids=[commons.proposer_id],
        path=f"/commons/{commons.id}", params={"name": dict(commons.name), **params},
    )  # fmt: skip


def reject(db: Session, commons: Commons, official: User, reason: Any) -> Commons:
    """Refuse a proposal, with reasons; the record stays public, marked rejected."""
    text = clean_reason(reason)
    if commons.status != tx.PROPOSED:
        raise StateConflict(_("Only a proposed commons can be rejected."))
    now = utcnow()
    commons.status = tx.REJECTED
    commons.rejection_reason = text
    commons.decided_at = now
    commons.decided_by_id = official.id
    commons.updated_at = now
    commons.revisions.append(
        CommonsRevision(
            author_id=official.id, action="rejected", note=text, created_at=now, changes={}
        )
    )
    audit.record(db, official, "commons.reject", "commons", commons.id, reason=text)
    _tell_proposer(db, commons, official, "commons_rejected", reason=text)
    return commons


def archive(db: Session, commons: Commons, official: User, reason: Any) -> Commons:
    """Retire a published commons that no longer exists; it stays readable."""
    text = clean_reason(reason)
    if commons.status != tx.PUBLISHED:
        raise StateConflict(_("Only a published commons can be archived."))
    now = utcnow()
    commons.status = tx.ARCHIVED
    commons.decided_at = now
    commons.decided_by_id = official.id
    commons.updated_at = now
    commons.revisions.append(
        CommonsRevision(
            author_id=official.id, action="archived", note=text, created_at=now, changes={}
        )
    )
    audit.record(db, official, "commons.archive", "commons", commons.id, reason=text)
    return commons


# --- the community balance ---------------------------------------------------------


def check_balance(
    data: Mapping[str, Any], locale: str
) -> tuple[int, dict[str, int], dict[str, str]]:
    """A balance's year, scores and notes; raises :class:`InvalidRecord` naming every problem.

    Stores nothing (see :func:`check_proposal`).
    """
    errors: dict[str, Any] = {}
    year = data.get("year")
    this_year = dt.date.today().year
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= this_year:
        errors["year"] = _(
            "Must be between ${low} and ${high}.", mapping={"low": 1900, "high": this_year}
        )
    scores: dict[str, int] = {}
    for dimension in tx.BALANCE_DIMENSIONS:
        value = data.get(dimension)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            errors[dimension] = _(
                "Must be between ${low} and ${high}.", mapping={"low": 0, "high": 100}
            )
        else:
            scores[dimension] = value
    notes: dict[str, str] = {}
    try:
        notes = clean_text("notes", data.get("notes"), locale)
    except InvalidRecord as error:
        errors.update(error.errors)
    if errors:
        raise InvalidRecord(errors)
    return year, scores, notes


def record_balance(
    db: Session, commons: Commons, author: User, data: Mapping[str, Any], locale: str
) -> CommonsBalance:
    """Add or replace the community balance of one year (scores 0-100)."""
    year, scores, notes = check_balance(data, locale)
    if commons.status != tx.PUBLISHED:
        raise StateConflict(_("Only a published commons reports a community balance."))
    balance = db.scalar(
        select(CommonsBalance).where(
            CommonsBalance.commons_id == commons.id, CommonsBalance.year == year
        )
    )
    if balance is None:
        balance = CommonsBalance(commons_id=commons.id, year=year)
        commons.balances.append(balance)
    for dimension, value in scores.items():
        setattr(balance, dimension, value)
    balance.notes = notes
    balance.author_id = author.id
    balance.created_at = utcnow()
    commons.revisions.append(
        CommonsRevision(
            author_id=author.id,
            action="balance",
            changes={"year": year, **scores},
            created_at=balance.created_at,
        )
    )
    return balance


# --- finding commons ---------------------------------------------------------------


@dataclass(frozen=True)
class RegisterQuery:
    """What the register page, the API list and the exports filter and sort by."""

    q: str = ""
    category: str | None = None
    nature: str | None = None
    status: str = tx.PUBLISHED
    district: str | None = None
    sort: str = "name"
    mappable: bool = False  # only records with a point (the map, GeoJSON)
    locale: str = "en"  # the reader's language: names are sorted as they read them

    def words(self) -> list[str]:
        """The search words, folded like ``search_text`` (accents and case ignored)."""
        return [word[:MAX_WORD] for word in fold(self.q).split()][:MAX_QUERY_WORDS]


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filtered(statement: Select[Any], query: RegisterQuery, viewer: User | None) -> Select[Any]:
    statement = statement.where(Commons.status == query.status)
    if query.status == tx.PROPOSED:
        # Proposals are not public: officials review them all, members see their own.
        if viewer is None:
            statement = statement.where(False)
        elif not viewer.is_official:
            statement = statement.where(Commons.proposer_id == viewer.id)
    if query.category:
        statement = statement.where(Commons.category == query.category)
    if query.nature:
        statement = statement.where(Commons.nature == query.nature)
    if query.district:
        statement = statement.where(Commons.district == query.district)
    if query.mappable:
        statement = statement.where(Commons.latitude.is_not(None), Commons.longitude.is_not(None))
    for word in query.words():
        statement = statement.where(
            Commons.search_text.like(f"%{_escape_like(word)}%", escape="\\")
        )
    return statement


_ORDERS = {
    "newest": (Commons.created_at.desc(), Commons.id.desc()),
    # Not offered on the register page: the home page lists proposals that waited longest.
    "oldest": (Commons.created_at, Commons.id),
    "updated": (Commons.updated_at.desc(), Commons.id.desc()),
    "ostrom": (Commons.ostrom_score.desc().nulls_last(), Commons.sort_name, Commons.id),
}


def ordered(statement: Select[Any], query: RegisterQuery) -> Select[Any]:
    """``statement`` in the query's order; by name, in the reader's collation.

    By name, the database walks the index of the reader's language's keys in order and
    stops after the page (an outer join, or any fallback in the ORDER BY, would sort the
    whole register instead: 20 times slower with 10,000 commons). So every record must
    have its keys: ``refresh_derived`` writes them, and ``fill_missing_sort_keys`` (run
    by ``partnerstate init``) adds those of records loaded in bulk or of a new language.
    """
    if query.sort in _ORDERS:
        return statement.order_by(*_ORDERS[query.sort])
    if query.locale not in LOCALES:
        return statement.order_by(Commons.sort_name, Commons.id)
    key = aliased(CommonsSortKey)
    joined = statement.join(key, (key.commons_id == Commons.id) & (key.locale == query.locale))
    return joined.order_by(key.sort_key, key.commons_id)


def search(
    db: Session,
    query: RegisterQuery,
    viewer: User | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Commons], bool]:
    """One page of matching records and whether there are more after it."""
    statement = ordered(filtered(select(Commons), query, viewer), query)
    rows = list(db.scalars(statement.limit(limit + 1).offset(offset)))
    return rows[:limit], len(rows) > limit


def search_ids(db: Session, query: RegisterQuery, viewer: User | None = None) -> list[int]:
    """The ids of every matching record, in the register's order (a streamed export
    then reads the records a chunk at a time)."""
    return list(db.scalars(ordered(filtered(select(Commons.id), query, viewer), query)))


def search_all(db: Session, query: RegisterQuery, viewer: User | None = None) -> Sequence[Commons]:
    """Every matching record, for the exports (CSV, GeoJSON)."""
    return db.scalars(ordered(filtered(select(Commons), query, viewer), query)).all()


@dataclass(frozen=True)
class Version:
    """What changes whenever a public export of the register would: how many records
    match and when the latest of them changed (publishing, editing and archiving all
    move ``updated_at``; a record leaving the selection lowers the count)."""

    count: int
    changed_at: dt.datetime | None


def version(db: Session, query: RegisterQuery) -> Version:
    """The version of the public records matching ``query``, in one cheap query."""
    # count(*), not count(id): PostgreSQL then answers from the (status, updated_at)
    # index alone instead of reading every record (10 ms for 10,000 commons, then 1 ms).
    statement = filtered(select(func.count(), func.max(Commons.updated_at)), query, None)
    number, changed_at = db.execute(statement).one()
    if changed_at is not None and changed_at.tzinfo is None:
        changed_at = changed_at.replace(tzinfo=dt.UTC)  # SQLite's aggregate loses the zone
    return Version(int(number or 0), changed_at)


def count(db: Session, query: RegisterQuery, viewer: User | None = None) -> int:
    statement = filtered(select(func.count()).select_from(Commons), query, viewer)  # see version
    return int(db.scalar(statement) or 0)


def districts(db: Session) -> list[str]:
    """The districts named by public records, for the register's filter."""
    statement = (
        select(Commons.district)
        .distinct()
        .where(Commons.district != "", Commons.status.in_(tx.PUBLIC_STATUSES))
        .order_by(Commons.district)
    )
    return list(db.scalars(statement))


def get(db: Session, commons_id: int) -> Commons | None:
    return db.get(Commons, commons_id)
