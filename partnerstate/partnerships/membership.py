"""What partnerships need to know about assemblies, in one place.

Partnerships belong to the core and assemblies are a feature package: the core
never imports a feature package when it is itself imported, so the assemblies
package is imported inside these functions, at call time, when the app (which
includes every package) is running.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

# Assembly roles that make someone part of the deliberation.
DELIBERATING_ROLES = frozenset({"member", "facilitator", "observer"})


def get_assembly(db: Session, assembly_id: int) -> Any | None:
    from assemblies.models import Assembly

    return db.get(Assembly, assembly_id)


def assembly_name(assembly: Any, locale: str) -> str:
    from partnerstate.localized import pick

    name = getattr(assembly, "name", "")
    return pick(name, locale) if isinstance(name, dict) else str(name)


def assembly_locale(assembly: Any, fallback: str) -> str:
    return getattr(assembly, "default_locale", None) or fallback


def role(db: Session, assembly_id: int, user: Any) -> str | None:
    """The user's role in the assembly (``member``, ``facilitator``, ``observer``) or None."""
    if user is None:
        return None
    from assemblies import services

    return services.membership_role(db, assembly_id, user.id)


def is_participant(db: Session, assembly_id: int, user: Any) -> bool:
    """May take part in the deliberation: a member, facilitator or observer."""
    return role(db, assembly_id, user) in DELIBERATING_ROLES


def is_facilitator(db: Session, assembly_id: int, user: Any) -> bool:
    return role(db, assembly_id, user) == "facilitator"


def assembly_ids(db: Session, user: Any) -> list[int]:
    """The assemblies the person takes part in, in any role."""
    if user is None:
        return []
    from assemblies import services

    return services.assembly_ids_for_user(db, user.id)


def principals(db: Session, assembly_id: int, user: Any) -> list[str]:
    """``assembly:7:member``-style principals for the security policy."""
    if user is None:
        return []
    from assemblies.security import assembly_principals

    return list(assembly_principals(db, assembly_id, user))


def assembly_ids_of(db: Session, user: Any) -> list[int]:
    """The assemblies the user takes part in (for notifications)."""
    if user is None:
        return []
    from assemblies import services

    return list(services.assembly_ids_for_user(db, user.id))


def choices(db: Session, locale: str) -> list[tuple[int, str]]:
    """Every assembly as ``(id, name)``, for forms and filters."""
    from sqlalchemy import select

    from assemblies.models import Assembly

    rows = db.scalars(select(Assembly).order_by(Assembly.id)).all()
    return [(row.id, assembly_name(row, locale)) for row in rows]


def people_with_role(db: Session, assembly_id: int, role: str) -> list[Any]:
    """The accounts holding ``role`` in the assembly (e.g. its facilitators, to notify)."""
    from assemblies import services

    return [membership.user for membership in services.members(db, assembly_id, role=role)]


def participant_ids(db: Session, assembly_id: int) -> list[int]:
    """Everyone taking part in the assembly's deliberations (members, facilitators, observers)."""
    from assemblies import services

    return [m.user_id for m in services.members(db, assembly_id) if m.role in DELIBERATING_ROLES]
