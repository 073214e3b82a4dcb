"""JSON API of the commons register (paths and fields fixed by CONTRACT.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from pyramid.httpexceptions import HTTPNotModified
from pyramid.response import Response
from sqlalchemy import select

from partnerstate import permissions as perms
from partnerstate.api import ApiError, api_config
from partnerstate.commons import services
from partnerstate.commons import taxonomy as tx
from partnerstate.commons.models import Commons
from partnerstate.commons.serialize import (
    detail_json,
    domain_labels,
    feature,
    record_url,
    summary_json,
)
from partnerstate.commons.validation import InvalidRecord
from partnerstate.i18n import _

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _invalid(error: InvalidRecord) -> ApiError:
    return ApiError(422, _("Some fields are missing or invalid."), fields=error.errors)


def _conflict(error: services.StateConflict) -> ApiError:
    return ApiError(409, error.message)


def register_query(params: Any, locale: str, status: str | None = None) -> services.RegisterQuery:
    """A :class:`RegisterQuery` from validated query parameters (API or page), for a
    reader of ``locale``."""
    return services.RegisterQuery(
        q=params.get("q") or "",
        category=params.get("category") or None,
        nature=params.get("nature") or None,
        status=status or params.get("status") or tx.PUBLISHED,
        district=params.get("district") or None,
        sort=params.get("sort") or "name",
        locale=locale,
    )


@api_config(route_name="api.commons", request_method="GET")
def list_commons(request: Any) -> dict[str, Any]:
    """Published commons (or another status the caller may see), a page at a time."""
    params = request.openapi_validated.parameters.query
    query = register_query(params, request.locale_name)
    page = int(params.get("page") or 1)
    limit = int(params.get("limit") or PAGE_SIZE)
    records, more = services.search(
        request.db, query, request.user, limit=limit, offset=(page - 1) * limit
    )
    next_url = None
    if more:
        kept = {key: value for key, value in request.GET.items() if key != "page"}
        next_url = request.route_url("api.commons", _query={**kept, "page": page + 1})
    return {"items": [summary_json(request, c) for c in records], "next": next_url}


@api_config(route_name="api.commons", request_method="POST", permission=perms.PROPOSE_COMMONS)
def create_commons(request: Any) -> dict[str, Any]:
    try:
        commons = services.propose(
            request.db, request.user, request.openapi_validated.body, request.locale_name
        )
    except InvalidRecord as error:
        raise _invalid(error) from None
    request.response.status = 201
    request.response.headers["Location"] = request.route_url("api.commons.item", id=commons.id)
    return detail_json(request, commons)


@api_config(route_name="api.commons.categories", request_method="GET")
def categories(request: Any) -> dict[str, Any]:
    """The domains (the ``category`` ids), and the taxonomy's other axes."""

    def items(vocabulary: dict[str, Any]) -> list[dict[str, str]]:
        return [{"id": key, "label": request.translate(label)} for key, label in vocabulary.items()]

    return {
        "items": items(tx.DOMAINS),
        "natures": items(tx.NATURES),
        "interventions": items(tx.INTERVENTIONS),
    }


@api_config(route_name="api.commons.item", request_method="GET", permission=perms.VIEW)
def show_commons(request: Any) -> dict[str, Any]:
    return detail_json(request, request.context.commons)


@api_config(route_name="api.commons.item", request_method="PATCH", permission=perms.EDIT_COMMONS)
def update_commons(request: Any) -> dict[str, Any]:
    commons = request.context.commons
    try:
        services.update(
            request.db, commons, request.user, request.openapi_validated.body, request.locale_name
        )
    except InvalidRecord as error:
        raise _invalid(error) from None
    return detail_json(request, commons)


@api_config(
    route_name="api.commons.validate", request_method="POST", permission=perms.VALIDATE_COMMONS
)
def validate_commons(request: Any) -> dict[str, Any]:
    commons = request.context.commons
    try:
        services.validate(request.db, commons, request.user)
    except services.StateConflict as error:
        raise _conflict(error) from None
    return detail_json(request, commons)


@api_config(
    route_name="api.commons.reject", request_method="POST", permission=perms.VALIDATE_COMMONS
)
def reject_commons(request: Any) -> dict[str, Any]:
    commons = request.context.commons
    try:
        services.reject(request.db, commons, request.user, request.openapi_validated.body["reason"])
    except InvalidRecord as error:
        raise _invalid(error) from None
    except services.StateConflict as error:
        raise _conflict(error) from None
    return detail_json(request, commons)


