"""Arguments and replies on a partnership: post, edit within a short window, delete.

Only people taking part in the partnership's assembly (members, facilitators,
observers) may post, and only while the deliberation is open: in the
``deliberation`` state and before its deadline. Bodies are Markdown, stored as
written and rendered through ``partnerstate.markup.render_markdown`` (sanitized).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from deliberation.debate_models import Argument
from partnerstate.choices import one_of
from partnerstate.database import utcnow
from partnerstate.i18n import _
from partnerstate.ids import is_id
from partnerstate.mail import notices
from partnerstate.models import User
from partnerstate.partnerships import membership
from partnerstate.partnerships import services as partnerships
from partnerstate.partnerships import vocabulary as vocab
from partnerstate.partnerships.errors import Conflict, Forbidden, Invalid
from partnerstate.partnerships.models import Partnership

STANCES = ("for", "against", "neutral")
STANCE_LABELS = {
    "for": _("For"),
    "against": _("Against"),
    "neutral": _("Neutral, or a question"),
}
MAX_BODY = 10_000
# An author may correct a post this long after writing it; later, only delete it.
EDIT_WINDOW = dt.timedelta(minutes=15)
# Replies nest this deep on the page; deeper replies are shown at this depth.
MAX_DEPTH = 6


def require_participant(db: Session, partnership: Partnership, user: User | None) -> None:
    if user is None or not membership.is_participant(db, partnership.assembly_id, user):
        raise Forbidden(_("Only members of the partnership's assembly may take part."))


def require_open(partnership: Partnership, now: dt.datetime) -> None:
    """409 unless arguments are taken now: in deliberation, before the deadline."""
    if partnership.status != "deliberation":
        raise Conflict(
            _(
                "The deliberation is not open: the partnership is in state “${status}”.",
                mapping={"status": vocab.status_label(partnership.status)},
            ),
            {"status": partnership.status},
        )
    if not partnerships.deliberation_is_open(partnership, now):
        raise Conflict(
            _("The deliberation has ended; the assembly will vote next."),
            {"status": partnership.status},
        )


def clean_body(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise Invalid(_("Write something first."), {"body": _("This field is required.")})
    if len(text) > MAX_BODY:
        message = _("Too long: at most ${max} characters.", mapping={"max": MAX_BODY})
        raise Invalid(message, {"body": message})
    return text


def clean_stance(value: Any) -> str:
    if value not in STANCES:
        message = one_of(STANCE_LABELS.values())
        raise Invalid(message, {"stance": message})
    return str(value)


def get(db: Session, partnership: Partnership, argument_id: int) -> Argument | None:
    argument = db.get(Argument, argument_id)
    if argument is None or argument.partnership_id != partnership.id:
        return None
    return argument


def post(
    db: Session,
    partnership: Partnership,
    author: User,
    body: Any,
    stance: Any,
    parent_id: Any = None,
    locale: str = "en",
    now: dt.datetime | None = None,
) -> Argument:
    """A new argument, or a reply to ``parent_id`` (a post on the same partnership)."""
    now = now or utcnow()
    require_participant(db, partnership, author)
    require_open(partnership, now)
    text = clean_body(body)
    position = clean_stance(stance)
    parent = None
    if parent_id is not None:
        parent = get(db, partnership, parent_id) if is_id(parent_id) else None
        if parent is None:
            message = _("There is no such post in this deliberation.")
            raise Invalid(message, {"parent_id": message})
    argument = Argument(
        partnership_id=partnership.id,
        parent_id=parent.id if parent is not None else None,
        author_id=author.id,
        stance=position,
        body=text,
        locale=locale,
        partnership_version=partnership.version,
        created_at=now,
    )
    db.add(argument)
    db.flush()
    if parent is not None and parent.author_id not in (None, author.id):
        _announce_reply(db, partnership, parent.author_id)
    return argument


def _announce_reply(db: Session, partnership: Partnership, user_id: int) -> None:
    """The author of the post replied to is told (by mail as they chose, and in-app)."""
    notices.announce(
        db,
        kind="argument_reply",
        template="mail/argument_reply.jinja2",
        user_ids=[user_id],
        path=f"/partnerships/{partnership.id}",
        params={"title": dict(partnership.title)},
        assembly_locale=partnership.locale,
    )


def can_edit(argument: Argument, user: User | None, now: dt.datetime | None = None) -> bool:
    """Whether the page offers the edit link (the service checks again)."""
    now = now or utcnow()
    return (
        user is not None
        and argument.author_id == user.id
        and argument.visible
        and now - argument.created_at <= EDIT_WINDOW
        and partnerships.deliberation_is_open(argument.partnership, now)
    )


def edit(
    db: Session,
    argument: Argument,
    user: User,
    body: Any,
    stance: Any = None,
    now: dt.datetime | None = None,
) -> Argument:
    """The author corrects a post within :data:`EDIT_WINDOW` of writing it."""
    now = now or utcnow()
    if argument.author_id != user.id:
        raise Forbidden(_("Only the author may change a post."))
    if not argument.visible:
        raise Conflict(_("This post was deleted or hidden; it cannot be changed."))
    require_open(argument.partnership, now)
    if now - argument.created_at > EDIT_WINDOW:
        minutes = int(EDIT_WINDOW.total_seconds() // 60)
        raise Conflict(
            _(
                "Posts can be changed for ${minutes} minutes after writing them; "
                "you may still delete it.",
                mapping={"minutes": minutes},
            )
        )
    argument.body = clean_body(body)
    if stance is not None:
        argument.stance = clean_stance(stance)
    argument.edited_at = now
    return argument


def delete(db: Session, argument: Argument, user: User, now: dt.datetime | None = None) -> Argument:
    """The author withdraws a post: its text goes, a "deleted" mark stays in the thread."""
    if argument.author_id != user.id:
        raise Forbidden(_("Only the author may delete a post."))
    if argument.deleted:
        raise Conflict(_("This post was already deleted."))
    argument.deleted_at = now or utcnow()
    argument.body = ""
    return argument


def all_for(db: Session, partnership: Partnership) -> Sequence[Argument]:
    """Every post on the partnership, oldest first (deleted and hidden ones included).

    Authors come in one more query, not one per post (each post shows its author).
    """
    return db.scalars(
        select(Argument)
        .where(Argument.partnership_id == partnership.id)
        .options(selectinload(Argument.author))
        .order_by(Argument.created_at, Argument.id)
    ).all()


def page_of(
    db: Session, partnership: Partnership, limit: int, offset: int = 0
) -> tuple[Sequence[Argument], bool]:
    """A page of posts, oldest first, with their authors, and whether more follow."""
    rows = db.scalars(
        select(Argument)
        .where(Argument.partnership_id == partnership.id)
        .options(selectinload(Argument.author))
        .order_by(Argument.created_at, Argument.id)
        .limit(limit + 1)
        .offset(offset)
    ).all()
    return rows[:limit], len(rows) > limit


def stance_counts(db: Session, partnership: Partnership) -> dict[str, int]:
    """Top-level arguments still standing, per stance (as :class:`Debate` counts them)."""
    counts = dict(
        db.execute(
            select(Argument.stance, func.count())
            .where(
                Argument.partnership_id == partnership.id,
                Argument.parent_id.is_(None),
                Argument.deleted_at.is_(None),
                Argument.hidden_at.is_(None),
            )
            .group_by(Argument.stance)
        ).all()
    )
    return {stance: int(counts.get(stance, 0)) for stance in STANCES}


@dataclass
class Node:
    """A post and the replies to it, for rendering a thread."""

    argument: Argument
    depth: int = 0
    replies: list[Node] = field(default_factory=list)

    def count(self) -> int:
        return 1 + sum(reply.count() for reply in self.replies)


@dataclass
class Debate:
    """A partnership's posts arranged for its page: top-level arguments by stance.

    One page of threads (``page`` of ``pages``, oldest first, each with all its
    replies): a deliberation of a thousand posts is read whole only as ids.
    """

    by_stance: dict[str, list[Node]]
    counts: dict[str, int]
    total_posts: int
    page: int = 1
    pages: int = 1

    @property
    def empty(self) -> bool:
        return self.total_posts == 0


THREADS_PER_PAGE = 30


def debate(
    db: Session, partnership: Partnership, page: int = 1, per_page: int = THREADS_PER_PAGE
) -> Debate:
    """The threads of one page, grouped by the top-level argument's stance, with counts.

    Counts are of top-level arguments still standing (not deleted or hidden): they
    say how many arguments each side has, not how loud the replies were. They are
    of the whole deliberation; only the page's threads are loaded whole.
    """
    shape = db.execute(
        select(
            Argument.id,
            Argument.parent_id,
            Argument.stance,
            Argument.deleted_at.is_(None) & Argument.hidden_at.is_(None),
        )
        .where(Argument.partnership_id == partnership.id)
        .order_by(Argument.created_at, Argument.id)
    ).all()
    known = {row.id for row in shape}
    children: dict[int, list[int]] = {}
    roots = []
    for row in shape:
        if row.parent_id is None or row.parent_id not in known:
            roots.append(row)
        else:
            children.setdefault(row.parent_id, []).append(row.id)
    counts = Counter(row.stance for row in roots if row[3])
    pages = max(1, -(-len(roots) // per_page))
    page = min(max(1, page), pages)
    wanted: list[int] = [row.id for row in roots[(page - 1) * per_page : page * per_page]]
    for post_id in wanted:  # grows as it goes: every reply of the page's threads
        wanted.extend(children.get(post_id, ()))
    posts = (
        db.scalars(
            select(Argument)
            .where(Argument.id.in_(wanted))
            .options(selectinload(Argument.author))
            .order_by(Argument.created_at, Argument.id)
        ).all()
        if wanted
        else []
    )
    nodes = {post.id: Node(post) for post in posts}
    page_roots: list[Node] = []
    for post in posts:
        node = nodes[post.id]
        parent = nodes.get(post.parent_id) if post.parent_id is not None else None
        if parent is None:
            page_roots.append(node)
        else:
            node.depth = min(parent.depth + 1, MAX_DEPTH)
            parent.replies.append(node)
    by_stance: dict[str, list[Node]] = {stance: [] for stance in STANCES}
    for root in page_roots:
        by_stance[root.argument.stance].append(root)
    return Debate(
        by_stance=by_stance,
        counts={stance: counts.get(stance, 0) for stance in STANCES},
        total_posts=len(shape),
        page=page,
        pages=pages,
    )
