"""The debate's JSON API: comments (arguments and replies), moderation, alternatives.

Bodies are validated against openapi.yaml first (an unknown stance is a 422 there);
the services then check membership (403), the deliberation's state (409) and the
rest, and their refusals become the contract's JSON errors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from deliberation.debate_models import Alternative, Argument
from deliberation.services import alternatives, arguments, moderation, notifications
from partnerstate import permissions as perms
from partnerstate.api import api_config
from partnerstate.localized import pick
from partnerstate.paging import page_number
from partnerstate.partnerships.api import content_json
from partnerstate.partnerships.validation import TEXTS

# A deliberation may hold a thousand posts: the API hands them out a page at a time.
COMMENTS_PAGE_SIZE = 100


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def comment_json(request: Any, argument: Argument) -> dict[str, Any]:
    """A post as the API shows it: no text once deleted, the reason once hidden."""
    return {
        "id": argument.id,
        "partnership_id": argument.partnership_id,
        "parent_id": argument.parent_id,
        "stance": argument.stance,
        "body": argument.body if argument.visible else None,
        "author": argument.author.display_name if argument.author else None,
        "author_id": argument.author_id,
        "locale": argument.locale,
        "partnership_version": argument.partnership_version,
        "created_at": _iso(argument.created_at),
        "edited_at": _iso(argument.edited_at),
        "deleted": argument.deleted,
        "hidden": argument.hidden,
        "hidden_reason": argument.hidden_reason if argument.hidden else None,
    }


def alternative_json(request: Any, alternative: Alternative) -> dict[str, Any]:
    locale = request.locale_name
    partnership = alternative.partnership
    return {
        "id": alternative.id,
        "partnership_id": alternative.partnership_id,
        "title": alternative.display_title(locale),
        "summary": pick(alternative.summary, locale, alternative.locale),
        "status": alternative.status,
        "on_ballot": not alternative.declined,
        "decline_reason": alternative.decline_reason,
        "decline_note": alternative.decline_note,
        "changed_fields": sorted("type" if k == "kind" else k for k in alternative.changes),
        "author": alternative.author.display_name if alternative.author else None,
        "author_id": alternative.author_id,
        "revision": alternative.revision,
        "partnership_version": alternative.partnership_version,
        "created_at": _iso(alternative.created_at),
        "updated_at": _iso(alternative.updated_at),
        "translations": {"title": dict(alternative.title), "summary": dict(alternative.summary)},
        "text": content_json(alternatives.content(alternative), locale, partnership.locale),
        "url": request.route_url(
            "deliberation.alternative", id=partnership.id, alternative_id=alternative.id
        ),
    }


# --- comments -------------------------------------------------------------------------------------


@api_config(route_name="api.partnership.comments", request_method="GET")
def list_comments(request: Any) -> dict[str, Any]:
    partnership = request.context.partnership
    page = page_number(request)
    posts, more = arguments.page_of(
        request.db, partnership, COMMENTS_PAGE_SIZE, (page - 1) * COMMENTS_PAGE_SIZE
    )
    next_url = request.route_url(
        "api.partnership.comments", id=partnership.id, _query={"page": page + 1}
    )
    return {
        "items": [comment_json(request, a) for a in posts],
        "counts": arguments.stance_counts(request.db, partnership),
        "next": next_url if more else None,
    }


@api_config(
    route_name="api.partnership.comments", request_method="POST", permission=perms.DELIBERATE
)
def post_comment(request: Any) -> dict[str, Any]:
    partnership = request.context.partnership
    body = request.openapi_validated.body
    argument = arguments.post(
        request.db,
        partnership,
        request.user,
        body["body"],
        body["stance"],
        parent_id=body.get("parent_id"),
        locale=body.get("locale") or request.locale_name,
    )
    request.response.status = 201
    return comment_json(request, argument)


@api_config(route_name="api.comment", request_method="GET")
def show_comment(request: Any) -> dict[str, Any]:
    return comment_json(request, request.context.argument)


@api_config(route_name="api.comment", request_method="PATCH", permission=perms.DELIBERATE)
def edit_comment(request: Any) -> dict[str, Any]:
    argument = request.context.argument
    body = request.openapi_validated.body
    arguments.edit(
        request.db, argument, request.user, body.get("body", argument.body), body.get("stance")
    )
    return comment_json(request, argument)


@api_config(route_name="api.comment", request_method="DELETE", permission=perms.DELIBERATE)
def delete_comment(request: Any) -> dict[str, Any]:
    argument = request.context.argument
    arguments.delete(request.db, argument, request.user)
    return comment_json(request, argument)


@api_config(route_name="api.comment.flags", request_method="POST", permission=perms.FLAG)
def flag_comment(request: Any) -> dict[str, Any]:
    body = request.openapi_validated.body
    entry = moderation.flag(
        request.db, request.context.argument, request.user, body["reason"], body.get("note", "")
    )
    request.response.status = 201
    return {"id": entry.id, "reason": entry.reason}


@api_config(route_name="api.comment.hide", request_method="POST", permission=perms.MODERATE)
def hide_comment(request: Any) -> dict[str, Any]:
    argument = request.context.argument
    moderation.hide(request.db, argument, request.user, request.openapi_validated.body["reason"])
    return comment_json(request, argument)


@api_config(route_name="api.comment.restore", request_method="POST", permission=perms.MODERATE)
def restore_comment(request: Any) -> dict[str, Any]:
    argument = request.context.argument
    moderation.restore(request.db, argument, request.user)
    return comment_json(request, argument)


# --- alternatives ---------------------------------------------------------------------------------

CONTENT_NAMES = (*TEXTS, "type", "city_commitments", "commons_commitments", "output_licence",
                 "duration_months")  # fmt: skip


def _changes(body: dict[str, Any]) -> dict[str, Any]:
    """Changed fields: the ``changes`` object, and any top-level field of the partnership.

    The alternative's own ``title`` is its ballot label; a new title for the
    partnership itself goes inside ``changes``.
    """
    changes = dict(body.get("changes") or {})
    for name in CONTENT_NAMES:
        if name in body and name != "title":
            changes.setdefault(name, body[name])
    return changes


@api_config(route_name="api.partnership.alternatives", request_method="GET")
def list_alternatives(request: Any) -> dict[str, Any]:
    partnership = request.context.partnership
    return {
        "items": [
            alternative_json(request, alternative)
            for alternative in alternatives.all_for(request.db, partnership)
        ],
        "next": None,
    }


@api_config(
    route_name="api.partnership.alternatives",
    request_method="POST",
    permission=perms.PROPOSE_ALTERNATIVE,
)
def propose_alternative(request: Any) -> dict[str, Any]:
    partnership = request.context.partnership
    body = request.openapi_validated.body
    alternative = alternatives.propose(
        request.db,
        partnership,
        request.user,
        body["title"],
        body["summary"],
        _changes(body),
        locale=body.get("locale") or partnership.locale,
    )
    request.response.status = 201
    return alternative_json(request, alternative)


@api_config(route_name="api.alternative", request_method="GET")
def show_alternative(request: Any) -> dict[str, Any]:
    return alternative_json(request, request.context.alternative)


@api_config(route_name="api.alternative", request_method="PATCH", permission=perms.DELIBERATE)
def revise_alternative(request: Any) -> dict[str, Any]:
    alternative = request.context.alternative
    body = request.openapi_validated.body
    data: dict[str, Any] = {key: body[key] for key in ("title", "summary") if key in body}
    changes = _changes(body)
    if "changes" in body or changes:
        data["changes"] = changes
    alternatives.revise(
        request.db,
        alternative,
        request.user,
        data,
        body.get("locale") or alternative.locale,
    )
    return alternative_json(request, alternative)


@api_config(route_name="api.alternative.decline", request_method="POST", permission=perms.MODERATE)
def decline_alternative(request: Any) -> dict[str, Any]:
    alternative = request.context.alternative
    body = request.openapi_validated.body
    alternatives.decline(
        request.db, alternative, request.user, body["reason"], body.get("note", "")
    )
    return alternative_json(request, alternative)


# --- notifications --------------------------------------------------------------------------------


@api_config(route_name="api.notifications", request_method="GET", permission=perms.EDIT_PROFILE)
def list_notifications(request: Any) -> dict[str, Any]:
    locale = request.locale_name
    items = notifications.for_user(request.db, request.user)
    return {
        "items": [
            {
                "kind": item.kind,
                "at": _iso(item.at),
                "new": item.new,
                "partnership_id": item.partnership.id,
                "partnership_title": item.partnership.display_title(locale),
                "actor": item.actor.display_name if item.actor else None,
                "details": item.details,
                "url": request.route_url("partnerships.show", id=item.partnership.id),
            }
            for item in items
        ],
        "next": None,
    }
