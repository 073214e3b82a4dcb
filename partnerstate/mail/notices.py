"""Notifications: one event, many recipients, each by mail (as they chose) and in-app.

A request that causes a notification records **one** job (:func:`announce`); the
worker fans it out (:func:`fan_out`), a chunk of recipients per transaction, so that a
facilitator's notice to a 20,000-member assembly costs the request one row. Each
recipient gets one outbox row, which is also their in-app notification; its status
follows their choice (``email_notifications``):

* ``immediate``: delivered like any mail (with List-Unsubscribe, RFC 8058);
* ``daily``: kept for the daily digest (partnerstate/mail/digest.py);
* ``off``: in-app only.

Templates of notices take no personal data (the greeting is generic), so each is
rendered once per language, not once per recipient.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from partnerstate.localized import pick
from partnerstate.mail.outbox import new_message_id
from partnerstate.mail.render import RenderedMail, mail_locale, render
from partnerstate.models import Job, OutboxMessage, User
from partnerstate.models.mail import DIGEST, IN_APP, PENDING
from partnerstate.settings import AppSettings, public_base_url

JOB_KIND = "notify"
IMMEDIATE, DAILY, OFF = "immediate", "daily", "off"
PREFERENCES = (IMMEDIATE, DAILY, OFF)
STATUS_FOR = {IMMEDIATE: PENDING, DAILY: DIGEST, OFF: IN_APP}
CHUNK = 500


def announce(
    db: Session,
    *,
    kind: str,
    template: str,
    user_ids: list[int],
    path: str,
    params: dict[str, Any] | None = None,
    assembly_locale: str | None = None,
    key: str | None = None,
) -> Job | None:
    """Record one notice for ``user_ids`` (fanned out by the worker), in the caller's
    transaction. ``path`` is the page it is about (``/votes/7``); ``params`` are the
    template's values, where a dict of languages is picked per recipient's language.
    With ``key``, a notice already recorded under it is not recorded again."""
    if not user_ids:
        return None
    if key is not None and db.scalar(select(Job.id).where(Job.key == key)) is not None:
        return None
    job = Job(
        kind=JOB_KIND,
        key=key,
        payload={
            "notice": kind,
            "template": template,
            "user_ids": sorted(set(user_ids)),
            "path": path,
            "params": params or {},
            "assembly_locale": assembly_locale,
            "done": 0,
        },
    )
    db.add(job)
    return job


def unsubscribe_token(settings: AppSettings, user_id: int) -> str:
    """A link that turns notification mails off without signing in (RFC 8058)."""
    mac = hmac.new(settings.secret.encode(), f"unsubscribe:{user_id}".encode(), hashlib.sha256)
    return f"{user_id}.{mac.hexdigest()[:32]}"


def user_for_unsubscribe(db: Session, settings: AppSettings, token: str) -> User | None:
    user_id, _, _mac = token.partition(".")
    if not user_id.isdigit() or len(user_id) > 12:
        return None
    if not hmac.compare_digest(unsubscribe_token(settings, int(user_id)), token):
        return None
    return db.get(User, int(user_id))


def unsubscribe_headers(settings: AppSettings, user_id: int) -> dict[str, str]:
    link = f"{public_base_url(settings)}/unsubscribe/{unsubscribe_token(settings, user_id)}"
    return {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _params_in(params: dict[str, Any], locale: str) -> dict[str, Any]:
    return {
        name: pick(value, locale) if isinstance(value, dict) else value
        for name, value in params.items()
    }


def fan_out(db: Session, settings: AppSettings, job: Job, now: dt.datetime) -> bool:
    """One chunk of ``job``'s recipients into the outbox; True when all are done."""
    payload = dict(job.payload)
    user_ids: list[int] = payload["user_ids"]
    start = int(payload.get("done", 0))
    chunk = user_ids[start : start + CHUNK]
    link = f"{public_base_url(settings)}{payload['path']}"
    rendered: dict[str, RenderedMail] = {}
    users = db.scalars(select(User).where(User.id.in_(chunk)).order_by(User.id)) if chunk else []
    for user in users:
        locale = mail_locale(
            user.locale, payload.get("assembly_locale"), default=settings.default_locale
        )
        if locale not in rendered:
            rendered[locale] = render(
                payload["template"],
                locale,
                settings.timezone,
                base_url=public_base_url(settings),
                site_name=settings.site_name,
                link=link,
                **_params_in(payload["params"], locale),
            )
        mail = rendered[locale]
        preference = (
            user.email_notifications if user.email_notifications in STATUS_FOR else IMMEDIATE
        )
        if not user.email_verified:  # not mailed until the address is confirmed
            preference = OFF
        db.add(
            OutboxMessage(
                message_id=new_message_id(settings),
                kind=payload["notice"],
                recipient=user.email,
                user_id=user.id,
                link=link[:500],
                locale=locale,
                subject=mail.subject[:500],
                body_text=mail.text,
                body_html=mail.html,
                headers=unsubscribe_headers(settings, user.id),
                status=STATUS_FOR[preference],
                created_at=now,
                next_attempt_at=now,
            )
        )
    payload["done"] = start + len(chunk)
    job.payload = payload
    return payload["done"] >= len(user_ids)


def recent_for(db: Session, user: User, limit: int = 50) -> list[OutboxMessage]:
    """The user's latest notifications (the in-app list)."""
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.user_id == user.id)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )
