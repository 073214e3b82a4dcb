"""Throttling helpers shared by the login page, the password change and the token API.

The device cookie (OWASP's authentication guidance, "device cookies") marks a browser
that signed in to an account before: the throttle lets it keep signing in while the
account or its address is under attack (services/throttle.py). It is signed with the
site secret, lists the accounts signed in from this browser (at most `DEVICE_ACCOUNTS`,
each by a keyed digest of its email, never the email itself) with a random nonce each,
and carries its date of issue so that a copy stops working after `DEVICE_LIFETIME`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from webob.cookies import SignedSerializer

from partnerstate.services.throttle import ThrottlePolicy

DEVICE_COOKIE = "partnerstate_device"
DEVICE_LIFETIME = 60 * 60 * 24 * 365
DEVICE_ACCOUNTS = 5
_SALT = "partnerstate.device"


def throttle_policy(request: Any) -> ThrottlePolicy:
    settings = request.registry["partnerstate.settings"]
    return ThrottlePolicy(
        account_failures=settings.throttle_account_failures,
        address_failures=settings.throttle_address_failures,
        window_seconds=settings.throttle_window_seconds,
        delay_seconds=settings.throttle_delay_seconds,
    )


def client_address(request: Any) -> str:
    # Behind a reverse proxy, waitress's trusted_proxy settings rewrite REMOTE_ADDR.
    return request.remote_addr or "unknown"


def _secret(request: Any) -> str:
    return str(request.registry["partnerstate.settings"].secret)


def _serializer(request: Any) -> SignedSerializer:
    return SignedSerializer(_secret(request), _SALT)


def _account_key(request: Any, email: str) -> str:
    normalized = email.strip().lower().encode()
    return hmac.new(_secret(request).encode(), normalized, hashlib.sha256).hexdigest()[:32]


def _entries(request: Any) -> list[list[str]]:
    """The valid (account key, nonce) pairs of this browser's device cookie."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 4096:
        return []
    try:
        data = _serializer(request).loads(raw.encode())
    except (ValueError, TypeError, UnicodeError):
        return []  # forged, damaged, or signed with another secret
    if not isinstance(data, dict) or not isinstance(data.get("t"), int | float):
        return []
    if time.time() - data["t"] > DEVICE_LIFETIME:
        return []
    entries = data.get("a")
    if not isinstance(entries, list):
        return []
    return [
        entry
        for entry in entries[:DEVICE_ACCOUNTS]
        if isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, str) for x in entry)
    ]


def device_for(request: Any, email: str) -> str | None:
    """The nonce of this browser's device cookie for the account ``email``, if any."""
    key = _account_key(request, email)
    return next((nonce for account, nonce in _entries(request) if account == key), None)


def remember_device(request: Any, response: Any, email: str) -> None:
    """After a successful sign-in: issue (or renew) the device cookie for ``email``."""
    key = _account_key(request, email)
    entries = _entries(request)
    nonce = next((n for account, n in entries if account == key), None) or secrets.token_hex(16)
    others = [entry for entry in entries if entry[0] != key]
    data = {"t": int(time.time()), "a": [[key, nonce], *others][:DEVICE_ACCOUNTS]}
    settings = request.registry["partnerstate.settings"]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer(request).dumps(data).decode(),
        max_age=DEVICE_LIFETIME,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=settings.production,
    )
