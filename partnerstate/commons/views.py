"""Pages of the commons register: the searchable list and map, a record, its forms.

Thin views: parse the form, call ``commons.services``, render. Every action also
works without JavaScript; the map is an addition to the list, never instead of it.
"""

from __future__ import annotations

import csv
import functools
import io
import os
from collections.abc import Callable, Iterator
from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from partnerstate import permissions as perms
from partnerstate.commons import services
from partnerstate.commons import taxonomy as tx
from partnerstate.commons.api import register_query
from partnerstate.commons.forms import (
    BalanceForm,
    CommonsForm,
    ReasonForm,
    SearchForm,
    apply_errors,
    fill_form,
    form_data,
)
from partnerstate.commons.models import Commons, CommonsRevision
from partnerstate.commons.resources import shows_contact
from partnerstate.commons.serialize import csv_header, csv_rows
from partnerstate.commons.validation import InvalidRecord
from partnerstate.forms import add_rule_errors
from partnerstate.i18n import _
from partnerstate.localized import pick
from partnerstate.markup import render_markdown
from partnerstate.paging import page_count, page_number, redirect_past_last_page

PAGE_SIZE = 20
MAX_PAGE = 10_000


def leaflet_assets(request: Any) -> dict[str, str]:
    """URLs of Leaflet's files and its clustering plugin's, served from xstatic packages."""
    import xstatic.pkg.leaflet
    import xstatic.pkg.leaflet_markercluster

    base = xstatic.pkg.leaflet.BASE_DIR
    cluster = xstatic.pkg.leaflet_markercluster.BASE_DIR
    return {
        "css": request.static_url(os.path.join(base, "leaflet.css")),
        "js": request.static_url(os.path.join(base, "leaflet.js")),
        "cluster_css": [
            request.static_url(os.path.join(cluster, name))
            for name in ("MarkerCluster.css", "MarkerCluster.Default.css")
        ],
        "cluster_js": request.static_url(os.path.join(cluster, "leaflet.markercluster.js")),
    }


def _filters(request: Any) -> tuple[SearchForm, dict[str, str]]:
    form = SearchForm.for_request(request, services.districts(request.db))
    return form, form.cleaned(request.GET)


@view_config(route_name="commons.list", renderer="commons/list.jinja2")
def register(request: Any) -> dict[str, Any]:
    """``/commons``: search, filters, sort, pages, and the map of what is found."""
    form, filters = _filters(request)
    query = register_query(filters, request.locale_name)
    page = page_number(request, MAX_PAGE)
    total = services.count(request.db, query, request.user)
    pages = page_count(total, PAGE_SIZE)

    def page_url(number: int) -> str:
        return request.route_url("commons.list", _query={**filters, "page": number})

    redirect_past_last_page(page, pages, page_url)
    records, more = services.search(
        request.db, query, request.user, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )

    export_filters = {k: val for k, val in filters.items() if k not in ("sort", "status")}
    settings = request.registry["partnerstate.settings"]
    return {
        "form": form,
        "filters": filters,
        "records": records,
        "total": total,
        "page": page,
        "pages": pages,
        "previous_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if more else None,
        "csv_url": request.route_url("commons.csv", _query=filters),
        "geojson_url": request.route_url("api.commons.geojson", _query=export_filters),
        "show_map": query.status == tx.PUBLISHED,
        "can_propose": bool(request.has_permission(perms.PROPOSE_COMMONS)),
        "tile_url": settings.tile_url,
        "tile_attribution": settings.tile_attribution,
        "leaflet": leaflet_assets(request),
        "tx": tx,
    }


# Rows written per chunk of the streamed CSV (and records read per query).
CSV_CHUNK = 500


