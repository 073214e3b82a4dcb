"""When a deliberation's deadline passes, its facilitators are told it is time to vote.

No vote opens by itself: people decide the options and the settings. The worker runs
:func:`notify_passed` every minute. The notice for one deadline is recorded as a done
:class:`~partnerstate.models.Job` under a unique key (the partnership and the deadline)
in the same transaction as the mails, so two workers never both send it, and a
deadline moved later gets a notice of its own when that one passes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from partnerstate.localized import pick
from partnerstate.mail import outbox
from partnerstate.mail.delivery import writing
from partnerstate.mail.render import mail_locale
from partnerstate.models import Job
from partnerstate.models.mail import DONE
from partnerstate.partnerships import membership
from partnerstate.partnerships.models import Partnership
from partnerstate.settings import AppSettings, public_base_url

KIND = "deliberation_deadline"
TEMPLATE = "mail/deliberation_deadline.jinja2"
# Deadlines older than this are not announced (e.g. the first start after an upgrade).
LOOK_BACK = dt.timedelta(days=7)


def notice_key(partnership: Partnership) -> str:
    ends_at = partnership.deliberation_ends_at
    assert ends_at is not None
    return f"{KIND}:{partnership.id}:{ends_at.isoformat()}"


def _announce(
    db: Session, settings: AppSettings, partnership: Partnership, now: dt.datetime
) -> None:
    assembly = membership.get_assembly(db, partnership.assembly_id)
    assembly_locale = membership.assembly_locale(assembly, settings.default_locale)
    facilitators = membership.people_with_role(db, partnership.assembly_id, "facilitator")
    db.add(
        Job(
            kind=KIND,
            key=notice_key(partnership),
            status=DONE,
            payload={"partnership_id": partnership.id, "notified": [f.id for f in facilitators]},
            run_at=now,
            done_at=now,
        )
    )
    db.flush()  # a second worker's notice fails here, on the unique key
    link = f"{public_base_url(settings)}/partnerships/{partnership.id}"
    for person in facilitators:
        locale = mail_locale(person.locale, assembly_locale, default=settings.default_locale)
        outbox.enqueue(
            db, settings, kind=KIND, to=person.email, template=TEMPLATE, locale=locale,
            name=person.display_name,
            title=pick(partnership.title, locale, partnership.locale),
            link=link, user_id=person.id,
        )  # fmt: skip


def notify_passed(
    session_factory: sessionmaker[Session], settings: AppSettings, now: dt.datetime
) -> int:
    """Announce every deliberation deadline that passed (once each); returns how many."""
    announced = 0
    with session_factory() as db:
        writing(db)
        due = db.scalars(
            select(Partnership).where(
                Partnership.status == "deliberation",
                Partnership.deliberation_ends_at <= now,
                Partnership.deliberation_ends_at > now - LOOK_BACK,
            )
        ).all()
        for partnership in due:
            if db.scalar(select(Job.id).where(Job.key == notice_key(partnership))) is not None:
                continue
            try:
                with db.begin_nested():
                    _announce(db, settings, partnership, now)
            except IntegrityError:  # another worker announced it meanwhile
                continue
            announced += 1
        db.commit()
    return announced
