"""Login throttling that slows guessing without handing attackers a lockout.

Failures are counted in the database (every app process sees the same counts):

* per (account, address): a few free failures, then a growing wait between attempts
  (``delay_seconds``, doubling with each further failure, at most the window). An
  attacker elsewhere therefore never locks the owner out: the wait binds only the
  pair that keeps failing.
* per address, over all accounts: a budget generous enough for a city hall or a library
  behind one NAT; beyond it, browsers from that address wait until older failures
  leave the window.
* per device: a browser that signed in to the account before holds a device cookie
  (partnerstate/views/throttling.py, after OWASP's "device cookies"). It is exempt
  from both waits above, so the owner keeps signing in while an attacker hammers the
  account or the address, but its own failures still count: after
  ``account_failures`` of them the cookie exempts nothing until they leave the window.

Unknown accounts are counted exactly like real ones, so the answers reveal nothing.
IPv6 addresses are counted by their /64 network, which one household or one attacker
usually holds whole.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from partnerstate.database import utcnow
from partnerstate.models import LoginFailure


@dataclass(frozen=True)
class ThrottlePolicy:
    account_failures: int = 5
    """Failures allowed per (account, address), and per device cookie, before waits begin."""
    address_failures: int = 300
    """Failures allowed per address over all accounts within the window."""
    window_seconds: int = 900
    """How long a failure counts."""
    delay_seconds: int = 30
    """The first wait once a pair's free failures are used; it doubles with each failure."""


def _normalize(email: str) -> str:
    return email.strip().lower()[:254]


def network(address: str) -> str:
    """What failures are counted by: an IPv4 address, or an IPv6 address's /64 network."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is that IPv4 address
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _aware(value: Any) -> dt.datetime:
    if value.tzinfo is None:  # SQLite aggregates lose the type decorator
        return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)
    return value


def _seconds_until(moment: dt.datetime, now: dt.datetime) -> int | None:
    return max(1, int((moment - now).total_seconds()) + 1) if moment > now else None


def pair_wait(policy: ThrottlePolicy, failures: int) -> dt.timedelta:
    """The wait after the latest of ``failures`` failures of one (account, address) pair."""
    extra = failures - policy.account_failures
    if extra < 0:
        return dt.timedelta(0)
    # Capped before raising 2 to a power, so a long series cannot overflow.
    seconds = min(policy.window_seconds, policy.delay_seconds * 2 ** min(extra, 30))
    return dt.timedelta(seconds=seconds)


def trusted_device(
    db: Session, policy: ThrottlePolicy, device: str | None, now: dt.datetime | None = None
) -> bool:
    """Whether a device cookie's nonce still exempts its browser (few recent failures)."""
    if not device:
        return False
    since = (now or utcnow()) - dt.timedelta(seconds=policy.window_seconds)
    failures = db.scalar(
        select(func.count()).where(LoginFailure.device == device, LoginFailure.created_at > since)
    )
    return (failures or 0) < policy.account_failures


def retry_after(
    db: Session,
    policy: ThrottlePolicy,
    email: str,
    address: str,
    *,
    device: str | None = None,
    now: dt.datetime | None = None,
) -> int | None:
    """Seconds to wait before another attempt is allowed, or None if one is allowed now.

    ``device`` is the nonce of a valid device cookie for this account, if the browser
    sent one.
    """
    now = now or utcnow()
    if trusted_device(db, policy, device, now):
        return None
    since = now - dt.timedelta(seconds=policy.window_seconds)
    where = network(address)
    waits = []
    count, latest = db.execute(
        select(func.count(), func.max(LoginFailure.created_at)).where(
            LoginFailure.email == _normalize(email),
            LoginFailure.address == where,
            LoginFailure.created_at > since,
        )
    ).one()
    if count >= policy.account_failures and latest is not None:
        waits.append(_seconds_until(_aware(latest) + pair_wait(policy, count), now))
    count, oldest = db.execute(
        select(func.count(), func.min(LoginFailure.created_at)).where(
            LoginFailure.address == where, LoginFailure.created_at > since
        )
    ).one()
    if count >= policy.address_failures and oldest is not None:
        expires = _aware(oldest) + dt.timedelta(seconds=policy.window_seconds)
        waits.append(_seconds_until(expires, now))
    found = [wait for wait in waits if wait is not None]
    return max(found) if found else None


def record_failure(db: Session, email: str, address: str, device: str | None = None) -> None:
    """Count a wrong password for ``email`` from ``address`` (and from a device cookie)."""
    device = device[:32] if device else None
    db.add(LoginFailure(email=_normalize(email), address=network(address), device=device))


def forgive(db: Session, email: str, address: str) -> None:
    """A successful sign-in forgives that pair's failures: not the address's, nor those
    of the account from other addresses (an attacker's waits elsewhere go on)."""
    db.execute(
        delete(LoginFailure).where(
            LoginFailure.email == _normalize(email), LoginFailure.address == network(address)
        )
    )


def clear_account(db: Session, email: str) -> None:
    """After a password reset: its owner proved control of the address, and every guess
    counted so far was at the password that no longer exists."""
    db.execute(delete(LoginFailure).where(LoginFailure.email == _normalize(email)))


def purge_older_than(db: Session, seconds: int, now: dt.datetime | None = None) -> int:
    """Delete failures older than ``seconds`` (for the scheduler); return how many."""
    cutoff = (now or utcnow()) - dt.timedelta(seconds=seconds)
    result = db.execute(delete(LoginFailure).where(LoginFailure.created_at < cutoff))
    return int(result.rowcount or 0)
