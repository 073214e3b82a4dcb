"""The audit log page: officials read who did what, when, to which object."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from partnerstate import audit_labels
from partnerstate import permissions as perms
from partnerstate.paging import page_number
from partnerstate.services import audit

PAGE_SIZE = 50


@view_config(
    route_name="audit_log",
    renderer="audit.jinja2",
    permission=perms.VIEW_AUDIT_LOG,
    request_method="GET",
)
def audit_log(request: Any) -> dict[str, Any]:
    page = page_number(request)
    # One row more than shown tells whether a next page exists without counting the table.
    entries = audit.recent(request.db, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    if not entries and page > 1:
        raise HTTPNotFound()
    previous_url = next_url = None
    if page > 1:
        previous_url = request.route_url("audit_log", _query={"page": page - 1})
    if len(entries) > PAGE_SIZE:
        next_url = request.route_url("audit_log", _query={"page": page + 1})
    return {
        "entries": [_row(request, entry) for entry in entries[:PAGE_SIZE]],
        "page": page,
        "previous_url": previous_url,
        "next_url": next_url,
    }


def _row(request: Any, entry: Any) -> dict[str, Any]:
    return {
        "entry": entry,
        "action": request.translate(audit_labels.action_label(entry.action)),
        "object": request.translate(audit_labels.object_label(entry.object_type)),
        "object_url": audit_labels.object_url(request, entry.object_type, entry.object_id),
        # Sorted by stored name (the same on both engines), named for the reader.
        "details": [
            _detail(request, name, value) for name, value in sorted((entry.details or {}).items())
        ],
    }


def _detail(request: Any, name: str, value: Any) -> tuple[str, Any]:
    """A detail's name and value in the reader's language; unknown values as stored."""
    label = audit_labels.value_label(request.registry, name, value)
    shown = value if label is value else request.translate(label)
    return request.translate(audit_labels.detail_label(name)), shown
