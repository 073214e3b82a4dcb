"""The officials' outbox page: mail waiting or failed (with why), what was delivered, retry."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from partnerstate import permissions as perms
from partnerstate.i18n import _
from partnerstate.ids import parse_id
from partnerstate.mail import delivery, outbox
from partnerstate.models import OutboxMessage
from partnerstate.models.mail import FAILED, PENDING, SENT
from partnerstate.settings import mail_folder

STATUS_LABELS = {PENDING: _("Waiting"), FAILED: _("Failed"), SENT: _("Delivered")}


def _message(request: Any) -> OutboxMessage:
    message_id = parse_id(request.matchdict["id"])
    message = request.db.get(OutboxMessage, message_id) if message_id is not None else None
    if message is None:
        raise HTTPNotFound()
    return message


@view_config(
    route_name="outbox",
    renderer="outbox.jinja2",
    permission=perms.MANAGE_OUTBOX,
    request_method="GET",
)
def outbox_page(request: Any) -> dict[str, Any]:
    settings = request.registry["partnerstate.settings"]
    return {
        "undelivered": outbox.undelivered(request.db),
        "delivered": outbox.recently_delivered(request.db),
        "counts": outbox.counts(request.db),
        "status_labels": STATUS_LABELS,
        # Without an SMTP server, messages are written to this folder (development, demo).
        "folder": None if settings.smtp_url else mail_folder(settings),
    }


@view_config(
    route_name="outbox.show",
    renderer="outbox_message.jinja2",
    permission=perms.MANAGE_OUTBOX,
    request_method="GET",
)
def show_message(request: Any) -> dict[str, Any]:
    return {"message": _message(request), "status_labels": STATUS_LABELS}


@view_config(route_name="outbox.retry", permission=perms.MANAGE_OUTBOX, request_method="POST")
def retry_message(request: Any) -> Any:
    message = _message(request)
    # Only mail that is meant to go out: not what went, nor in-app notices.
    if message.status in (FAILED, PENDING):
        delivery.retry(request.db, message, request.user)
        request.session.flash(
            request.translate(_("The message will be sent again within a minute.")), "success"
        )
    return HTTPSeeOther(request.route_url("outbox"))
