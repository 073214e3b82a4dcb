"""Factories that build real objects through the services (no mocks)."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from partnerstate.services import accounts

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_user(
    db: Session,
    email: str | None = None,
    name: str | None = None,
    role: str = "member",
    password: str = PASSWORD,
    locale: str | None = None,
) -> Any:
    n = next(_counter)
    user = accounts.create_user(
        db,
        email or f"person{n}@example.org",
        name or f"Person {n}",
        password,
        role=role,
        locale=locale,
    )
    db.commit()
    return user


def make_token(db: Session, user: Any) -> str:
    token = accounts.create_token(db, user, label="test")
    db.commit()
    return token
