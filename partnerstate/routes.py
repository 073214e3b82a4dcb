"""The core's routes. Feature packages add theirs in their own ``includeme``."""

from __future__ import annotations

from typing import Any


def includeme(config: Any) -> None:
    # Before any feature: each names the codes its audit entries store.
    config.include("partnerstate.audit_labels")
    config.add_route("home", "/")
    config.add_route("healthz", "/healthz")
    config.add_route("favicon", "/favicon.ico")
    config.add_route("login", "/login")
    config.add_route("logout", "/logout")
    config.add_route("register", "/register")
    config.add_route("password_reset", "/password-reset")
    config.add_route("unsubscribe", "/unsubscribe/{token}")
    config.add_route("verify_email", "/verify-email/{token}")
    config.add_route("profile.verify_email", "/profile/verify-email")
    config.add_route("password_reset.token", "/password-reset/{token}")
    config.add_route("profile", "/profile")
    config.add_route("profile.password", "/profile/password")
    config.add_route("profile.sessions_end", "/profile/sessions/end")
    config.add_route("profile.tokens", "/profile/tokens")
    config.add_route("profile.token_revoke", "/profile/tokens/{token_id:\\d+}/revoke")
    config.add_route("language", "/language/{locale}")
    config.add_route("audit_log", "/audit")
    config.add_route("outbox", "/outbox")
    config.add_route("outbox.show", "/outbox/{id:\\d+}")
    config.add_route("outbox.retry", "/outbox/{id:\\d+}/retry")
    config.add_route("api.tokens", "/api/v1/tokens")
    config.add_route("api.me", "/api/v1/me")
    config.add_route("api.password_reset", "/api/v1/password-reset")
    config.add_route("api.password_reset.token", "/api/v1/password-reset/{token}")
    # Vocabularies that name an API enum's codes in words in its errors.
    config.include("partnerstate.choices")
    # The signed-in home page's sections ("what needs you"), which packages contribute.
    config.include("partnerstate.dashboard")
    # The API explorer page and the Swagger UI files it loads.
    config.include("partnerstate.views.api_explorer")
    # The commons register (its own subpackage: routes, views, static files, nav).
    config.include("partnerstate.commons")
    # Public–commons partnerships (their subpackage: routes, views, the page's panels).
    config.include("partnerstate.partnerships")
