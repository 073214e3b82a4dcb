"""Preferential votes: ballots, secrecy, the close and the published results.

Only ``includeme`` lives here (included by ``deliberation.includeme``), so importing
the package for its models never pulls in views or services.
"""

from __future__ import annotations

from typing import Any

VOTE = "deliberation.votes.resources.VoteContext"
BALLOT = "deliberation.votes.resources.BallotContext"
PARTNERSHIP = "deliberation.votes.resources.PartnershipVoteContext"
ASSEMBLY = "deliberation.votes.resources.AssemblyElectionContext"


def includeme(config: Any) -> None:
    """Routes, views, static files, and the vote sections of partnership and assembly pages."""
    from deliberation.votes.forms import METHOD_LABELS
    from partnerstate.i18n import _

    config.add_audit_value_labels(("method",), METHOD_LABELS)
    config.add_choice_labels(voting_methods=METHOD_LABELS)
    config.add_audit_value_labels(
        ("kind",), {"partnership": _("Partnership"), "election": _("Election")}
    )
    config.add_audit_value_labels(("outcome",), {"elected": _("Elected")})
    # Pages
    vote = r"/votes/{id:\d+}"
    config.add_route("votes.list", "/votes")
    config.add_route("votes.show", vote, factory=VOTE)
    config.add_route("votes.close", vote + "/close", factory=VOTE)
    config.add_route("votes.strike", vote + "/electorate/strike", factory=VOTE)
    config.add_route("votes.receipts", vote + "/receipts", factory=VOTE)
    config.add_route("votes.receipts_txt", vote + "/receipts.txt", factory=VOTE)
    config.add_route("votes.new", r"/partnerships/{id:\d+}/vote/new", factory=PARTNERSHIP)
    config.add_route("elections.new", r"/assemblies/{id:\d+}/elections/new", factory=ASSEMBLY)

    # API. Paths equal openapi.yaml's literally; the contexts turn bad ids into 404s.
    config.add_route("api.partnership.vote", "/api/v1/partnerships/{id}/vote", factory=PARTNERSHIP)
    config.add_route(
        "api.assembly.elections", "/api/v1/assemblies/{id}/elections", factory=ASSEMBLY
    )
    config.add_route("api.votes", "/api/v1/votes")
    config.add_route("api.vote", "/api/v1/votes/{id}", factory=VOTE)
    config.add_route("api.vote.ballots", "/api/v1/votes/{id}/ballots", factory=BALLOT)
    config.add_route("api.vote.close", "/api/v1/votes/{id}/close", factory=VOTE)
    config.add_route(
        "api.vote.strike", "/api/v1/votes/{id}/electorate/{user_id}/strike", factory=VOTE
    )
    config.add_route("api.vote.results", "/api/v1/votes/{id}/results", factory=VOTE)
    config.add_route("api.vote.blt", "/api/v1/votes/{id}/ballots.blt", factory=VOTE)
    config.add_route("api.vote.receipts", "/api/v1/votes/{id}/receipts", factory=VOTE)
    config.add_route("api.vote.receipt", "/api/v1/votes/{id}/receipts/{receipt}", factory=VOTE)

    # Templates live in deliberation/templates/votes/ (on the package's search path).
    # Its own prefix: under "static/" the core static view would answer first, with a 404.
    config.add_static_view("votes-static", "deliberation.votes:static", cache_max_age=3600)
    # The partnership page's "Vote" section, and the assembly page's list of votes.
    config.add_partnership_api_field("votes", "deliberation.votes.api.partnership_votes")
    config.add_partnership_panel(
        "vote", "votes/panel.jinja2", "deliberation.votes.views.vote_panel", order=5
    )
    config.add_assembly_panel(
        "votes",
        "votes/assembly_panel.jinja2",
        "deliberation.votes.listing.assembly_panel",
        order=20,
    )
    config.add_home_section("votes", "deliberation.votes.listing.home_section", order=10)
    config.add_nav_item("votes.list", _("Votes"), section="votes.")
    config.scan("deliberation.votes.views")
    config.scan("deliberation.votes.listing")
    config.scan("deliberation.votes.api")
