"""The core's routes. Feature packages add theirs in their own ``includeme``."""

from __future__ import annotations

from typing import Any


def includeme(config: Any) -> None:
    # Before any feature: each names the codes its audit entries store.
    config.include("partnerstate.audit_labels")
    config.add_route("home", "/")
    config.add_route("healthz", "/healthz")
    config.add_route("login", "/login")
    config.add_route("logout", "/logout")
    config.add_route("register", "/register")
    config.add_route("profile", "/profile")
    config.add_route("profile.tokens", "/profile/tokens")
    config.add_route("profile.token_revoke", "/profile/tokens/{token_id:\\d+}/revoke")
    config.add_route("language", "/language/{locale}")
    config.add_route("audit_log", "/audit")
    config.add_route("api.tokens", "/api/v1/tokens")
    config.add_route("api.me", "/api/v1/me")
    # The API explorer page and the Swagger UI files it loads.
    config.include("partnerstate.views.api_explorer")
    # The commons register (its own subpackage: routes, views, static files, nav).
    config.include("partnerstate.commons")
    # Public–commons partnerships (their subpackage: routes, views, the page's panels).
    config.include("partnerstate.partnerships")
