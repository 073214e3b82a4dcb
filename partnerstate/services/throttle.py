"""Login throttling: per account after a handful of failures, per address much later.

A city hall or a library puts many people behind one address, so the address
limit is high; the account limit only ever blocks that account, so an attacker
hammering one account never locks the others out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from partnerstate.database import utcnow
from partnerstate.models import LoginFailure


@dataclass(frozen=True)
class ThrottlePolicy:
    account_failures: int = 5
    address_failures: int = 100
    window_seconds: int = 900


def _normalize(email: str) -> str:
    return email.strip().lower()[:254]


def retry_after(
    db: Session, policy: ThrottlePolicy, email: str, address: str, now: dt.datetime | None = None
) -> int | None:
    """Seconds to wait before another attempt is allowed, or None if one is allowed now."""
    now = now or utcnow()
    since = now - dt.timedelta(seconds=policy.window_seconds)
    waits = []
    for column, value, limit in (
        (LoginFailure.email, _normalize(email), policy.account_failures),
        (LoginFailure.address, address[:64], policy.address_failures),
    ):
        count, oldest = db.execute(
            select(func.count(), func.min(LoginFailure.created_at)).where(
                column == value, LoginFailure.created_at > since
            )
        ).one()
        if count >= limit and oldest is not None:
            if oldest.tzinfo is None:  # SQLite aggregates lose the type decorator
                oldest = dt.datetime.fromisoformat(str(oldest)).replace(tzinfo=dt.UTC)
            expires = oldest + dt.timedelta(seconds=policy.window_seconds)
            waits.append(max(1, int((expires - now).total_seconds()) + 1))
    return max(waits) if waits else None


def record_failure(db: Session, email: str, address: str) -> None:
    db.add(LoginFailure(email=_normalize(email), address=address[:64]))


def clear_account(db: Session, email: str) -> None:
    """A successful login forgives that account's failures (not the address's)."""
    db.execute(delete(LoginFailure).where(LoginFailure.email == _normalize(email)))


def purge_older_than(db: Session, seconds: int, now: dt.datetime | None = None) -> int:
    cutoff = (now or utcnow()) - dt.timedelta(seconds=seconds)
    result = db.execute(delete(LoginFailure).where(LoginFailure.created_at < cutoff))
    return int(result.rowcount or 0)
