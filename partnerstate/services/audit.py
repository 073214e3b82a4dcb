"""The single writer of the audit log. Every official action goes through :func:`record`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from partnerstate.models import AuditEntry, User


def record(
    db: Session,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: object,
    **details: Any,
) -> AuditEntry:
    """Append an entry: ``actor`` did ``action`` (e.g. ``commons.validate``) to an object."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details,
    )
    db.add(entry)
    return entry


def entries_for(db: Session, object_type: str, object_id: object) -> list[AuditEntry]:
    """The history of one object, oldest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
        .order_by(AuditEntry.created_at, AuditEntry.id)
    )
    return list(db.scalars(query))


def recent(db: Session, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
    """The newest entries first, with their actors loaded (the audit log page lists them)."""
    query = (
        select(AuditEntry)
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(db.scalars(query))
