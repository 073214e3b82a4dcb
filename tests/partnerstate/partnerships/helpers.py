"""Builders for partnership and deliberation tests: real objects through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from partnerstate.commons import services as commons_services
from partnerstate.database import utcnow
from partnerstate.partnerships import services
from tests import factories

_counter = itertools.count(1)

COMMITMENTS = [
    {"kind": "space", "description": "The old tram depot, rent-free", "quantity": "400 m²"},
    {"kind": "insurance", "description": "Civil liability insurance for volunteers"},
    {"kind": "training", "description": "Safety training for ten people a year"},
]


def make_commons(
    db: Session, official: Any, published: bool = True, name: str | None = None
) -> Any:
    n = next(_counter)
    author = official if published else factories.make_user(db)
    commons = commons_services.propose(
        db,
        author,
        {
            "name": name or f"Community garden {n}",
            "description": "A garden cared for by its neighbours.",
            "category": "food",
        },
        "en",
    )
    db.commit()
    return commons


def make_assembly(db: Session, name: str = "Assembly of the commons", locale: str = "en") -> Any:
    from assemblies import services as assemblies

    assembly = assemblies.create_assembly(db, name, default_locale=locale)
    db.commit()
    return assembly


def add_member(db: Session, assembly: Any, user: Any, role: str = "member") -> Any:
    from assemblies import services as assemblies

    membership = assemblies.add_member(db, assembly, user, role)
    db.commit()
    return membership


def make_partnership(
    db: Session,
    official: Any,
    assembly: Any,
    commons: Any = None,
    status: str = "draft",
    **data: Any,
) -> Any:
    """A complete partnership, moved to ``status`` (draft, deliberation, voting...)."""
    commons = commons or make_commons(db, official)
    body = {
        "title": "Community garden at the tram depot",
        "purpose": "Grow food and friendship on unused municipal land.",
        "city_commitments": COMMITMENTS,
        "commons_commitments": [{"description": "Keep the garden open to everyone on Saturdays"}],
        "duration_months": 24,
        **data,
    }
    partnership = services.draft(db, official, assembly.id, commons.id, body, locale="en")
    path = {
        "draft": [],
        "deliberation": ["open_deliberation"],
        "voting": ["open_deliberation", "start_voting"],
        "adopted": ["open_deliberation", "start_voting", "adopt"],
        "rejected": ["open_deliberation", "start_voting", "reject"],
        "no_quorum": ["open_deliberation", "start_voting", "record_no_quorum"],
        "signed": ["open_deliberation", "start_voting", "adopt", "sign"],
        "active": ["open_deliberation", "start_voting", "adopt", "sign", "activate"],
        "closed": ["open_deliberation", "start_voting", "adopt", "sign", "activate", "close"],
    }[status]
    from partnerstate.partnerships.lifecycle import Role

    for name in path:
        services.move(
            db, partnership, name, official, roles={Role.OFFICIAL, Role.SYSTEM}, reason="test"
        )
    db.commit()
    return partnership


@dataclass
class Cast:
    """An assembly with one person in each role, and a partnership for a published commons."""

    official: Any
    facilitator: Any
    member: Any
    observer: Any
    outsider: Any
    assembly: Any
    commons: Any


def make_cast(db: Session, official: Any | None = None) -> Cast:
    official = official or factories.make_user(db, role="official", name="Olga Official")
    assembly = make_assembly(db)
    cast = Cast(
        official=official,
        facilitator=factories.make_user(db, name="Fatou Facilitator"),
        member=factories.make_user(db, name="Mia Member"),
        observer=factories.make_user(db, name="Otto Observer"),
        outsider=factories.make_user(db, name="Nils Nonmember"),
        assembly=assembly,
        commons=make_commons(db, official),
    )
    add_member(db, assembly, cast.facilitator, "facilitator")
    add_member(db, assembly, cast.member, "member")
    add_member(db, assembly, cast.observer, "observer")
    return cast


def later(days: int = 10) -> dt.datetime:
    return utcnow() + dt.timedelta(days=days)