@api_config(
    route_name="api.commons.archive", request_method="POST", permission=perms.VALIDATE_COMMONS
)
def archive_commons(request: Any) -> dict[str, Any]:
    commons = request.context.commons
    try:
        services.archive(
            request.db, commons, request.user, request.openapi_validated.body["reason"]
        )
    except InvalidRecord as error:
        raise _invalid(error) from None
    except services.StateConflict as error:
        raise _conflict(error) from None
    return detail_json(request, commons)


@api_config(
    route_name="api.commons.balances",
    request_method="POST",
    permission=perms.REPORT_COMMONS_BALANCE,
)
def report_balance(request: Any) -> dict[str, Any]:
    commons = request.context.commons
    try:
        services.record_balance(
            request.db, commons, request.user, request.openapi_validated.body, request.locale_name
        )
    except InvalidRecord as error:
        raise _invalid(error) from None
    except services.StateConflict as error:
        raise _conflict(error) from None
    request.response.status = 201
    return detail_json(request, commons)


GEOJSON_COLUMNS = (
    Commons.id,
    Commons.name,
    Commons.summary,
    Commons.category,
    Commons.nature,
    Commons.district,
    Commons.address,
    Commons.status,
    Commons.latitude,
    Commons.longitude,
)


@api_config(route_name="api.commons.geojson", request_method="GET")
def geojson(request: Any) -> Response:
    """Published commons with a location, as a GeoJSON FeatureCollection (open data).

    With ``ETag`` and ``Last-Modified``: a map that asks again with ``If-None-Match``
    (or ``If-Modified-Since``) gets a 304 from one small query, before the ten
    thousand features are read and serialised.
    """
    params = request.openapi_validated.parameters.query
    query = dataclasses.replace(
        register_query(params, request.locale_name, status=tx.PUBLISHED), mappable=True
    )
    version = services.version(request.db, query)
    etag = _geojson_etag(request, version)
    if _not_modified(request, etag, version.changed_at):
        response = HTTPNotModified()
    else:
        key = (etag, request.application_url)  # the records' links start with the latter
        body = _GEOJSON_BODIES.get(key)
        if body is None:
            body = _GEOJSON_BODIES.put(key, _geojson_body(request, query))
        response = Response(body=body, content_type="application/geo+json", charset="utf-8")
    response.etag = etag
    response.last_modified = version.changed_at
    # Anyone may keep it, but must ask again (cheaply) before using it; the labels
    # follow the language, which may come from a cookie.
    response.cache_control = "public, no-cache"
    response.vary = ("Accept-Language", "Cookie")
    return response


def _geojson_body(request: Any, query: services.RegisterQuery) -> bytes:
    statement = services.filtered(select(*GEOJSON_COLUMNS), query, None).order_by(Commons.id)
    url, labels = record_url(request), domain_labels(request)
    features = [feature(request, row, url, labels) for row in request.db.execute(statement)]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False).encode()


class _RecentBodies:
    """The last few GeoJSON bodies a process made, by ETag.

    Ten thousand features take a third of a second to read and write; every visitor's
    first look at the map asks for the same ones. The ETag is computed from the
    database on every request (count and latest change of the records, filters,
    language, address), so a body is reused only while the register is unchanged, on
    any number of processes: the same rule that lets a client keep it. Each body is a
    few megabytes at most; a handful are kept (one per language and filter in use).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.bodies: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> bytes | None:
        with self.lock:
            body = self.bodies.get(key)
            if body is not None:
                self.bodies.move_to_end(key)
            return body

    def put(self, key: tuple[str, str], body: bytes) -> bytes:
        with self.lock:
            self.bodies[key] = body
            while len(self.bodies) > self.size:
                self.bodies.popitem(last=False)
        return body


_GEOJSON_BODIES = _RecentBodies(size=8)


def _geojson_etag(request: Any, version: services.Version) -> str:
    """Changes with the records, the filters, the language and the site's address."""
    changed = version.changed_at.isoformat() if version.changed_at else "-"
    key = "\x1f".join(
        (str(version.count), changed, request.locale_name, request.host_url, request.query_string)
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _not_modified(request: Any, etag: str, changed_at: dt.datetime | None) -> bool:
    if request.if_none_match:  # takes precedence over the date (RFC 9110, 13.2.2)
        return etag in request.if_none_match
    since = request.if_modified_since
    return (
        since is not None and changed_at is not None and changed_at.replace(microsecond=0) <= since
    )
