"""Helpers for the assemblies' tests: an assembly with one person in each role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from assemblies import services
from partnerstate.database import utcnow
from tests import factories

PARIS = ZoneInfo("Europe/Paris")


@dataclass
class Cast:
    """An assembly and its people: the official who created it, one person per role,
    and an outsider (signed in, not in the assembly)."""

    assembly: Any
    official: Any
    facilitator: Any
    member: Any
    observer: Any
    outsider: Any

    def by_role(self, role: str) -> Any:
        return getattr(self, role)


def make_assembly(db: Session, creator: Any = None, commit: bool = True, **options: Any) -> Any:
    options.setdefault("name", "Assembly of the commons")
    name = options.pop("name")
    assembly = services.create_assembly(
        db,
        name,
        options.pop("city", "Lille"),
        options.pop("default_locale", "en"),
        creator=creator,
        **options,
    )
    if commit:
        db.commit()
    return assembly


def make_cast(db: Session, official: Any, **options: Any) -> Cast:
    assembly = make_assembly(db, official, commit=False, **options)
    cast = Cast(
        assembly=assembly,
        official=official,
        facilitator=factories.make_user(db, name="Fatou Facilitator"),
        member=factories.make_user(db, name="Mika Member"),
        observer=factories.make_user(db, name="Otto Observer"),
        outsider=factories.make_user(db, name="Nils Nonmember"),
    )
    for role in ("facilitator", "member", "observer"):
        services.add_member(db, assembly, cast.by_role(role), role, actor=official)
    db.commit()
    return cast


def make_meeting(
    db: Session,
    assembly: Any,
    actor: Any = None,
    days: float = 7,
    title: Any = "Monthly plenary",
    **data: Any,
) -> Any:
    """A meeting ``days`` from now (negative: in the past)."""
    starts = utcnow() + dt.timedelta(days=days)
    body = {"title": title, "starts_at": starts.isoformat(), "location": "Town hall", **data}
    meeting = services.schedule_meeting(db, assembly, actor, body, "en", PARIS)
    db.commit()
    return meeting
