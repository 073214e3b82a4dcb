"""Throttling helpers shared by the login page and the token API."""

from __future__ import annotations

from typing import Any

from partnerstate.services.throttle import ThrottlePolicy


def throttle_policy(request: Any) -> ThrottlePolicy:
    settings = request.registry["partnerstate.settings"]
    return ThrottlePolicy(
        account_failures=settings.throttle_account_failures,
        address_failures=settings.throttle_address_failures,
        window_seconds=settings.throttle_window_seconds,
    )


def client_address(request: Any) -> str:
    # Behind a reverse proxy, waitress's trusted_proxy settings rewrite REMOTE_ADDR.
    return request.remote_addr or "unknown"
