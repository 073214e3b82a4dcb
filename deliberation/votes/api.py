"""The votes' JSON API (paths, codes and fields fixed by CONTRACT.md).

Bodies are validated against openapi.yaml first; the services then check the
electorate (403), the vote's state (409) and the ranking (422), and their refusals
(ServiceError) become the contract's JSON errors in one exception view
(partnerstate.partnerships.api.service_error_view).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyramid.response import Response

from deliberation.votes import ballots as ballot_data
from deliberation.votes import notices, services
from deliberation.votes.models import CLOSED, Vote, VoteOption
from partnerstate import permissions as perms
from partnerstate.api import ApiError, api_config
from partnerstate.i18n import _
from partnerstate.ids import parse_id
from partnerstate.localized import pick

RECEIPTS_PAGE = 1000
VOTES_PAGE = 50


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def parse_datetime(value: Any, field: str = "closes_at") -> dt.datetime | None:
    """An ISO 8601 date-time with a time zone, or 422."""
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ApiError(
            422,
            _("Some fields are missing or invalid."),
            fields={field: _("Expected a date and time with a time zone (ISO 8601).")},
        )
    return parsed.astimezone(dt.UTC)


def option_json(option: VoteOption, locale: str) -> dict[str, Any]:
    return {
        "id": option.id,
        "label": pick(option.label, locale, option.vote.locale),
        "labels": dict(option.label),
        "status_quo": option.status_quo,
        "key": option.key,
        "alternative_id": option.alternative_id,
    }


def vote_json(request: Any, vote: Vote) -> dict[str, Any]:
    """A vote as the API shows it; ``you`` tells the caller about their own part."""
    locale = request.locale_name
    body: dict[str, Any] = {
        "id": vote.id,
        "kind": vote.kind,
        "status": vote.status,
        "title": vote.display_title(locale),
        "titles": dict(vote.title),
        "method": vote.method,
        "seats": vote.seats,
        "assembly_id": vote.assembly_id,
        "partnership_id": vote.partnership_id,
        "quorum_percent": vote.quorum_percent,
        "quorum_needed": services.quorum_needed(vote),
        "electorate": vote.electorate_size,
        "opened_at": _iso(vote.opened_at),
        "closes_at": _iso(vote.closes_at),
        "closed_at": _iso(vote.closed_at),
        "accepting_ballots": services.accepting_ballots(vote),
        "equal_ranks_allowed": vote.method in services.EQUAL_RANKS,
        "tie_break_seed": vote.tie_break_seed,
        "tie_break": list(vote.tie_break),
        "options": [option_json(option, locale) for option in vote.options],
        "url": request.route_url("votes.show", id=vote.id),
        "results_url": request.route_url("api.vote.results", id=vote.id),
        "ballots_blt_url": request.route_url("api.vote.blt", id=vote.id),
    }
    if request.user is not None:
        mine = services.participation(request.db, vote, request.user)
        body["you"] = {
            "elector": mine.elector,
            "voted": mine.voted_at is not None,
            "voted_at": _iso(mine.voted_at),
            "receipt": mine.receipt,
            "ranking": mine.ranking,
        }
    return body


def vote_summary_json(request: Any, vote: Vote) -> dict[str, Any]:
    """A vote in a list: what it is and where it stands, and where to read more."""
    return {
        "id": vote.id,
        "kind": vote.kind,
        "status": vote.status,
        "method": vote.method,
        "title": vote.display_title(request.locale_name),
        "assembly_id": vote.assembly_id,
        "partnership_id": vote.partnership_id,
        "opened_at": _iso(vote.opened_at),
        "closes_at": _iso(vote.closes_at),
        "closed_at": _iso(vote.closed_at),
        "url": request.route_url("votes.show", id=vote.id),
        "api_url": request.route_url("api.vote", id=vote.id),
    }


def partnership_votes(request: Any, partnership: Any) -> list[dict[str, Any]]:
    """The ``votes`` field of a partnership in the API, newest first."""
    votes = services.votes_for_partnership(request.db, partnership.id)
    return [vote_summary_json(request, vote) for vote in votes]


@api_config(route_name="api.votes", request_method="GET")
def list_votes(request: Any) -> dict[str, Any]:
    """Votes and elections, newest first, filtered by assembly, partnership and status."""
    params = request.openapi_validated.parameters.query
    query = services.VoteQuery(
        assembly_id=params.get("assembly_id"),
        partnership_id=params.get("partnership_id"),
        status=params.get("status"),
    )
    page = params.get("page", 1)
    votes = services.search_votes(
        request.db, query, limit=VOTES_PAGE + 1, offset=(page - 1) * VOTES_PAGE
    )
    following = None
    if len(votes) > VOTES_PAGE:
        kept = {key: value for key, value in request.GET.items() if key != "page"}
        following = request.route_url("api.votes", _query={**kept, "page": page + 1})
    return {
        "items": [vote_summary_json(request, vote) for vote in votes[:VOTES_PAGE]],
        "next": following,
    }


def _created(request: Any, vote: Vote) -> dict[str, Any]:
    request.response.status = 201
    request.response.headers["Location"] = request.route_url("api.vote", id=vote.id)
    return vote_json(request, vote)


@api_config(route_name="api.partnership.vote", request_method="POST", permission=perms.OPEN_VOTE)
def open_partnership_vote(request: Any) -> dict[str, Any]:
    body = request.openapi_validated.body or {}
    closes_at = parse_datetime(body.get("closes_at"))
    vote = services.open_partnership_vote(
        request.db,
        request.context.partnership,
        request.user,
        method=body.get("method") or "schulze",
        quorum_percent=body.get("quorum_percent"),
        closes_at=closes_at,
    )
    notices.vote_opened(request.db, vote)
    return _created(request, vote)


@api_config(route_name="api.assembly.elections", request_method="POST", permission=perms.OPEN_VOTE)
def open_election(request: Any) -> dict[str, Any]:
    body = request.openapi_validated.body
    closes_at = parse_datetime(body.get("closes_at"))
    vote = services.open_election(
        request.db,
        request.context.assembly,
        request.user,
        title=body["title"],
        method=body["method"],
        seats=body["seats"],
        candidates=body["candidates"],
        quorum_percent=body.get("quorum_percent"),
        closes_at=closes_at,
        locale=request.locale_name,
    )
    notices.vote_opened(request.db, vote)
    return _created(request, vote)


@api_config(route_name="api.vote", request_method="GET")
def show_vote(request: Any) -> dict[str, Any]:
    return vote_json(request, request.context.vote)


MAX_RANKS = 200


def _ranking(request: Any) -> list[Any]:
    """The body's ``ranking``, checked as openapi.yaml describes it (400 or 422).

    Casting is the one hot path of the API: under load, openapi-core's generic
    validation cost more than everything else in the request (measured: 3 of 5 ms),
    so this endpoint checks its one-field body itself. The rules are the schema's;
    what the ranking holds (known options, no repeats) is the service's check.
    """
    try:
        body = request.json_body
    except ValueError:  # also JSON syntax and encoding errors
        raise ApiError(400, _("The request body is not valid JSON.")) from None
    invalid = _("Some fields are missing or invalid.")
    if not isinstance(body, dict):
        raise ApiError(422, invalid, fields={"body": _("Expected a JSON object.")})
    if set(body) - {"ranking"}:
        raise ApiError(422, invalid, fields={"body": _("Unknown field.")})
    if "ranking" not in body:
        raise ApiError(422, invalid, fields={"ranking": _("This field is required.")})
    ranking = body["ranking"]
    if not isinstance(ranking, list):
        raise ApiError(422, invalid, fields={"ranking": _("Expected a list of option ids.")})
    if len(ranking) > MAX_RANKS or any(
        isinstance(entry, list) and len(entry) > MAX_RANKS for entry in ranking
    ):
        message = _("Too many items: at most ${max}.", mapping={"max": MAX_RANKS})
        raise ApiError(422, invalid, fields={"ranking": message})
    return ranking


# openapi=False: see _ranking. The endpoint is still described in openapi.yaml.
@api_config(
    route_name="api.vote.ballots",
    request_method="POST",
    permission=perms.CAST_BALLOT,
    openapi=False,
)
def cast_ballot(request: Any) -> dict[str, Any]:
    ranking = _ranking(request)
    context = request.context
    cast = services.cast_ballot(
        request.db, context.vote, request.user, ranking, elector=context.elector
    )
    request.response.status = 200 if cast.replaced else 201
    return {"receipt": cast.receipt, "replaced": cast.replaced}


@api_config(route_name="api.vote.close", request_method="POST", permission=perms.CLOSE_VOTE)
def close_vote(request: Any) -> dict[str, Any]:
    result = services.close_vote(request.db, request.context.vote, request.user)
    notices.results_published(request.db, request.context.vote)
    return result


@api_config(route_name="api.vote.strike", request_method="POST", permission=perms.STRIKE_ELECTOR)
def strike_elector(request: Any) -> dict[str, Any]:
    """Take someone who has not voted out of the electorate, for a reason (audit-logged)."""
    vote = request.context.vote
    user_id = parse_id(request.matchdict.get("user_id"))
    if user_id is None or not services.is_elector_id(request.db, vote, user_id):
        raise ApiError(404, _("This person is not in the vote's electorate."))
    reason = (request.openapi_validated.body or {}).get("reason")
    size = services.strike_elector(request.db, vote, user_id, reason, request.user)
    return {"vote_id": vote.id, "user_id": user_id, "electorate": size}


def _require_closed(vote: Vote) -> None:
    if vote.status != CLOSED:
        raise ApiError(
            409,
            _("The results are published when the vote closes."),
            fields={"status": vote.status},
        )


@api_config(route_name="api.vote.results", request_method="GET")
def results(request: Any) -> dict[str, Any]:
    vote = request.context.vote
    _require_closed(vote)
    return dict(vote.result or {})


@api_config(route_name="api.vote.blt", request_method="GET")
def ballots_blt(request: Any) -> Response:
    vote = request.context.vote
    _require_closed(vote)
    text = services.blt_export(request.db, vote)
    response = Response(text, content_type="text/plain", charset="utf-8")
    response.content_disposition = f'inline; filename="vote-{vote.id}.blt"'
    return response


@api_config(route_name="api.vote.receipts", request_method="GET")
def receipts(request: Any) -> dict[str, Any]:
    """The receipts of the counted online ballots, a page at a time, in order."""
    vote = request.context.vote
    _require_closed(vote)
    after = request.openapi_validated.parameters.query.get("after") or ""
    items = services.counted_receipts(request.db, vote, after=after, limit=RECEIPTS_PAGE + 1)
    next_url = None
    if len(items) > RECEIPTS_PAGE:
        items = items[:RECEIPTS_PAGE]
        next_url = request.route_url("api.vote.receipts", id=vote.id, _query={"after": items[-1]})
    return {"items": items, "next": next_url}


@api_config(route_name="api.vote.receipt", request_method="GET")
def receipt(request: Any) -> dict[str, Any]:
    vote = request.context.vote
    _require_closed(vote)
    typed = request.matchdict.get("receipt", "")
    if not services.receipt_counted(request.db, vote, typed):
        raise ApiError(404, _("No counted ballot has this receipt."))
    return {"receipt": ballot_data.normalize_receipt(typed), "counted": True, "vote_id": vote.id}
