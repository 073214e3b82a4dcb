"""Record a message in the outbox, in the caller's transaction.

Services call :func:`enqueue` next to the change that causes the mail; nothing is
sent here. If the transaction rolls back, so does the message; once it commits, the
worker delivers it (partnerstate/mail/delivery.py).
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from partnerstate.mail.render import render
from partnerstate.models import OutboxMessage
from partnerstate.models.mail import FAILED, PENDING, SENT
from partnerstate.settings import AppSettings, public_base_url


def new_message_id(settings: AppSettings) -> str:
    """A globally unique Message-ID under the site's own domain."""
    domain = urlsplit(public_base_url(settings)).hostname or "localhost"
    # Short enough to stay on the header's line (a folded one reads back with a space).
    return f"<{secrets.token_hex(12)}@{domain}>"


def enqueue(
    db: Session,
    settings: AppSettings,
    *,
    kind: str,
    to: str,
    template: str,
    locale: str,
    headers: dict[str, str] | None = None,
    user_id: int | None = None,
    link: str | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render ``template`` in ``locale`` for ``to`` and add it to the outbox.

    ``link`` is the page the message is about (kept for the digest, given to the
    template). Every template receives ``base_url`` (links in mails are absolute, built from
    PARTNERSTATE_BASE_URL) and ``site_name`` besides ``context``.
    """
    rendered = render(
        template,
        locale,
        settings.timezone,
        base_url=public_base_url(settings),
        site_name=settings.site_name,
        **({"link": link} if link is not None else {}),
        **context,
    )
    message = OutboxMessage(
        message_id=new_message_id(settings),
        kind=kind,
        recipient=to,
        locale=rendered.locale,
        subject=rendered.subject[:500],
        body_text=rendered.text,
        body_html=rendered.html,
        headers=dict(headers or {}),
        user_id=user_id,
        link=link,
    )
    db.add(message)
    return message


# --- reading (the officials' outbox page) ------------------------------------------------


def undelivered(db: Session, limit: int = 200) -> list[OutboxMessage]:
    """Failed messages first, then those still waiting, oldest first within each."""
    failed_first = case((OutboxMessage.status == FAILED, 0), else_=1)
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status.in_((FAILED, PENDING)))
            .order_by(failed_first, OutboxMessage.id)
            .limit(limit)
        )
    )


def recently_delivered(db: Session, limit: int = 50) -> list[OutboxMessage]:
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == SENT)
            .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def counts(db: Session) -> dict[str, int]:
    rows = db.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    return {PENDING: 0, FAILED: 0, SENT: 0} | {row[0]: row[1] for row in rows}
