"""Data of the vote report: the published result of a closed vote, as on its results page."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from partnerstate.i18n import _
from reports import charter, registry, render


class NotAvailable(LookupError):
    """No such vote, or it is not closed yet (its result is not public)."""


def build(
    db: Session,
    vote_id: int,
    *,
    locale: str,
    base_url: str,
    timezone: str = render.DEFAULT_TIMEZONE,
) -> registry.ReportData:
    from deliberation.votes.models import CLOSED, Vote
    from deliberation.votes.turnout import figures as turnout_figures

    vote = db.get(Vote, vote_id)
    if vote is None or vote.status != CLOSED or not vote.result:
        raise NotAvailable(vote_id)
    result = dict(vote.result)
    labels = {str(option.id): option.display_label(locale) for option in vote.options}
    winners = [labels.get(str(key), str(key)) for key in result.get("winners") or []]
    method = vote.method
    title = vote.display_title(locale)
    return registry.ReportData(
        context={
            "vote": vote,
            "title": title,
            "result": result,
            "labels": labels,
            "options": [
                {"label": labels[str(o.id)], "status_quo": o.status_quo} for o in vote.options
            ],
            "winners": winners,
            "method_label": render.translate(locale, charter.METHOD_LABELS[method])
            if method in charter.METHOD_LABELS
            else method,
            "turnout": turnout_figures(result.get("turnout") or {}),
            "results_url": f"{base_url}/votes/{vote.id}",
            "blt_url": f"{base_url}/api/v1/votes/{vote.id}/ballots.blt",
            "timezone": timezone,
        },
        locale=locale,
        title=title,
        filename=f"vote-{vote.id}-result-{locale}.pdf",
        attachments=(
            render.PdfAttachment(
                "result.json",
                json.dumps(result, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8"),
                render.translate(locale, _("The published result, as the API returns it.")),
                relationship="Data",
            ),
        ),
    )
