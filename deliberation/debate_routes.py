"""Routes, page sections and request methods of the debate on partnerships.

Included by ``deliberation.includeme``: arguments, replies, moderation, alternatives,
notifications, and their API.
"""

from __future__ import annotations

from typing import Any

PARTNERSHIP = "partnerstate.partnerships.resources.PartnershipContext"
ARGUMENT = "deliberation.resources.ArgumentContext"
ALTERNATIVE = "deliberation.resources.AlternativeContext"


def includeme(config: Any) -> None:
    """The debate on a partnership: arguments, replies, moderation, alternatives."""
    arg = r"/partnerships/{id:\d+}/arguments/{argument_id:\d+}"
    alt = r"/partnerships/{id:\d+}/alternatives/{alternative_id:\d+}"
    config.add_route("deliberation.argue", r"/partnerships/{id:\d+}/arguments", factory=PARTNERSHIP)
    config.add_route("deliberation.argument.edit", arg + "/edit", factory=ARGUMENT)
    config.add_route("deliberation.argument.delete", arg + "/delete", factory=ARGUMENT)
    config.add_route("deliberation.argument.flag", arg + "/flag", factory=ARGUMENT)
    config.add_route("deliberation.argument.hide", arg + "/hide", factory=ARGUMENT)
    config.add_route("deliberation.argument.restore", arg + "/restore", factory=ARGUMENT)
    config.add_route("deliberation.argument.dismiss", arg + "/dismiss", factory=ARGUMENT)
    config.add_route(
        "deliberation.moderation", r"/partnerships/{id:\d+}/moderation", factory=PARTNERSHIP
    )
    config.add_route(
        "deliberation.alternatives.new",
        r"/partnerships/{id:\d+}/alternatives/new",
        factory=PARTNERSHIP,
    )
    config.add_route("deliberation.alternative", alt, factory=ALTERNATIVE)
    config.add_route("deliberation.alternative.edit", alt + "/edit", factory=ALTERNATIVE)
    config.add_route("deliberation.alternative.decline", alt + "/decline", factory=ALTERNATIVE)
    config.add_route("deliberation.alternative.reinstate", alt + "/reinstate", factory=ALTERNATIVE)
    config.add_route("notifications", "/notifications")

    # API. Paths equal openapi.yaml's literally; the contexts turn bad ids into 404s.
    api = "/api/v1/partnerships/{id}"
    config.add_route("api.partnership.comments", api + "/comments", factory=PARTNERSHIP)
    config.add_route("api.comment", api + "/comments/{argument_id}", factory=ARGUMENT)
    config.add_route("api.comment.flags", api + "/comments/{argument_id}/flags", factory=ARGUMENT)
    config.add_route("api.comment.hide", api + "/comments/{argument_id}/hide", factory=ARGUMENT)
    config.add_route(
        "api.comment.restore", api + "/comments/{argument_id}/restore", factory=ARGUMENT
    )
    config.add_route("api.partnership.alternatives", api + "/alternatives", factory=PARTNERSHIP)
    config.add_route("api.alternative", api + "/alternatives/{alternative_id}", factory=ALTERNATIVE)
    config.add_route(
        "api.alternative.decline",
        api + "/alternatives/{alternative_id}/decline",
        factory=ALTERNATIVE,
    )
    config.add_route("api.notifications", "/api/v1/notifications")

    # Sections of the partnership's page, and the header's notification count.
    config.add_partnership_panel(
        "deliberation",
        "deliberation/panel.jinja2",
        "deliberation.views.debate.debate_panel",
        order=10,
    )
    config.add_partnership_panel(
        "alternatives",
        "deliberation/alternatives_panel.jinja2",
        "deliberation.views.alternatives.alternatives_panel",
        order=20,
    )
    config.add_request_method(
        "deliberation.views.notifications.notification_count", "notification_count", reify=True
    )
    for module in ("debate", "alternatives", "notifications", "api_debate"):
        config.scan(f"deliberation.views.{module}")
