"""What changed for someone since they last looked: computed, never stored.

Sources, all limited to the assemblies the person takes part in and to the last
:data:`WINDOW` days:

* a new partnership in one of their assemblies, once it is out of draft (a draft
  stays with the city and its facilitators);
* a partnership's phase change or new deadline (from the audit log);
* a reply to one of their posts;
* their post hidden by a facilitator, their alternative declined.

Their own actions are left out. What happened after their ``NotificationMark``
is new; opening the notifications page moves the mark to now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from deliberation.debate_models import Alternative, Argument, NotificationMark
from partnerstate.database import utcnow
from partnerstate.models import AuditEntry, User
from partnerstate.partnerships import membership
from partnerstate.partnerships.models import Partnership

WINDOW = dt.timedelta(days=60)
LIMIT = 100


@dataclass(frozen=True)
class Notification:
    """One change. ``kind`` selects the sentence the page shows."""

    kind: str  # new_partnership, transition, deadline, reply, hidden, declined
    at: dt.datetime
    partnership: Partnership
    actor: User | None = None
    details: dict[str, Any] = field(default_factory=dict)
    new: bool = False


def last_seen(db: Session, user: User) -> dt.datetime:
    mark = db.get(NotificationMark, user.id)
    return mark.seen_at if mark is not None else user.created_at


def mark_seen(db: Session, user: User, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    mark = db.get(NotificationMark, user.id)
    if mark is None:
        db.add(NotificationMark(user_id=user.id, seen_at=now))
    else:
        mark.seen_at = now


# The sources' queries, shared by the list (which loads each change with its partnership
# and actor) and the header's count (which must stay cheap: it runs on every page).


def _drafted(assembly_ids: list[int], since: dt.datetime, user: User) -> Select[Any]:
    return select(Partnership).where(
        Partnership.assembly_id.in_(assembly_ids),
        Partnership.created_at > since,
        # A draft stays with the city: members hear of it when deliberation opens.
        Partnership.status != "draft",
        or_(Partnership.created_by_id.is_(None), Partnership.created_by_id != user.id),
    )


def _moves(assembly_ids: list[int], since: dt.datetime) -> Select[Any]:
    # Moves and deadlines record their assembly, so the log is searched directly
    # (its created_at index first) instead of listing every partnership.
    return select(AuditEntry).where(
        AuditEntry.created_at > since,
        AuditEntry.object_type == "partnership",
        AuditEntry.action.in_(["partnership.transition", "partnership.deadline"]),
        AuditEntry.details["assembly_id"].as_integer().in_(assembly_ids),
    )


def _replies(since: dt.datetime, user: User) -> Select[Any]:
    parent = aliased(Argument)
    return (
        select(Argument)
        .join(parent, and_(Argument.parent_id == parent.id))
        .where(
            parent.author_id == user.id,
            Argument.author_id != user.id,
            Argument.created_at > since,
            Argument.deleted_at.is_(None),
            Argument.hidden_at.is_(None),
        )
    )


def _hidden(since: dt.datetime, user: User) -> Select[Any]:
    return select(Argument).where(Argument.author_id == user.id, Argument.hidden_at > since)


def _declined(since: dt.datetime, user: User) -> Select[Any]:
    return select(Alternative).where(
        Alternative.author_id == user.id, Alternative.declined_at > since
    )


def _collect(db: Session, user: User, since: dt.datetime) -> list[Notification]:
    found: list[Notification] = []
    assembly_ids = membership.assembly_ids_of(db, user)

    if assembly_ids:
        for partnership in db.scalars(_drafted(assembly_ids, since, user)):
            found.append(
                Notification(
                    "new_partnership",
                    partnership.created_at,
                    partnership,
                    partnership.created_by,
                )
            )
        for entry in db.scalars(_moves(assembly_ids, since)):
            if entry.actor_id == user.id:
                continue
            partnership = db.get(Partnership, int(entry.object_id))
            if partnership is None or partnership.status == "draft":
                continue
            kind = "transition" if entry.action == "partnership.transition" else "deadline"
            found.append(
                Notification(
                    kind, entry.created_at, partnership, entry.actor, dict(entry.details or {})
                )
            )

    for reply in db.scalars(_replies(since, user)):
        found.append(
            Notification(
                "reply",
                reply.created_at,
                reply.partnership,
                reply.author,
                {"argument_id": reply.id, "parent_id": reply.parent_id},
            )
        )

    for post in db.scalars(_hidden(since, user)):
        found.append(
            Notification(
                "hidden",
                post.hidden_at,
                post.partnership,
                None,
                {"argument_id": post.id, "reason": post.hidden_reason},
            )
        )

    for alternative in db.scalars(_declined(since, user)):
        found.append(
            Notification(
                "declined",
                alternative.declined_at,
                alternative.partnership,
                None,
                {"alternative_id": alternative.id, "reason": alternative.decline_reason},
            )
        )
    return found


def _count_since(db: Session, user: User, since: dt.datetime) -> int:
    """``len(_collect(...))`` without loading the changes, their partnerships and actors.

    Every signed-in page shows it: the counts go in one statement, not one each.
    """
    assembly_ids = membership.assembly_ids_of(db, user)
    kinds = [_replies(since, user), _hidden(since, user), _declined(since, user)]
    if assembly_ids:
        kinds.append(_drafted(assembly_ids, since, user))
    counts = [select(func.count()).select_from(kind.subquery()).scalar_subquery() for kind in kinds]
    total = sum(int(number or 0) for number in db.execute(select(*counts)).one())
    if not assembly_ids:
        return total
    moves = db.execute(
        _moves(assembly_ids, since).with_only_columns(AuditEntry.actor_id, AuditEntry.object_id)
    ).all()
    moved = {int(object_id) for actor_id, object_id in moves if actor_id != user.id}
    if moved:
        shown = set(
            db.scalars(
                select(Partnership.id).where(
                    Partnership.id.in_(moved), Partnership.status != "draft"
                )
            )
        )
        total += sum(
            1 for actor_id, object_id in moves if actor_id != user.id and int(object_id) in shown
        )
    return total


def for_user(db: Session, user: User, now: dt.datetime | None = None) -> list[Notification]:
    """The last :data:`WINDOW` days of changes, newest first, the new ones flagged."""
    now = now or utcnow()
    seen = last_seen(db, user)
    items = _collect(db, user, now - WINDOW)
    items.sort(key=lambda item: item.at, reverse=True)
    return [
        Notification(item.kind, item.at, item.partnership, item.actor, item.details, item.at > seen)
        for item in items[:LIMIT]
    ]


def count_new(db: Session, user: User) -> int:
    """How many changes came after the person last looked (for the header)."""
    return _count_since(db, user, last_seen(db, user))
