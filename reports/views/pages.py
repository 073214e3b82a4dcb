"""Charter pages: the public list, one charter, verification, issuing, signing, the scan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config
from wtforms.fields.choices import SelectChoice

from partnerstate import permissions as perms
from partnerstate.forms import add_rule_errors
from partnerstate.i18n import LOCALES, _, _p
from partnerstate.markup import render_markdown
from partnerstate.partnerships.errors import Forbidden, ServiceError
from partnerstate.services import accounts
from reports import charter_report, render, services
from reports.forms import IssueForm, ScanForm, SignForm, WithdrawForm, language_choices
from reports.models import CITY, COMMONS, WITHDRAWN, Charter
from reports.resources import PartnershipCharterContext

PAGE_SIZE = 30
# The printed charter's words for "Article 3": charter.jinja2's message, extracted
# from there (Jinja's %-style placeholder), looked up here in the charter's language.
ARTICLE_MSGID = "Article %(number)s"
TITLE = _("Title")
PARTY_LABELS = {CITY: _("The city"), COMMONS: _("The commons")}
STATUS_LABELS = {
    "awaiting_signatures": _("Awaiting signatures"),
    "signed": _p("charter", "Signed"),
    "withdrawn": _("Withdrawn"),
}


def _settings(request: Any) -> Any:
    return request.registry["partnerstate.settings"]


def pdf_response(data: bytes, filename: str, inline: bool = True) -> Response:
    response = Response(body=data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Stored bytes never change for a given URL of an issued charter; caches may keep them briefly.
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


def filename_for(item: Charter, suffix: str = "") -> str:
    reference = item.reference.replace("/", "-")
    return f"charter-{reference}-{item.locale}{suffix}.pdf"


# --- the list and verification --------------------------------------------------------


@view_config(route_name="charters.list", renderer="reports/list.jinja2")
def list_charters(request: Any) -> dict[str, Any]:
    raw_page = request.params.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 10_000 else 1
    items, more = services.listing(request.db, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return {
        "charters": items,
        "page": page,
        "more": more,
        "status_labels": STATUS_LABELS,
        "verify_error": None,
    }


@view_config(
    route_name="charters.verify_form", request_method="GET", renderer="reports/list.jinja2"
)
def verify_form(request: Any) -> Any:
    """``/charters/verify?code=…`` (the form on the list page) → the verification page.

    Without a code the list page comes back with its form asking for one: sent empty,
    the form is a slip, not a code that no charter has.
    """
    code = (request.params.get("code") or "").strip()
    if not code:
        request.response.status = 422
        message = _("Enter the verification code printed on the charter.")
        return {**list_charters(request), "verify_error": message}
    normalized = services.charter.normalize_code(code)
    return HTTPSeeOther(request.route_url("charters.verify", code=normalized or code[:80]))


@view_config(route_name="charters.verify", renderer="reports/verify.jinja2")
def verify(request: Any) -> dict[str, Any]:
    """Anyone holding a printed copy checks its code against the register."""
    item = services.find_by_code(request.db, request.matchdict.get("code"))
    if item is None:
        # Unknown or malformed: say so, and nothing more.
        request.response.status = 404
        request.override_renderer = "reports/verify_unknown.jinja2"
        return {}
    return {
        "charter": item,
        "status_labels": STATUS_LABELS,
        "party_labels": PARTY_LABELS,
    }


# --- one charter ----------------------------------------------------------------------------


def _sign_form(request: Any, item: Charter, form: SignForm | None = None) -> SignForm | None:
    parties = services.parties_to_sign(item, request.user)
    if not parties and form is None:
        return None
    if form is None:
        form = SignForm(meta={"locales": [request.locale_name, "en"]})
        own = [p for p in parties if item.signatory_id(p) == request.user.id]
        if own:
            # A signatory signing with their own account: their name, their designated role.
            form.party.data = own[0]
            form.name.data = request.user.display_name
            form.role.data = item.content["parties"][own[0]]["signatory"]["role"]
    form.party.choices = [
        SelectChoice(party, request.translate(PARTY_LABELS[party])) for party in parties
    ]
    return form


def _withdraw_form(
    request: Any, item: Charter, form: WithdrawForm | None = None
) -> WithdrawForm | None:
    if form is not None:
        return form
    if not services.may_withdraw(item) or not request.has_permission(perms.WITHDRAW_CHARTER):
        return None
    return WithdrawForm(meta={"locales": [request.locale_name, "en"]})


def _show_context(
    request: Any,
    item: Charter,
    sign_form: SignForm | None = None,
    scan_form: Any = None,
    withdraw_form: WithdrawForm | None = None,
) -> dict[str, Any]:
    url = charter_report.verify_url(item.base_url, item.sha256)
    return {
        "withdraw_form": _withdraw_form(request, item, withdraw_form),
        "charter": item,
        "content": item.content,
        "verify_url": url,
        "qr_svg": render.qr_svg_inline(url),
        "sign_form": _sign_form(request, item, sign_form),
        "scan_form": scan_form or ScanForm(meta={"locales": [request.locale_name, "en"]}),
        "can_upload": item.status != WITHDRAWN
        and request.has_permission(perms.UPLOAD_CHARTER_SCAN),
        "status_labels": STATUS_LABELS,
        "party_labels": PARTY_LABELS,
    }


@view_config(route_name="charters.show", renderer="reports/show.jinja2")
def show(request: Any) -> dict[str, Any]:
    return _show_context(request, request.context.charter)


@view_config(route_name="charters.pdf", request_method="GET")
def download(request: Any) -> Response:
    item = request.context.charter
    return pdf_response(services.current_pdf(request.db, item), filename_for(item))


@view_config(route_name="charters.issued_pdf", request_method="GET")
def download_issued(request: Any) -> Response:
    item = request.context.charter
    return pdf_response(services.issued_pdf(request.db, item), filename_for(item, "-issued"))


@view_config(
    route_name="charters.sign",
    request_method="POST",
    renderer="reports/show.jinja2",
    permission=perms.SIGN_CHARTER,
)
def sign(request: Any) -> Any:
    item = request.context.charter
    form = SignForm.from_request(request)
    parties = services.parties_to_sign(item, request.user)
    form.party.choices = [SelectChoice(p, request.translate(PARTY_LABELS[p])) for p in parties]
    if not form.validate():
        # The party is judged too, so that one signed already is said in the same round.
        try:
            services.check_party(item, form.party.data, request.user)
        except ServiceError as error:
            add_rule_errors([(form.party, error.message)])
            if isinstance(error, Forbidden):
                request.response.status = 403  # as when the form is valid
    else:
        try:
            services.sign(
                request.db,
                item,
                request.user,
                party=form.party.data,
                name=form.name.data,
                role=form.role.data or "",
                place=form.place.data or "",
                timezone=_settings(request).timezone,
            )
        except ServiceError as error:
            # A blank name (spaces only) is the name's problem; any other, the party's
            # (unknown, signed already, not the actor's to sign).
            if "name" in error.fields:
                form.add_error("name", error.fields["name"])
            else:
                form.add_error("party", error.message)
            # Form errors answer 422, like every form's; a party that is not the actor's
            # to sign keeps its 403.
            request.response.status = 403 if isinstance(error, Forbidden) else 422
        else:
            message = (
                _("Both parties have signed: the charter is signed.")
                if item.status == "signed"
                else _("The signature was recorded.")
            )
            request.session.flash(request.translate(message), "success")
            return HTTPSeeOther(request.route_url("charters.show", id=item.id))
    if request.response.status_int == 200:
        request.response.status = 422
    return _show_context(request, item, sign_form=form)


@view_config(
    route_name="charters.scans",
    request_method="POST",
    renderer="reports/show.jinja2",
    permission=perms.UPLOAD_CHARTER_SCAN,
)
def upload_scan(request: Any) -> Any:
    item = request.context.charter
    form = ScanForm.from_request(request)
    form.validate()  # no validators: it readies the fields' error lists
    upload = request.POST.get("file")
    if not hasattr(upload, "file"):
        form.add_error("file", _("Choose the PDF file of the scan."))
    else:
        try:
            scan = services.add_uploaded_scan(request.db, item, request.user, upload)
        except ServiceError as error:
            for message in error.fields.values() or [error.message]:
                form.add_error("file", message)
        else:
            request.session.flash(
                request.translate(
                    _("The signed scan was filed (SHA-256 ${sha}).", mapping={"sha": scan.sha256})
                ),
                "success",
            )
            return HTTPSeeOther(request.route_url("charters.show", id=item.id))
    request.response.status = 422
    return _show_context(request, item, scan_form=form)


@view_config(
    route_name="charters.withdraw",
    request_method="POST",
    renderer="reports/show.jinja2",
    permission=perms.WITHDRAW_CHARTER,
)
def withdraw(request: Any) -> Any:
    item = request.context.charter
    form = WithdrawForm.from_request(request)
    if form.validate():
        try:
            services.withdraw(request.db, item, request.user, form.reason.data or "")
        except ServiceError as error:
            form.add_error("reason", error.fields.get("reason") or error.message)
            request.response.status = error.status
        else:
            request.session.flash(
                request.translate(_("The charter was withdrawn. It can be issued again.")),
                "success",
            )
            return HTTPSeeOther(request.route_url("charters.show", id=item.id))
    if request.response.status_int == 200:
        request.response.status = 422
    return _show_context(request, item, withdraw_form=form)


@view_config(route_name="charters.scan_file", request_method="GET")
def download_scan(request: Any) -> Response:
    item = request.context.charter
    scan_id = request.matchdict.get("scan_id", "")
    scan = next((s for s in item.scans if str(s.id) == scan_id), None)
    if scan is None:
        raise HTTPNotFound()
    return pdf_response(services.scan_data(request.db, scan), scan.filename)


# --- issuing --------------------------------------------------------------------------------


def _account(request: Any, form: IssueForm, field: str) -> Any:
    email = (getattr(form, field).data or "").strip()
    if not email or getattr(form, field).errors:
        return None
    user = accounts.find_user_by_email(request.db, email)
    if user is None:
        form.add_error(field, _("There is no account with this email."))
    return user


def _issue_request(form: IssueForm, city_user: Any, commons_user: Any) -> Any:
    return services.IssueRequest(
        locale=form.locale.data,
        city_department=form.city_department.data or "",
        city_signatory_name=form.city_signatory_name.data or "",
        city_signatory_role=form.city_signatory_role.data or "",
        commons_signatory_name=form.commons_signatory_name.data or "",
        commons_signatory_role=form.commons_signatory_role.data or "",
        city_signatory=city_user,
        commons_signatory=commons_user,
    )


def _languages(request: Any, partnership: Any, form: IssueForm) -> list[dict[str, Any]]:
    """Offer only the languages the adopted text is written in; name what the others lack."""
    missing = services.missing_translations(request.db, partnership, list(LOCALES))
    form.locale.choices = [choice for choice in language_choices() if not missing.get(choice.value)]
    return [
        {
            "locale": locale,
            "name": LOCALES[locale],
            "missing": [_missing_label(request, key, item) for key, item in gaps],
        }
        for locale, gaps in missing.items()
        if gaps
    ]


def _missing_label(request: Any, key: str, item: int) -> str:
    heading = request.translate(TITLE if key == "title" else services.charter.HEADINGS[key])
    if not item:
        return heading
    return request.translate(
        _("${article}, item ${number}", mapping={"article": heading, "number": item})
    )


@view_config(
    route_name="charters.new", renderer="reports/new.jinja2", permission=perms.ISSUE_CHARTER
)
def issue(request: Any) -> Any:
    """Issuing takes two steps: the form, then a review of the text as it will be printed.

    Nothing is issued until the official confirms the review (``confirm`` in the
    form); "Change" (``edit``) brings the filled form back.
    """
    partnership = request.context.partnership
    # Withdrawn charters are not "already issued": they may be issued again.
    existing = [
        item
        for item in services.for_partnership(request.db, partnership.id)
        if item.status != WITHDRAWN
    ]
    form = IssueForm.from_request(request)
    adopted = partnership.status in services.ADOPTED_STATES
    languages = _languages(request, partnership, form) if adopted else []
    if request.method == "GET":
        default = services.sources.default_locale(
            request.db, partnership, _settings(request).default_locale
        )
        offered = [choice.value for choice in form.locale.choices]
        form.locale.data = default if default in offered else (offered or [None])[0]
    page = {
        "partnership": partnership,
        "form": form,
        "adopted": adopted,
        "existing": existing,
        "languages": languages,
    }
    if request.method != "POST":
        return page
    if not adopted:
        request.response.status = 409  # the page says why; there is nothing to fill in
        return page
    form.validate()
    offered = {choice.value for choice in form.locale.choices}
    if form.locale.data and form.locale.data not in offered and not form.locale.errors:
        form.add_error("locale", _("The adopted text is not written in this language."))
    # The accounts are looked up even when another field was refused, so that every
    # problem shows at once (an email the form refused is not looked up).
    city_user = _account(request, form, "city_signatory_email")
    commons_user = _account(request, form, "commons_signatory_email")
    if not form.errors and "edit" not in request.POST:
        issue_request = _issue_request(form, city_user, commons_user)
        settings = _settings(request)
        options = {
            "base_url": request.application_url,
            "site_locale": settings.default_locale,
            "timezone": settings.timezone,
        }
        try:
            if "confirm" not in request.POST:
                draft = services.prepare(request.db, partnership, issue_request, **options)
                request.override_renderer = "reports/review.jinja2"
                return {**page, **_review_context(draft)}
            item = services.issue(request.db, partnership, request.user, issue_request, **options)
        except ServiceError as error:
            request.response.status = error.status
            form.add_error("locale", error.message)
        else:
            request.session.flash(
                request.translate(_("The charter was issued. Print it and have it signed.")),
                "success",
            )
            return HTTPSeeOther(request.route_url("charters.show", id=item.id))
    if form.errors and request.response.status_int == 200:
        request.response.status = 422
    return page


def _review_context(draft: Any) -> dict[str, Any]:
    content = draft.content
    locale = content["locale"]
    return {
        "content": content,
        # The text under review is in the charter's language, whatever the page's: its
        # direction, and the words "Article 3", are that language's.
        "content_dir": render.text_direction(locale),
        "article_label": lambda number: (
            render.translations(locale).gettext(ARTICLE_MSGID) % {"number": number}
        ),
        "issued_on": dt.date.fromisoformat(content["issued_on"]),
        "closed_at": _parse_datetime((content.get("decision") or {}).get("closed_at")),
        "markdown": render_markdown,
    }


def _parse_datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


# --- hooks for the pages of other packages ----------------------------------------------


def partnership_panel(request: Any, partnership: Any) -> dict[str, Any] | None:
    """The charters section of ``/partnerships/{id}`` (registered as a partnership panel)."""
    charters = services.for_partnership(request.db, partnership.id)
    can_issue = partnership.status in services.ADOPTED_STATES and request.has_permission(
        perms.ISSUE_CHARTER, _IssueTarget()
    )
    if not charters and not can_issue:
        return None
    return {
        "charters": charters,
        "can_issue": can_issue,
        "partnership": partnership,
        "status_labels": STATUS_LABELS,
    }


class _IssueTarget:
    """The issuing route's ACL (officials issue), to ask from another page."""

    __acl__ = PartnershipCharterContext.__acl__


def charters_for_commons(request: Any, commons_id: int) -> list[Charter]:
    """Request method for the commons page: that commons' charters, newest first."""
    return services.for_commons(request.db, commons_id)
