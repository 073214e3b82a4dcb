"""Where votes are found: the /votes page and the "Votes and elections" section of an assembly.

Open votes come first, each with whether the signed-in person is asked to vote and
has voted; closed ones follow with their outcome and winners.
"""

from __future__ import annotations

from typing import Any

from pyramid.view import view_config
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from deliberation.votes import services
from deliberation.votes.models import Vote, VoteElector
from partnerstate.dashboard import SHOWN, Section, localized_item
from partnerstate.i18n import _
from partnerstate.partnerships import membership

# Closed votes listed on /votes: the latest ones; older ones stay on their assembly's page.
RECENT_CLOSED = 30


def _my_electors(db: Session, votes: list[Vote], user: Any) -> dict[int, VoteElector]:
    """The signed-in person's electorate rows for these votes, in one query."""
    if user is None or not votes:
        return {}
    query = select(VoteElector).where(
        VoteElector.user_id == user.id, VoteElector.vote_id.in_([v.id for v in votes])
    )
    return {elector.vote_id: elector for elector in db.scalars(query)}


def summaries(request: Any, votes: list[Vote]) -> list[dict[str, Any]]:
    """What a list shows of each vote, in the reader's language."""
    electors = _my_electors(request.db, votes, request.user)
    locale = request.locale_name
    rows = []
    for vote in votes:
        elector = electors.get(vote.id)
        rows.append(
            {
                "vote": vote,
                "title": vote.display_title(locale),
                "accepting": services.accepting_ballots(vote),
                "outcome": (vote.result or {}).get("outcome"),
                "winners": [o.display_label(locale) for o in services.winning_options(vote)],
                "elector": elector is not None,
                "voted": elector is not None and elector.voted_at is not None,
            }
        )
    return rows


def assembly_panel(request: Any, assembly: Any) -> dict[str, Any] | None:
    """The assembly page's section: its votes and elections, and opening an election."""
    votes = services.votes_for_assembly(request.db, assembly.id)
    can_open = services.may_manage(request.db, assembly.id, request.user)
    if not votes and not can_open:
        return None
    ordered = sorted(votes, key=lambda vote: (not vote.is_open, -vote.id))
    return {"assembly": assembly, "votes": summaries(request, ordered), "can_open": can_open}


def home_section(request: Any) -> Section:
    """The home page's "votes waiting for your ballot", with their closing times."""
    votes, total = services.awaiting_ballot(request.db, request.user.id, SHOWN)
    items = []
    for vote in votes:
        note = (
            request.translate(
                _("Closes ${when}", mapping={"when": request.format_datetime(vote.closes_at)})
            )
            if vote.closes_at
            else request.translate(_("No closing time set"))
        )
        url = request.route_url("votes.show", id=vote.id)
        items.append(localized_item(request, vote.title, vote.locale, url, note))
    return Section(
        name="votes",
        heading=request.translate(_("Votes waiting for your ballot")),
        items=items,
        total=total,
        more_url=request.route_url("votes.list"),
        more_label=request.translate(_("All votes")),
        empty=request.translate(_("No open vote is waiting for your ballot.")),
    )


@view_config(route_name="votes.list", renderer="votes/index.jinja2", request_method="GET")
def votes_index(request: Any) -> dict[str, Any]:
    """Every open vote, then the latest results, across the city's assemblies."""
    base = select(Vote).options(selectinload(Vote.options))
    open_votes = list(request.db.scalars(base.where(Vote.status == "open").order_by(Vote.id)))
    closed = list(
        request.db.scalars(
            base.where(Vote.status == "closed")
            .order_by(Vote.closed_at.desc(), Vote.id.desc())
            .limit(RECENT_CLOSED)
        )
    )
    names = {
        assembly_id: membership.assembly_name(
            membership.get_assembly(request.db, assembly_id), request.locale_name
        )
        for assembly_id in {vote.assembly_id for vote in open_votes + closed}
    }
    return {
        "open_votes": summaries(request, open_votes),
        "closed_votes": summaries(request, closed),
        "assembly_names": names,
    }
