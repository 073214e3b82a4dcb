"""JSON API of charters (paths, codes and fields fixed by CONTRACT.md)."""

from __future__ import annotations

from typing import Any

from pyramid.response import Response

from partnerstate import permissions as perms
from partnerstate.api import ApiError, api_config
from partnerstate.i18n import _
from partnerstate.services import accounts
from reports import charter_report, services
from reports.models import WITHDRAWN, Charter
from reports.views.pages import filename_for, pdf_response

PAGE_SIZE = 30


def charter_json(request: Any, item: Charter) -> dict[str, Any]:
    return {
        "id": item.id,
        "partnership_id": item.partnership_id,
        "commons_id": item.commons_id,
        "locale": item.locale,
        "reference": item.reference,
        "title": item.title,
        "sha256": item.sha256,
        "status": item.status,
        "issued_at": item.issued_at.isoformat(),
        "signed_at": item.signed_at.isoformat() if item.signed_at else None,
        **withdrawal_json(item),
        "signatures": services.signatures_json(item.signatures),
        "scans": [
            {
                "id": scan.id,
                "sha256": scan.sha256,
                "filename": scan.filename,
                "size": scan.size,
                "uploaded_at": scan.uploaded_at.isoformat(),
            }
            for scan in item.scans
        ],
        "pdf_url": request.route_url("api.charter.pdf", id=item.id),
        "page_url": request.route_url("charters.show", id=item.id),
        "verify_url": charter_report.verify_url(item.base_url, item.sha256),
    }


def withdrawal_json(item: Charter) -> dict[str, Any]:
    return {
        "withdrawn_at": item.withdrawn_at.isoformat() if item.withdrawn_at else None,
        "withdrawal_reason": item.withdrawal_reason,
    }


def partnership_charters(request: Any, partnership: Any) -> list[dict[str, Any]]:
    """The ``charters`` field of a partnership in the API, oldest first."""
    return [
        {
            "id": item.id,
            "status": item.status,
            "sha256": item.sha256,
            "locale": item.locale,
            "api_url": request.route_url("api.charter", id=item.id),
            "pdf_url": request.route_url("api.charter.pdf", id=item.id),
        }
        for item in services.for_partnership(request.db, partnership.id)
    ]


def _settings(request: Any) -> Any:
    return request.registry["partnerstate.settings"]


def _signatory(request: Any, body: dict[str, Any], field: str) -> Any:
    email = body.get(field)
    if not email:
        return None
    user = accounts.find_user_by_email(request.db, email)
    if user is None:
        raise ApiError(
            422,
            _("Some fields are missing or invalid."),
            fields={field: _("There is no account with this email.")},
        )
    return user


@api_config(
    route_name="api.partnership.charter", request_method="POST", permission=perms.ISSUE_CHARTER
)
def issue(request: Any) -> dict[str, Any]:
    """Issue the adopted partnership's charter in one language (official)."""
    body = request.openapi_validated.body or {}
    city = body.get("city") or {}
    commons = body.get("commons") or {}
    issue_request = services.IssueRequest(
        locale=body.get("locale"),
        city_department=city.get("department", ""),
        city_signatory_name=city.get("signatory_name", ""),
        city_signatory_role=city.get("signatory_role", ""),
        commons_signatory_name=commons.get("signatory_name", ""),
        commons_signatory_role=commons.get("signatory_role", ""),
        city_signatory=_signatory(request, city, "signatory_email"),
        commons_signatory=_signatory(request, commons, "signatory_email"),
    )
    item = services.issue(
        request.db,
        request.context.partnership,
        request.user,
        issue_request,
        base_url=request.application_url,
        site_locale=_settings(request).default_locale,
        timezone=_settings(request).timezone,
    )
    request.response.status = 201
    return charter_json(request, item)


@api_config(route_name="api.charters", request_method="GET")
def list_charters(request: Any) -> dict[str, Any]:
    params = request.openapi_validated.parameters.query
    page = int(params.get("page") or 1)
    items, more = services.listing(
        request.db, status=params.get("status"), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    next_url = request.route_url("api.charters", _query={**request.GET, "page": page + 1})
    return {"items": [charter_json(request, c) for c in items], "next": next_url if more else None}


@api_config(route_name="api.charter", request_method="GET")
def show(request: Any) -> dict[str, Any]:
    return charter_json(request, request.context.charter)


@api_config(route_name="api.charter.pdf", request_method="GET", renderer=None)
def pdf(request: Any) -> Response:
    """The stored PDF (anyone): with the recorded signatures once there are any."""
    item = request.context.charter
    return pdf_response(services.current_pdf(request.db, item), filename_for(item))


@api_config(
    route_name="api.charter.signatures", request_method="POST", permission=perms.SIGN_CHARTER
)
def sign(request: Any) -> dict[str, Any]:
    body = request.openapi_validated.body
    item = request.context.charter
    signature = services.sign(
        request.db,
        item,
        request.user,
        party=body["party"],
        name=body["name"],
        role=body.get("role", ""),
        place=body.get("place", ""),
        timezone=_settings(request).timezone,
    )
    request.response.status = 201
    return {
        "id": signature.id,
        "party": signature.party,
        "name": signature.name,
        "role": signature.role,
        "place": signature.place,
        "signed_at": signature.signed_at.isoformat(),
        "charter_status": item.status,
        "status": item.status,
    }


@api_config(
    route_name="api.charter.scans",
    request_method="POST",
    permission=perms.UPLOAD_CHARTER_SCAN,
    openapi=False,
)
def upload_scan(request: Any) -> dict[str, Any]:
    """Multipart upload of the wet-ink signed scan (field ``file``); PDFs only (422).

    Declared in openapi.yaml; validated here because openapi-core does not parse
    binary multipart bodies.
    """
    upload = request.POST.get("file") if request.content_type == "multipart/form-data" else None
    if not hasattr(upload, "file"):
        raise ApiError(
            422,
            _("Some fields are missing or invalid."),
            fields={"file": _("Send the scan as a multipart/form-data field named file.")},
        )
    item = request.context.charter
    scan = services.add_uploaded_scan(request.db, item, request.user, upload)
    request.response.status = 201
    return {
        "id": scan.id,
        "sha256": scan.sha256,
        "filename": scan.filename,
        "size": scan.size,
        "uploaded_at": scan.uploaded_at.isoformat(),
    }


@api_config(
    route_name="api.charter.withdrawal", request_method="POST", permission=perms.WITHDRAW_CHARTER
)
def withdraw(request: Any) -> dict[str, Any]:
    """Withdraw an unsigned charter issued by mistake, with a reason (officials)."""
    body = request.openapi_validated.body
    item = services.withdraw(request.db, request.context.charter, request.user, body["reason"])
    return charter_json(request, item)


@api_config(route_name="api.charter.verify", request_method="GET")
def verify(request: Any) -> dict[str, Any]:
    """Is this verification code a charter of the register? (anyone; 404 when not)."""
    item = services.find_by_code(request.db, request.matchdict.get("sha256"))
    if item is None:
        raise ApiError(404, _("No charter has this verification code."))
    return {
        # A withdrawn charter's code is known to the register but never valid.
        "valid": item.status != WITHDRAWN,
        "charter_id": item.id,
        "status": item.status,
        **withdrawal_json(item),
        "signatures": services.signatures_json(item.signatures),
        "sha256": item.sha256,
        "title": item.title,
        "reference": item.reference,
        "locale": item.locale,
        "issued_at": item.issued_at.isoformat(),
        "pdf_url": request.route_url("api.charter.pdf", id=item.id),
        "page_url": request.route_url("charters.show", id=item.id),
    }