@view_config(route_name="commons.csv")
def export_csv(request: Any) -> Response:
    """``/commons.csv``: the register (with the page's filters) as open data, streamed.

    The request reads only the matching ids, in order; the rows follow a chunk at a
    time, so the first bytes leave at once and memory does not grow with the register.
    """
    _form, filters = _filters(request)
    ids = services.search_ids(
        request.db, register_query(filters, request.locale_name), request.user
    )
    response = Response(app_iter=_csv_chunks(request, ids), content_type="text/csv")
    response.charset = "utf-8"
    response.content_disposition = 'attachment; filename="commons.csv"'
    return response


def _csv_chunks(request: Any, ids: list[int]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow(csv_header())
    yield flush()
    if not ids:
        return
    # The request's transaction ended when its response was handed over, before the
    # body is read: the chunks (and the contact-detail permission each row checks,
    # which reads the signed-in person again) run in a transaction of their own.
    try:
        with request.tm:
            for start in range(0, len(ids), CSV_CHUNK):
                chunk = ids[start : start + CSV_CHUNK]
                query = select(Commons).where(Commons.id.in_(chunk))
                found = {c.id: c for c in request.db.scalars(query)}
                writer.writerows(csv_rows(request, (found[i] for i in chunk if i in found)))
                yield flush()
    finally:
        request.db.close()


def _record_view(request: Any, commons: Commons, **extra: Any) -> dict[str, Any]:
    """Everything the record page shows; also used to re-render it with a form error."""
    locale = request.locale_name
    revisions = request.db.scalars(
        select(CommonsRevision)
        .where(CommonsRevision.commons_id == commons.id)
        .options(selectinload(CommonsRevision.author))
        .order_by(CommonsRevision.id.desc())
    ).all()
    settings = request.registry["partnerstate.settings"]
    # The same fallback as the templates' |localized and |lang filters.
    fallback = settings.default_locale
    data = {
        "commons": commons,
        "description_html": render_markdown(pick(commons.description, locale, fallback)),
        "governance_html": render_markdown(pick(commons.governance, locale, fallback)),
        "revisions": revisions,
        "reason_form": ReasonForm(meta={"locales": [locale, "en"]}),
        "can_edit": bool(request.has_permission(perms.EDIT_COMMONS)),
        "can_decide": bool(request.has_permission(perms.VALIDATE_COMMONS)),
        "can_report": bool(request.has_permission(perms.REPORT_COMMONS_BALANCE)),
        "show_contact": shows_contact(request, commons),
        "tile_url": settings.tile_url,
        "tile_attribution": settings.tile_attribution,
        "leaflet": leaflet_assets(request),
        "tx": tx,
    }
    data.update(extra)
    return data


@view_config(route_name="commons.show", renderer="commons/show.jinja2", permission=perms.VIEW)
def show(request: Any) -> dict[str, Any]:
    return _record_view(request, request.context.commons)


def _rule_errors(request: Any, form: CommonsForm, check: Callable[..., Any]) -> None:
    """The register's rules on a form WTForms refused, so that every problem shows at once.

    ``check`` (``services.check_proposal``, ``check_update``) judges what the form could
    read and stores nothing; an unreadable input keeps the form's own message.
    """
    try:
        check(form_data(form), request.locale_name)
    except InvalidRecord as error:
        apply_errors(form, error, request.locale_name)


@view_config(
    route_name="commons.new", renderer="commons/form.jinja2", permission=perms.PROPOSE_COMMONS
)
def propose(request: Any) -> Any:
    form = CommonsForm.from_request(request)
    if request.method == "POST" and not form.validate():
        _rule_errors(request, form, services.check_proposal)
    elif request.method == "POST":
        try:
            commons = services.propose(
                request.db, request.user, form_data(form), request.locale_name
            )
        except InvalidRecord as error:
            apply_errors(form, error, request.locale_name)
        else:
            request.db.flush()
            message = (
                _("The commons is published in the register.")
                if commons.status == tx.PUBLISHED
                else _("Thank you! Your proposal awaits an official's validation.")
            )
            request.session.flash(request.translate(message), "success")
            return HTTPSeeOther(request.route_url("commons.show", id=commons.id))
    if form.errors:
        request.response.status = 422
    return {"form": form, "commons": None, "tx": tx}


@view_config(
    route_name="commons.edit", renderer="commons/form.jinja2", permission=perms.EDIT_COMMONS
)
def edit(request: Any) -> Any:
    commons = request.context.commons
    form = CommonsForm.from_request(request)
    if request.method == "GET":
        fill_form(form, commons)
    elif not form.validate():
        _rule_errors(request, form, functools.partial(services.check_update, commons))
    else:
        try:
            changes = services.update(
                request.db, commons, request.user, form_data(form), request.locale_name
            )
        except InvalidRecord as error:
            apply_errors(form, error, request.locale_name)
        else:
            message = _("Your changes were saved.") if changes else _("Nothing was changed.")
            request.session.flash(request.translate(message), "success")
            return HTTPSeeOther(request.route_url("commons.show", id=commons.id))
    if form.errors:
        request.response.status = 422
    return {"form": form, "commons": commons, "tx": tx}


@view_config(
    route_name="commons.validate",
    request_method="POST",
    permission=perms.VALIDATE_COMMONS,
)
def validate(request: Any) -> Any:
    commons = request.context.commons
    try:
        services.validate(request.db, commons, request.user)
    except services.StateConflict as error:
        request.session.flash(request.translate(error.message), "error")
    else:
        request.session.flash(
            request.translate(_("The commons is validated and published.")), "success"
        )
    return HTTPSeeOther(request.route_url("commons.show", id=commons.id))


def _decision(request: Any, action: Any, done: Any) -> Any:
    """Reject or archive: a reasoned decision from a small form on the record page."""
    commons = request.context.commons
    form = ReasonForm.from_request(request)
    if form.validate():
        try:
            action(request.db, commons, request.user, form.reason.data)
        except InvalidRecord as error:
            form.add_error("reason", error.errors["reason"])
        except services.StateConflict as error:
            request.session.flash(request.translate(error.message), "error")
            return HTTPSeeOther(request.route_url("commons.show", id=commons.id))
        else:
            request.session.flash(request.translate(done), "success")
            return HTTPSeeOther(request.route_url("commons.show", id=commons.id))
    request.response.status = 422
    return _record_view(request, commons, reason_form=form)


@view_config(
    route_name="commons.reject",
    request_method="POST",
    renderer="commons/show.jinja2",
    permission=perms.VALIDATE_COMMONS,
)
def reject(request: Any) -> Any:
    return _decision(request, services.reject, _("The proposal was rejected."))


@view_config(
    route_name="commons.archive",
    request_method="POST",
    renderer="commons/show.jinja2",
    permission=perms.VALIDATE_COMMONS,
)
def archive(request: Any) -> Any:
    return _decision(request, services.archive, _("The commons was archived."))


@view_config(
    route_name="commons.balance",
    renderer="commons/balance.jinja2",
    permission=perms.REPORT_COMMONS_BALANCE,
)
def balance(request: Any) -> Any:
    """The yearly community balance: rootedness, social return, democracy, care."""
    commons = request.context.commons
    form = BalanceForm.from_request(request)
    if request.method == "POST":
        data = {name: form[name].data for name in ("year", *tx.BALANCE_DIMENSIONS)}
        data["notes"] = form.notes.data or ""
        valid = form.validate()
        try:
            if not valid:
                # What the form could read is judged too: every problem shows at once.
                services.check_balance(data, request.locale_name)
            else:
                services.record_balance(
                    request.db, commons, request.user, data, request.locale_name
                )
        except InvalidRecord as error:
            add_rule_errors((form[name], message) for name, message in error.errors.items())
        if not form.errors:
            request.session.flash(request.translate(_("The balance was recorded.")), "success")
            return HTTPSeeOther(request.route_url("commons.show", id=commons.id))
    if form.errors:
        request.response.status = 422
    return {"form": form, "commons": commons, "tx": tx}
