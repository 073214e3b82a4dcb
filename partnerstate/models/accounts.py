"""People who use the platform, and their API tokens."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnerstate.database import Base, UTCDateTime, utcnow
from partnerstate.i18n import _


class GlobalRole(enum.StrEnum):
    """Site-wide roles. Assembly roles (facilitator, observer…) live with assemblies."""

    MEMBER = "member"
    OFFICIAL = "official"


ROLE_LABELS = {GlobalRole.MEMBER.value: _("member"), GlobalRole.OFFICIAL.value: _("official")}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=GlobalRole.MEMBER.value)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When the owner proved the address is theirs (a link by mail); None: not yet, and
    # no notification is mailed there until then.
    email_verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Notification mails: "immediate", "daily" (one digest a day) or "off" (in-app only).
    email_notifications: Mapped[str] = mapped_column(
        String(10), default="immediate", server_default="immediate"
    )

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", order_by="ApiToken.created_at", cascade="all, delete-orphan"
    )

    @property
    def role_label(self) -> object:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_official(self) -> bool:
        return self.role == GlobalRole.OFFICIAL

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


# An assembly's members by name (membership.members): PostgreSQL walks the people in
# name order and stops at the page, instead of joining and sorting every account of
# the city (migration 0019).
Index("ix_users_lower_display_name_id", func.lower(User.display_name), User.id)


class ApiToken(Base):
    """A bearer token. Only its SHA-256 digest is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @property
    def active(self) -> bool:
        return self.revoked_at is None
