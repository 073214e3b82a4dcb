"""Tables of the assemblies of the commons.

An assembly has members (with a role each), join requests, verified residents,
a hashed census, single-use invitation codes and meetings (agenda items and
attendance). Users are referenced by ``ForeignKey("users.id")`` only: accounts
belong to the core. Translatable texts (an assembly's name and description, a
meeting's title) are JSON objects keyed by language (``partnerstate.localized``).

No personal data from the census is ever stored: only an HMAC of the normalised
identifier and postcode (or date of birth), keyed with the assembly's own salt.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnerstate.database import Base, UTCDateTime, utcnow
from partnerstate.localized import pick

if TYPE_CHECKING:
    from partnerstate.models.accounts import User


class Assembly(Base):
    """An assembly of the commons of one city: the body that deliberates and votes."""

    __tablename__ = "assemblies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    city: Mapped[str] = mapped_column(String(120), default="")
    default_locale: Mapped[str] = mapped_column(String(10), default="en")
    description: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    # Rules. The quorum is the share (0-100) of the electorate whose ballots make a
    # vote valid, used when a vote does not set its own; None: no quorum.
    quorum_percent: Mapped[float | None] = mapped_column(Float)
    join_policy: Mapped[str] = mapped_column(String(20), default="open")
    requires_verification: Mapped[bool] = mapped_column(Boolean, default=False)

    # Resident verification: what the census pairs with the identifier
    # ("postcode" or "date_of_birth", None before the first import), and the
    # HMAC key of this assembly's census digests (random, never shown).
    census_key: Mapped[str | None] = mapped_column(String(20))
    census_salt: Mapped[str] = mapped_column(String(64))

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="assembly", cascade="all, delete-orphan", passive_deletes=True
    )
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="assembly",
        order_by="Meeting.starts_at",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def display_name(self, locale: str) -> str:
        return pick(self.name, locale, self.default_locale)

    def __repr__(self) -> str:
        return f"<Assembly {self.id} {pick(self.name, 'en')!r}>"


class Membership(Base):
    """A person's role in one assembly: facilitator, member or observer."""

    __tablename__ = "assembly_memberships"
    __table_args__ = (UniqueConstraint("assembly_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    assembly: Mapped[Assembly] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship("User", foreign_keys=[user_id])


class JoinRequest(Base):
    """Someone asks to join; a facilitator or an official approves or refuses (with a reason)."""

    __tablename__ = "assembly_join_requests"
    __table_args__ = (
        Index("ix_assembly_join_requests_assembly_status", "assembly_id", "status"),
        Index("ix_assembly_join_requests_user_assembly", "user_id", "assembly_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text, default="")
    # pending, approved, refused, withdrawn
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)

    assembly: Mapped[Assembly] = relationship()
    user: Mapped[User] = relationship("User", foreign_keys=[user_id])


class ResidentVerification(Base):
    """A person proved to be a resident, for one assembly (census, code or an official)."""

    __tablename__ = "assembly_residents"
    __table_args__ = (UniqueConstraint("assembly_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # census, code, official
    method: Mapped[str] = mapped_column(String(20))
    verified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CensusEntry(Base):
    """One resident of the census, as an HMAC digest only; usable by one account."""

    __tablename__ = "assembly_census_entries"
    __table_args__ = (UniqueConstraint("assembly_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class VerificationFailure(Base):
    """A wrong census entry or invitation code: counted to throttle guessing."""

    __tablename__ = "assembly_verification_failures"
    __table_args__ = (
        Index("ix_assembly_verification_failures_lookup", "assembly_id", "user_id", "created_at"),
        Index("ix_assembly_verification_failures_address", "assembly_id", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Where the attempt came from (None before migration 0008, or outside a request).
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invitation(Base):
    """A single-use invitation code: admits its holder as a verified resident.

    Only the code's SHA-256 digest is kept; the code is shown once, when issued.
    """

    __tablename__ = "assembly_invitations"
    __table_args__ = (Index("ix_assembly_invitations_assembly_id", "assembly_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The code's last characters, so that an official can tell printed codes apart.
    hint: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(20), default="member")
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    used_by: Mapped[User | None] = relationship("User", foreign_keys=[used_by_id])


class EmailInvitation(Base):
    """An invitation mailed to an address: its link makes the person a member (with
    ``role``) once they are signed in, whatever account they sign in with. Single-use;
    only the token's SHA-256 digest is kept."""

    __tablename__ = "assembly_email_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(
        ForeignKey("assemblies.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20), default="member")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Meeting(Base):
    """A meeting of the assembly: when, where, its agenda, then minutes and attendance."""

    __tablename__ = "assembly_meetings"
    __table_args__ = (Index("ix_assembly_meetings_assembly_starts", "assembly_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"))
    title: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_recorded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    minutes_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # iCalendar SEQUENCE: raised on every change so calendar applications update.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    assembly: Mapped[Assembly] = relationship(back_populates="meetings")
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True
    )

    def display_title(self, locale: str) -> str:
        return pick(self.title, locale, self.assembly.default_locale if self.assembly else "en")


class AgendaItem(Base):
    __tablename__ = "assembly_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("assembly_meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")


class Attendance(Base):
    """A person's registration for a meeting, and whether they attended (per the minutes)."""

    __tablename__ = "assembly_meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("assembly_meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    registered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # None until the minutes are recorded.
    attended: Mapped[bool | None] = mapped_column(Boolean)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    user: Mapped[User] = relationship("User")


__all__ = [
    "AgendaItem",
    "Assembly",
    "Attendance",
    "CensusEntry",
    "Invitation",
    "JoinRequest",
    "Meeting",
    "Membership",
    "ResidentVerification",
    "VerificationFailure",
]
