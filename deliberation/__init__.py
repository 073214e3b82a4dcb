"""Deliberation on partnerships and preferential votes: arguments, ballots, tallies."""

from __future__ import annotations

from typing import Any


def includeme(config: Any) -> None:
    """Register this package's routes, views and templates (called by partnerstate.main)."""
    from deliberation.services import alternatives, arguments, moderation

    config.add_jinja2_search_path("deliberation:templates", name=".jinja2")
    # Enum errors of the API name stances and reasons in words.
    config.add_choice_labels(
        stances=arguments.STANCE_LABELS,
        flag_reasons=moderation.FLAG_REASONS,
        decline_reasons=alternatives.DECLINE_REASONS,
    )
    # The debate on partnerships: arguments, alternatives, moderation, notifications.
    config.include("deliberation.debate_routes")
    # Votes: ballots, secrecy, the close and the results (deliberation/votes).
    config.include("deliberation.votes")
