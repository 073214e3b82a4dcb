"""Creating, changing and listing assemblies."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assemblies import rules
from assemblies.models import Assembly, Membership
from partnerstate.database import utcnow
from partnerstate.i18n import _
from partnerstate.models import User
from partnerstate.services import audit


def create_assembly(
    db: Session,
    name: Any,
    city: str = "",
    default_locale: str = "en",
    *,
    description: Any = None,
    quorum_percent: float | None = None,
    join_policy: str = rules.OPEN,
    requires_verification: bool = False,
    creator: User | None = None,
    locales: tuple[str, ...] | None = None,
) -> Assembly:
    """A new assembly; plain-string texts are in ``default_locale``. Raises ``Invalid``.

    ``creator`` (an official) is recorded and the creation audit-logged.
    """
    values = rules.clean_assembly(
        {
            "name": name,
            "city": city,
            "default_locale": default_locale,
            "description": description,
            "quorum_percent": quorum_percent,
            "join_policy": join_policy,
            "requires_verification": requires_verification,
        },
        default_locale or "en",
        locales=locales,
    )
    now = utcnow()
    assembly = Assembly(
        **values,
        census_salt=secrets.token_hex(32),
        created_by_id=creator.id if creator is not None else None,
        created_at=now,
        updated_at=now,
    )
    db.add(assembly)
    db.flush()
    if creator is not None:
        audit.record(db, creator, "assembly.create", "assembly", assembly.id)
    return assembly


def update_assembly(
    db: Session,
    assembly: Assembly,
    actor: User,
    data: Mapping[str, Any],
    locale: str,
    locales: tuple[str, ...] | None = None,
) -> Assembly:
    """Change the fields present in ``data`` (API-shaped); raises ``Invalid``.

    A plain string replaces the text in ``locale`` and keeps the other languages.
    """
    values = rules.clean_assembly(data, locale, partial=True, locales=locales)
    language = values.get("default_locale") or locale
    for column in ("name", "description"):
        if column in values and isinstance(data.get(column), str):
            # One language changed: keep the others (an empty text removes it).
            kept = {k: v for k, v in getattr(assembly, column).items() if k != language}
            values[column] = {**kept, **values[column]}
    if "name" in values and not values["name"]:
        raise rules.Invalid(
            _("Some fields are missing or invalid."), {"name": _("This field is required.")}
        )
    # Nothing is changed before every value is known to be valid.
    changed = [column for column, value in values.items() if getattr(assembly, column) != value]
    for column in changed:
        setattr(assembly, column, values[column])
    if changed:
        assembly.updated_at = utcnow()
        audit.record(db, actor, "assembly.update", "assembly", assembly.id, fields=sorted(changed))
    return assembly


def get_assembly(db: Session, assembly_id: int) -> Assembly | None:
    return db.get(Assembly, assembly_id)


def assembly_locale(db: Session, assembly_id: int) -> str | None:
    """The assembly's default language, or None for an unknown assembly.

    The core's locale negotiation asks this (see ``partnerstate.i18n``) for pages about
    the assembly or what belongs to it; an assembly already loaded costs no query.
    """
    assembly = db.get(Assembly, assembly_id)
    return assembly.default_locale if assembly is not None else None


def list_assemblies(db: Session, limit: int = 50, offset: int = 0) -> tuple[list[Assembly], bool]:
    """A page of assemblies, oldest first, and whether there are more."""
    rows = list(db.scalars(select(Assembly).order_by(Assembly.id).limit(limit + 1).offset(offset)))
    return rows[:limit], len(rows) > limit


def member_counts(db: Session, assembly_ids: list[int]) -> dict[int, int]:
    """How many people belong to each assembly (every role)."""
    if not assembly_ids:
        return {}
    rows = db.execute(
        select(Membership.assembly_id, func.count())
        .where(Membership.assembly_id.in_(assembly_ids))
        .group_by(Membership.assembly_id)
    )
    return {int(assembly_id): int(count) for assembly_id, count in rows.all()}
