"""The debate on a partnership: arguments and replies, alternatives, flags, notification marks.

Nothing is ever deleted: an author's deletion blanks the text and leaves a
"deleted" mark in the thread, a facilitator's hiding keeps the text for the
record but shows the reason instead, and a declined alternative shows why.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnerstate.database import Base, UTCDateTime, utcnow
from partnerstate.localized import pick
from partnerstate.partnerships.models import Partnership

if TYPE_CHECKING:
    from partnerstate.models.accounts import User


class Argument(Base):
    """A post in a partnership's deliberation: an argument, or a reply to one."""

    __tablename__ = "arguments"
    __table_args__ = (
        Index("ix_arguments_partnership_id_created_at", "partnership_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    # Replies point at the post they answer; top-level arguments have none.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("arguments.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    stance: Mapped[str] = mapped_column(String(10))  # for, against, neutral
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, rendered sanitized
    # The language it was written in (for the page's lang attribute).
    locale: Mapped[str] = mapped_column(String(10), default="en")
    # The version of the partnership's text it was written about.
    partnership_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    partnership: Mapped[Partnership] = relationship(Partnership)
    author: Mapped[User | None] = relationship("User", foreign_keys=[author_id])
    parent: Mapped[Argument | None] = relationship(remote_side=[id])
    flags: Mapped[list[ArgumentFlag]] = relationship(
        back_populates="argument", cascade="all, delete-orphan", order_by="ArgumentFlag.id"
    )

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def visible(self) -> bool:
        return not self.deleted and not self.hidden

    def __repr__(self) -> str:
        return f"<Argument {self.id} {self.stance} on {self.partnership_id}>"


class ArgumentFlag(Base):
    """Someone's report that a post breaks the rules, for a facilitator to look at."""

    __tablename__ = "argument_flags"
    __table_args__ = (UniqueConstraint("argument_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    argument_id: Mapped[int] = mapped_column(
        ForeignKey("arguments.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))  # see services.moderation.FLAG_REASONS
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a facilitator hid the post or dismissed the flag.
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    argument: Mapped[Argument] = relationship(back_populates="flags")
    user: Mapped[User | None] = relationship("User")


class Alternative(Base):
    """A competing version of a partnership: a title, a summary and the fields it changes.

    It becomes an option on the ballot unless a facilitator declines it, with a
    reason, before voting opens.
    """

    __tablename__ = "alternatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The partnership's fields this version changes, as column values
    # (e.g. {"duration_months": 24, "city_commitments": [...]}).
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    # The version of the partnership's text it was proposed against.
    partnership_version: Mapped[int] = mapped_column(Integer, default=1)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="proposed")  # proposed, declined
    decline_reason: Mapped[str | None] = mapped_column(String(20))
    decline_note: Mapped[str | None] = mapped_column(Text)
    declined_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    declined_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    partnership: Mapped[Partnership] = relationship(Partnership)
    author: Mapped[User | None] = relationship("User", foreign_keys=[author_id])

    @property
    def declined(self) -> bool:
        return self.status == "declined"

    def display_title(self, locale: str) -> str:
        return pick(self.title, locale, self.locale)

    def __repr__(self) -> str:
        return f"<Alternative {self.id} {self.status} on {self.partnership_id}>"


class NotificationMark(Base):
    """When a person last looked at their notifications: what came after is new."""

    __tablename__ = "notification_marks"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
