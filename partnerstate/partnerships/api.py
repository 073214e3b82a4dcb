"""The partnerships' JSON API (see openapi.yaml, section "partnerships").

Bodies are validated against the OpenAPI document before these views run; the
views check what a schema cannot (states, roles, references) through ``services``,
whose refusals become the contract's JSON errors with the same status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyramid.httpexceptions import HTTPNotFound

from partnerstate import permissions as perms
from partnerstate.api import ApiError, api_config, error_response
from partnerstate.i18n import _
from partnerstate.ids import parse_id
from partnerstate.localized import pick
from partnerstate.partnerships import API_FIELDS, lifecycle, membership, services
from partnerstate.partnerships.errors import Invalid, ServiceError
from partnerstate.partnerships.models import Partnership, PartnershipVersion
from partnerstate.partnerships.resources import readable_drafts
from partnerstate.partnerships.validation import TEXTS

PAGE_SIZE = 50
# Moves a client may make through /transitions; the others belong to the votes and
# charters (start_voting, outcomes, signing) or have their own path (deliberation).
API_TRANSITIONS = ("reopen_deliberation", "activate", "close", "withdraw")


def service_error_view(error: ServiceError, request: Any) -> Any:
    """Under /api, a service's refusal is the contract's JSON error with its status.

    Views let refusals propagate; pyramid_tm has rolled the transaction back by now.
    """
    return error_response(request, error.status, error.message, error.code, error.fields)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_datetime(value: Any, field: str = "ends_at") -> dt.datetime | None:
    """An ISO 8601 date-time with a time zone (a bare date means the end of that day, UTC)."""
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        parsed = None
    if parsed is not None and len(value) == 10:
        parsed = parsed.replace(hour=23, minute=59, second=59, tzinfo=dt.UTC)
    if parsed is None or parsed.tzinfo is None:
        raise ApiError(
            422,
            _("Some fields are missing or invalid."),
            fields={field: _("Expected a date and time with a time zone (ISO 8601).")},
        )
    return parsed.astimezone(dt.UTC)


def summary_json(request: Any, partnership: Partnership) -> dict[str, Any]:
    locale = request.locale_name
    return {
        "id": partnership.id,
        "status": partnership.status,
        "type": partnership.kind,
        "title": pick(partnership.title, locale, partnership.locale),
        "assembly_id": partnership.assembly_id,
        "commons_id": partnership.commons_id,
        "version": partnership.version,
        "deliberation_ends_at": _iso(partnership.deliberation_ends_at),
        "created_at": _iso(partnership.created_at),
        "updated_at": _iso(partnership.updated_at),
        "url": request.route_url("partnerships.show", id=partnership.id),
    }


def content_json(content: dict[str, Any], locale: str, fallback: str) -> dict[str, Any]:
    """A text (the live one or a version's) in one language, every language in translations."""
    data: dict[str, Any] = {name: pick(content.get(name) or {}, locale, fallback) for name in TEXTS}
    data.update(
        {
            "type": content.get("kind"),
            "output_licence": content.get("output_licence"),
            "duration_months": content.get("duration_months"),
            "city_commitments": [
                {
                    "number": number,
                    "kind": item.get("kind"),
                    "description": pick(item.get("description") or {}, locale, fallback),
                    "quantity": item.get("quantity"),
                }
                for number, item in enumerate(content.get("city_commitments") or [], start=1)
            ],
            "commons_commitments": [
                {
                    "number": number,
                    "description": pick(item.get("description") or {}, locale, fallback),
                }
                for number, item in enumerate(content.get("commons_commitments") or [], start=1)
            ],
            "translations": {
                **{name: dict(content.get(name) or {}) for name in TEXTS},
                "city_commitments": [
                    dict(item.get("description") or {})
                    for item in content.get("city_commitments") or []
                ],
                "commons_commitments": [
                    dict(item.get("description") or {})
                    for item in content.get("commons_commitments") or []
                ],
            },
        }
    )
    return data


def detail_json(request: Any, partnership: Partnership) -> dict[str, Any]:
    data = summary_json(request, partnership)
    data.update(content_json(partnership.content(), request.locale_name, partnership.locale))
    data.update(
        {
            "title": pick(partnership.title, request.locale_name, partnership.locale),
            "locale": partnership.locale,
            "deliberation_opened_at": _iso(partnership.deliberation_opened_at),
            "voting_started_at": _iso(partnership.voting_started_at),
            "decided_at": _iso(partnership.decided_at),
            "signed_at": _iso(partnership.signed_at),
            "activated_at": _iso(partnership.activated_at),
            "closed_at": _iso(partnership.closed_at),
            "closing_reason": partnership.closing_reason,
            "deliberation_open": services.deliberation_is_open(partnership),
        }
    )
    # Fields other packages add: ``votes`` (deliberation), ``charters`` (reports).
    for name, factory in request.registry.get(API_FIELDS, {}).items():
        data[name] = factory(request, partnership)
    return data


def version_json(request: Any, partnership: Partnership, version: PartnershipVersion) -> Any:
    return {
        "number": version.number,
        "status": version.status,
        "note": version.note,
        "created_at": _iso(version.created_at),
        "author_id": version.author_id,
        "url": request.route_url("partnerships.version", id=partnership.id, number=version.number),
    }


def _content_fields(body: dict[str, Any]) -> dict[str, Any]:
    names = (*TEXTS, "type", "city_commitments", "commons_commitments", "output_licence",
             "duration_months")  # fmt: skip
    return {name: body[name] for name in names if name in body}


def _language(request: Any, partnership: Partnership | None, assembly: Any = None) -> str:
    """Plain strings are in the body's ``locale``, else the assembly's (or text's) language."""
    body = request.openapi_validated.body or {}
    if isinstance(body.get("locale"), str):
        return str(body["locale"])
    if partnership is not None:
        return partnership.locale
    return membership.assembly_locale(assembly, request.locale_name)


@api_config(
    route_name="api.partnerships", request_method="POST", permission=perms.DRAFT_PARTNERSHIP
)
def create(request: Any) -> dict[str, Any]:
    body = request.openapi_validated.body
    assembly = None
    if parse_id(str(body["assembly_id"])):
        assembly = membership.get_assembly(request.db, body["assembly_id"])
    partnership = services.draft(
        request.db,
        request.user,
        body["assembly_id"],
        body["commons_id"],
        _content_fields(body),
        locale=_language(request, None, assembly),
    )
    request.response.status = 201
    return {**detail_json(request, partnership), "id": partnership.id, "status": "draft"}


@api_config(route_name="api.partnerships", request_method="GET")
def list_(request: Any) -> dict[str, Any]:
    params = request.openapi_validated.parameters.query
    query = services.Query(
        status=params.get("status"),
        commons_id=params.get("commons_id"),
        assembly_id=params.get("assembly_id"),
        drafts=readable_drafts(request),
    )
    page = params.get("page", 1)
    items = services.search(request.db, query, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    following = None
    if len(items) > PAGE_SIZE:
        following = request.route_url(
            "api.partnerships",
            _query={**{k: v for k, v in params.items() if k != "page"}, "page": page + 1},
        )
    return {
        "items": [summary_json(request, item) for item in items[:PAGE_SIZE]],
        "next": following,
    }


@api_config(route_name="api.partnership", request_method="GET")
def show(request: Any) -> dict[str, Any]:
    return detail_json(request, request.context.partnership)


@api_config(route_name="api.partnership", request_method="PATCH", permission=perms.EDIT_PARTNERSHIP)
def edit(request: Any) -> dict[str, Any]:
    partnership = request.context.partnership
    body = request.openapi_validated.body
    services.edit(
        request.db,
        partnership,
        request.user,
        _content_fields(body),
        _language(request, partnership),
        body.get("note", ""),
    )
    return detail_json(request, partnership)


@api_config(
    route_name="api.partnership.deliberation",
    request_method="POST",
    permission=perms.MOVE_PARTNERSHIP,
)
def open_deliberation(request: Any) -> dict[str, Any]:
    partnership = request.context.partnership
    body = request.openapi_validated.body or {}
    ends_at = _parse_datetime(body.get("ends_at"))
    services.open_deliberation(request.db, partnership, request.user, ends_at)
    return {**detail_json(request, partnership), "status": partnership.status}


@api_config(
    route_name="api.partnership.transitions",
    request_method="POST",
    permission=perms.MOVE_PARTNERSHIP,
)
def transition(request: Any) -> dict[str, Any]:
    partnership = request.context.partnership
    body = request.openapi_validated.body
    name = body["transition"]
    if name not in API_TRANSITIONS:
        raise Invalid(
            _("Some fields are missing or invalid."),
            {"transition": _("This step is made by the vote or the charter, not by hand.")},
        )
    ends_at = _parse_datetime(body.get("ends_at"))
    services.move(
        request.db,
        partnership,
        name,
        request.user,
        ends_at=ends_at if lifecycle.transition(name).needs_deadline else None,
        reason=body.get("reason", ""),
    )
    return {**detail_json(request, partnership), "status": partnership.status}


@api_config(
    route_name="api.partnership.deadline",
    request_method="POST",
    permission=perms.MOVE_PARTNERSHIP,
)
def deadline(request: Any) -> dict[str, Any]:
    partnership = request.context.partnership
    ends_at = _parse_datetime(request.openapi_validated.body["ends_at"])
    assert ends_at is not None  # required by the schema
    services.set_deadline(request.db, partnership, request.user, ends_at)
    return detail_json(request, partnership)


@api_config(route_name="api.partnership.versions", request_method="GET")
def versions(request: Any) -> dict[str, Any]:
    partnership = request.context.partnership
    return {
        "items": [
            version_json(request, partnership, version)
            for version in services.versions(request.db, partnership)
        ],
        "next": None,
    }


@api_config(route_name="api.partnership.version", request_method="GET")
def version(request: Any) -> dict[str, Any]:
    partnership = request.context.partnership
    number = parse_id(str(request.matchdict["number"]))
    found = services.get_version(request.db, partnership, number) if number else None
    if found is None:
        raise HTTPNotFound(request.translate(_("There is no such version.")))
    return {
        **version_json(request, partnership, found),
        **content_json(found.content, request.locale_name, partnership.locale),
    }
