"""Vote pages: the ballot while open, the results after; opening and closing forms.

Everything works without JavaScript: the ballot is one ``<select>`` per option, and
every action is a plain form that redirects back (post/redirect/get).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.httpexceptions import HTTPConflict, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from deliberation import tally as counting
from deliberation.votes import ballots as ballot_data
from deliberation.votes import charts, forms, notices, services
from deliberation.votes.models import CLOSED, Vote
from deliberation.votes.turnout import figures as turnout_figures
from partnerstate import permissions as perms
from partnerstate.forms import add_rule_errors
from partnerstate.i18n import _
from partnerstate.localized import pick
from partnerstate.partnerships import membership
from partnerstate.partnerships import vocabulary as vocab
from partnerstate.partnerships.errors import Invalid, ServiceError
from partnerstate.services import accounts

RECEIPTS_PAGE = 500


def _settings(request: Any) -> Any:
    return request.registry["partnerstate.settings"]


def _flash_error(request: Any, error: ServiceError) -> None:
    request.session.flash(request.translate(error.message), "error")
    for message in error.fields.values():
        if message != error.message:
            request.session.flash(request.translate(message), "error")


def _url_or_none(request: Any, name: str, **kwargs: Any) -> str | None:
    try:
        return str(request.route_url(name, **kwargs))
    except KeyError:
        return None


def labels_of(vote: Vote, locale: str) -> dict[str, str]:
    """``{option id as string: label in the page's language}`` (the results' keys)."""
    return {str(option.id): option.display_label(locale) for option in vote.options}


def _context_links(request: Any, vote: Vote) -> dict[str, Any]:
    links: dict[str, Any] = {
        "assembly_url": _url_or_none(request, "assemblies.show", id=vote.assembly_id),
        "assembly_name": "",
        "partnership_url": None,
    }
    assembly = membership.get_assembly(request.db, vote.assembly_id)
    if assembly is not None:
        links["assembly_name"] = membership.assembly_name(assembly, request.locale_name)
    if vote.partnership_id is not None:
        links["partnership_url"] = _url_or_none(
            request, "partnerships.show", id=vote.partnership_id
        )
    return links


def _page(request: Any, vote: Vote, **extra: Any) -> dict[str, Any]:
    locale = request.locale_name
    mine = services.participation(request.db, vote, request.user)
    labels = labels_of(vote, locale)
    page: dict[str, Any] = {
        "vote": vote,
        "labels": labels,
        "mine": mine,
        "accepting": services.accepting_ballots(vote),
        "can_close": vote.is_open and request.has_permission(perms.CLOSE_VOTE),
        "can_strike": vote.is_open and request.has_permission(perms.STRIKE_ELECTOR),
        "max_reason": services.MAX_REASON,
        "method_label": forms.METHOD_LABELS.get(vote.method, vote.method),
        "method_hint": forms.METHOD_HINTS.get(vote.method),
        "equal_ranks": vote.method in services.EQUAL_RANKS,
        "quorum_needed": services.quorum_needed(vote),
        "tie_break_names": [labels[str(i)] for i in vote.tie_break if str(i) in labels],
        "blt_names": services.option_names(vote),
        "rank_field": forms.rank_field,
        "selected": forms.form_from_ranking(mine.ranking),
        "errors": [],
        "rank_errors": {},
        "receipt_check": None,
        **_context_links(request, vote),
    }
    if vote.status == CLOSED and vote.result:
        page.update(_results(request, vote, labels))
    page.update(extra)
    return page


def _results(request: Any, vote: Vote, labels: dict[str, str]) -> dict[str, Any]:
    result = vote.result or {}
    candidates = result.get("candidates") or [option.id for option in vote.options]
    turnout = result.get("turnout", {})
    typed = request.GET.get("receipt", "")
    check = None
    if typed:
        check = {
            "typed": typed[:64],
            "receipt": ballot_data.normalize_receipt(typed),
            "counted": services.receipt_counted(request.db, vote, typed),
        }
    return {
        "result": result,
        "candidates": candidates,
        "winner_labels": [labels.get(str(w), str(w)) for w in result.get("winners", [])],
        "bars": charts.round_bars(result.get("rounds", []), candidates, labels),
        "heatmap": (
            charts.heatmap(candidates, result["pairwise"]) if result.get("pairwise") else None
        ),
        "turnout_bar": charts.turnout_bar(
            turnout.get("ballots", 0), turnout.get("electorate", 0), result.get("quorum_needed", 0)
        ),
        "outcome_chart": (
            charts.head_to_head(
                candidates,
                result["pairwise"],
                result.get("winners", []),
                result.get("tie_break", []),
                labels,
            )
            if result.get("pairwise") and vote.method in ("schulze", "ranked-pairs")
            else None
        ),
        "turnout": turnout_figures(turnout),
        "majority_cycle": _majority_cycle(result, candidates),
        "tie": _tie(result),
        "receipt_check": check,
        "report_url": _url_or_none(request, "reports.vote", id=vote.id),
        # Online ballots have weight 1: one receipt each.
        "receipt_count": turnout.get("online", 0),
    }


def _majority_cycle(result: dict[str, Any], candidates: list[Any]) -> bool:
    # Results published before the field existed are worked out from their matrix.
    if "majority_cycle" in result or not result.get("pairwise"):
        return bool(result.get("majority_cycle"))
    return counting.majority_cycle([str(c) for c in candidates], result["pairwise"])


def _tie(result: dict[str, Any]) -> dict[str, Any] | None:
    """The tie among the winners that the tie-break order decided (older results too)."""
    if "tie" in result:
        return result["tie"]  # type: ignore[no-any-return]
    rounds = result.get("rounds") or []
    tied = (rounds[-1].get("tied") or []) if rounds and result.get("tie_broken") else []
    if not tied or any(isinstance(c, list) for c in tied):
        return None
    winners = [w for w in result.get("winners", []) if w in tied]
    return {"candidates": tied, "winners": winners} if winners else None


@view_config(route_name="votes.show", renderer="votes/show.jinja2", request_method="GET")
def show(request: Any) -> dict[str, Any]:
    return _page(request, request.context.vote)


@view_config(
    route_name="votes.show",
    renderer="votes/show.jinja2",
    request_method="POST",
    permission=perms.CAST_BALLOT,
)
def cast(request: Any) -> Any:
    """The ballot form: one rank per option; on success, back to the page with the receipt."""
    vote = request.context.vote
    option_ids = [option.id for option in vote.options]
    ranking, refused = forms.ranking_from_form(option_ids, request.POST)
    if refused and services.accepting_ballots(vote):
        # Nothing is recorded. The ranks that could be read are checked too, so that
        # every problem shows at once.
        errors = []
        try:
            if ranking:
                services.check_ranking(vote, ranking)
        except Invalid as error:
            errors.append(error.message)
        request.response.status = 422
        return _ballot_again(request, vote, option_ids, errors, refused)
    try:
        if not ranking:
            raise Invalid(services.RANKING_MESSAGES["empty"])
        done = services.cast_ballot(request.db, vote, request.user, ranking)
    except ServiceError as error:
        request.response.status = error.status
        return _ballot_again(request, vote, option_ids, [error.message])
    if done.replaced:
        message = _(
            "Your ballot was changed. Your receipt is still ${receipt}.",
            mapping={"receipt": done.receipt},
        )
    else:
        message = _(
            "Your ballot was recorded. Your receipt is ${receipt}: note it to check, "
            "after the close, that your ballot was counted.",
            mapping={"receipt": done.receipt},
        )
    request.session.flash(request.translate(message), "success")
    return HTTPSeeOther(request.route_url("votes.show", id=vote.id, _anchor="your-ballot"))


def _ballot_again(
    request: Any, vote: Vote, option_ids: list[int], errors: list[Any], refused: Any = ()
) -> dict[str, Any]:
    """The page with the ballot as it was sent, and why it was not recorded: ``errors``
    about the whole ballot, and the options whose rank was ``refused``."""
    selected = {forms.rank_field(i): request.POST.get(forms.rank_field(i), "") for i in option_ids}
    message = forms.rank_message(len(option_ids))
    rank_errors = {forms.rank_field(option_id): message for option_id in refused}
    return _page(request, vote, errors=errors, selected=selected, rank_errors=rank_errors)


@view_config(
    route_name="votes.close",
    renderer="votes/close.jinja2",
    permission=perms.CLOSE_VOTE,
)
def close(request: Any) -> Any:
    """Confirm, then close the vote and publish the results."""
    vote = request.context.vote
    if vote.status == CLOSED:
        request.session.flash(request.translate(_("This vote is already closed.")), "error")
        return HTTPSeeOther(request.route_url("votes.show", id=vote.id))
    if request.method == "POST":
        try:
            services.close_vote(request.db, vote, request.user)
            notices.results_published(request.db, vote)
        except ServiceError as error:
            _flash_error(request, error)
            return HTTPSeeOther(request.route_url("votes.show", id=vote.id))
        request.session.flash(
            request.translate(_("The vote is closed and the results are published.")), "success"
        )
        return HTTPSeeOther(request.route_url("votes.show", id=vote.id, _anchor="results"))
    voted = services.turnout_so_far(request.db, vote)
    return {"vote": vote, "turnout": voted, "quorum_needed": services.quorum_needed(vote)}


@view_config(route_name="votes.strike", request_method="POST", permission=perms.STRIKE_ELECTOR)
def strike(request: Any) -> Any:
    """Take someone who has not voted out of the electorate, for a stated reason."""
    vote = request.context.vote
    email = request.POST.get("email", "").strip()
    user = accounts.find_user_by_email(request.db, email) if email else None
    back = request.route_url("votes.show", id=vote.id, _anchor="strike")
    try:
        services.strike_elector(
            request.db, vote, user.id if user else 0, request.POST.get("reason"), request.user
        )
    except ServiceError as error:
        _flash_error(request, error)
        return HTTPSeeOther(back)
    message = _(
        "${name} no longer votes in this vote; the reason is in the audit log.",
        mapping={"name": user.display_name if user else email},
    )
    request.session.flash(request.translate(message), "success")
    return HTTPSeeOther(back)


def _require_closed(request: Any, vote: Vote) -> None:
    if vote.status != CLOSED:
        raise HTTPConflict(request.translate(_("The receipts are published when the vote closes.")))


@view_config(route_name="votes.receipts", renderer="votes/receipts.jinja2")
def receipts(request: Any) -> dict[str, Any]:
    vote = request.context.vote
    _require_closed(request, vote)
    after = request.GET.get("after", "")[:32]
    items = services.counted_receipts(request.db, vote, after=after, limit=RECEIPTS_PAGE + 1)
    more = len(items) > RECEIPTS_PAGE
    items = items[:RECEIPTS_PAGE]
    next_url = (
        request.route_url("votes.receipts", id=vote.id, _query={"after": items[-1]})
        if more
        else None
    )
    return {"vote": vote, "receipts": items, "next_url": next_url, "after": after}


@view_config(route_name="votes.receipts_txt")
def receipts_txt(request: Any) -> Response:
    vote = request.context.vote
    _require_closed(request, vote)
    text = "".join(f"{receipt}\n" for receipt in services.counted_receipts(request.db, vote))
    response = Response(text, content_type="text/plain", charset="utf-8")
    response.content_disposition = f'inline; filename="vote-{vote.id}-receipts.txt"'
    return response


# --- opening ------------------------------------------------------------------------------


@view_config(route_name="votes.new", renderer="votes/new.jinja2", permission=perms.OPEN_VOTE)
def new_vote(request: Any) -> Any:
    """Open the vote on a partnership (ends the deliberation)."""
    partnership = request.context.partnership
    form = forms.OpenVoteForm.from_request(request)
    assembly = membership.get_assembly(request.db, partnership.assembly_id)
    default_quorum = getattr(assembly, "quorum_percent", None)
    if request.method == "GET" and default_quorum is not None:
        form.quorum_percent.data = default_quorum
    if request.method == "GET":
        return _new_page(request, partnership, form)
    closes_at = forms.local_to_utc(form.closes_at.data, _settings(request).timezone)
    if not form.validate():
        _rule_errors(
            form,
            lambda: services.check_settings(
                form.method.data,
                services.PARTNERSHIP_METHODS,
                form.quorum_percent.data,
                closes_at,
            ),
        )
        request.response.status = 422
        return _new_page(request, partnership, form)
    try:
        vote = services.open_partnership_vote(
            request.db,
            partnership,
            request.user,
            method=form.method.data,
            quorum_percent=form.quorum_percent.data,
            closes_at=closes_at,
        )
        notices.vote_opened(request.db, vote)
    except ServiceError as error:
        request.response.status = error.status
        _show_errors(form, error)
        return {**_new_page(request, partnership, form), "error": error.message}
    request.session.flash(
        request.translate(_("Voting is open. Members can now rank the options.")), "success"
    )
    return HTTPSeeOther(request.route_url("votes.show", id=vote.id))


def _show_errors(form: Any, error: ServiceError) -> None:
    """A service's field messages on the form's fields (those it has)."""
    add_rule_errors((form[name], message) for name, message in error.fields.items() if name in form)


def _rule_errors(form: Any, check: Callable[[], Any]) -> None:
    """The rules on a form WTForms refused, so that every problem shows at once.

    ``check`` (``services.check_settings``, ``check_election``) judges what the form
    could read and opens nothing; an unreadable input keeps the form's own message.
    """
    try:
        check()
    except Invalid as invalid:
        _show_errors(form, invalid)


def _new_page(request: Any, partnership: Any, form: Any) -> dict[str, Any]:
    try:
        from deliberation.services import ballot_options

        options = [
            pick(o.title, request.locale_name, partnership.locale)
            for o in ballot_options(request.db, partnership)
        ]
    except ImportError:  # pragma: no cover - the debate package is part of deliberation
        options = [pick(partnership.title, request.locale_name, partnership.locale)]
    return {
        "partnership": partnership,
        "form": form,
        "options": options,
        "status_quo": services.STATUS_QUO_LABEL,
        "hints": forms.METHOD_HINTS,
        "error": None,
        "deliberating": partnership.status == "deliberation",
        "status_label": request.translate(vocab.status_label(partnership.status)),
    }


@view_config(
    route_name="elections.new", renderer="votes/new_election.jinja2", permission=perms.OPEN_VOTE
)
def new_election(request: Any) -> Any:
    """Open a multi-winner election in an assembly."""
    assembly = request.context.assembly
    form = forms.ElectionForm.from_request(request)
    page = {
        "assembly": assembly,
        "assembly_name": membership.assembly_name(assembly, request.locale_name),
        "form": form,
        "hints": forms.METHOD_HINTS,
        "error": None,
    }
    if request.method == "GET" and getattr(assembly, "quorum_percent", None) is not None:
        form.quorum_percent.data = assembly.quorum_percent
    if request.method == "GET":
        return page
    settings = {
        "title": form.title.data,
        "method": form.method.data,
        "seats": form.seats.data,
        "candidates": form.candidate_names(),
        "quorum_percent": form.quorum_percent.data,
        "closes_at": forms.local_to_utc(form.closes_at.data, _settings(request).timezone),
        "locale": request.locale_name,
    }
    if not form.validate():
        _rule_errors(form, lambda: services.check_election(assembly, **settings))
        request.response.status = 422
        return page
    try:
        vote = services.open_election(request.db, assembly, request.user, **settings)
        notices.vote_opened(request.db, vote)
    except ServiceError as error:
        request.response.status = error.status
        _show_errors(form, error)
        return {**page, "error": error.message}
    request.session.flash(request.translate(_("The election is open.")), "success")
    return HTTPSeeOther(request.route_url("votes.show", id=vote.id))


# --- the partnership page's vote section ----------------------------------------------------


def vote_panel(request: Any, partnership: Any) -> dict[str, Any] | None:
    """The partnership page's "Vote" section: its votes, and opening one."""
    votes = services.votes_for_partnership(request.db, partnership.id)
    can_open = partnership.status == "deliberation" and services.may_manage(
        request.db, partnership.assembly_id, request.user
    )
    if not votes and not can_open:
        return None
    return {
        "votes": [
            {
                "vote": vote,
                "winners": [
                    o.display_label(request.locale_name) for o in services.winning_options(vote)
                ],
                "outcome": (vote.result or {}).get("outcome"),
                "accepting": services.accepting_ballots(vote),
            }
            for vote in votes
        ],
        "can_open": can_open,
        "method_labels": forms.METHOD_LABELS,
    }
