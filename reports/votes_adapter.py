"""The vote that adopted a partnership, read from ``deliberation.votes``.

Imported only when a charter is issued or a vote report is printed (the app
includes every package by then); it turns the votes package's rows into the plain
:class:`reports.charter.Decision` and the winning option's text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from reports import charter, sources


def closed_partnership_vote(db: Session, partnership_id: int) -> Any | None:
    """The closed vote whose outcome adopted the partnership (the votes package decides)."""
    from deliberation.votes import services as votes

    return votes.adopting_vote(db, partnership_id)


def option_labels(vote: Any, locale: str) -> dict[str, str]:
    """``{option id as string: label in locale}`` for the vote's tables."""
    return {str(option.id): option.display_label(locale) for option in vote.options}


def _alternative(db: Session, partnership: Any, alternative_id: int | None) -> Any | None:
    """The debate's alternative a ballot option stood for (its summary goes in the charter)."""
    if alternative_id is None:
        return None
    from deliberation.services import alternatives

    return alternatives.get(db, partnership, alternative_id)


def adopting_vote(
    db: Session, partnership: Any, base_url: str
) -> tuple[charter.Decision | None, sources.WinningAlternative | None]:
    vote = closed_partnership_vote(db, partnership.id)
    if vote is None or not vote.result:
        return None, None
    result = dict(vote.result)
    winners = result.get("winners") or []
    winner_id = winners[0] if winners else None
    winner = next((o for o in vote.options if str(o.id) == str(winner_id)), None)
    turnout = result.get("turnout") or {}
    decision = charter.Decision(
        vote_id=vote.id,
        method=vote.method,
        options=tuple(
            charter.VoteOption(
                id=option.id,
                label=option.label,
                status_quo=option.status_quo,
            )
            for option in vote.options
        ),
        winner_option_id=winner.id if winner is not None else winner_id,
        ballots=int(turnout.get("ballots") or 0),
        electorate=int(turnout.get("electorate") or vote.electorate_size or 0),
        quorum_percent=vote.quorum_percent,
        quorum_met=bool(result.get("quorum_met", True)),
        closed_at=sources.as_utc(vote.closed_at),
        result_url=f"{base_url}/votes/{vote.id}",
        result=result,
        paper=int(turnout.get("paper") or 0),
    )
    if winner is None or winner.status_quo:
        return decision, None
    # The winning option's text frozen when voting opened (the proposal's, or an
    # alternative's: the proposal with its changes) is what the assembly adopted.
    changes: dict[str, Any] = dict(winner.content or {})
    alternative = _alternative(db, partnership, winner.alternative_id)
    if alternative is None and winner.alternative_id is None:
        return decision, sources.WinningAlternative(
            title=None, summary=None, changes=changes, alternative=False
        )
    if not changes and alternative is not None:
        changes = {**alternative.partnership.content(), **dict(alternative.changes or {})}
    return decision, sources.WinningAlternative(
        title=(alternative.title if alternative is not None else None) or winner.label,
        summary=alternative.summary if alternative is not None else None,
        changes=changes,
    )
