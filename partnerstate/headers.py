"""Security headers on every response."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pyramid.events import NewResponse


def no_store(request: Any) -> None:
    """A page that shows a secret once (an API token, invitation codes) is never cached."""
    request.response.headers["Cache-Control"] = "no-store"


def content_security_policy(tile_url: str) -> str:
    tile_origin = ""
    parts = urlsplit(tile_url.replace("{s}", "a"))
    if parts.scheme and parts.netloc:
        tile_origin = f" {parts.scheme}://{parts.netloc.replace('a.', '*.', 1)}"
    return "; ".join(
        [
            "default-src 'self'",
            f"img-src 'self' data:{tile_origin}",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def includeme(config: Any) -> None:
    settings = config.registry["partnerstate.settings"]
    csp = content_security_policy(settings.tile_url)

    def add_headers(event: NewResponse) -> None:
        headers = event.response.headers
        headers.setdefault("Content-Security-Policy", csp)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if settings.production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")

    config.add_subscriber(add_headers, NewResponse)
