"""Charters: the frozen text of an adopted partnership, its signatures and signed scans.

A charter's ``content`` and ``sha256`` are written once, when it is issued, and
never change: the verification code printed on the paper identifies that text.
Signatures are recorded beside it. The PDF is rendered when the charter is issued
(``pdf``: blank signature blocks, what is printed and signed in ink) and again each
time a signature is recorded (``signed_pdf``: the same text and code, with the
recorded signatures filled in). Downloads serve the stored bytes, never a fresh
rendering. The byte columns are deferred so that lists never load them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, query_expression, relationship

from partnerstate.database import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from partnerstate.models.accounts import User

AWAITING_SIGNATURES = "awaiting_signatures"
SIGNED = "signed"
#: Issued by mistake and withdrawn before anyone signed: kept in the register, never valid.
WITHDRAWN = "withdrawn"
STATUSES = (AWAITING_SIGNATURES, SIGNED, WITHDRAWN)

CITY = "city"
COMMONS = "commons"
PARTIES = (CITY, COMMONS)


class Charter(Base):
    """The charter of one adopted partnership in one language."""

    __tablename__ = "charters"
    # One current charter per partnership and language; withdrawn ones stay beside it.
    __table_args__ = (
        Index(
            "uq_charters_current_partnership_locale",
            "partnership_id",
            "locale",
            unique=True,
            sqlite_where=text("status != 'withdrawn'"),
            postgresql_where=text("status != 'withdrawn'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique (partnership_id, locale) index of current charters.
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="RESTRICT"))
    # Denormalised from the partnership so that a commons' page lists its charters.
    commons_id: Mapped[int] = mapped_column(
        ForeignKey("commons.id", ondelete="RESTRICT"), index=True
    )
    locale: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(30), default=AWAITING_SIGNATURES, index=True)
    # The site address printed in the QR code, kept so that a re-rendering prints the same.
    base_url: Mapped[str] = mapped_column(String(300))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Accounts that may sign for their own party (besides officials), if named at issue.
    city_signatory_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    commons_signatory_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    # Set by lists only (services.listing): the commons' name read from ``content`` in
    # SQL, so that a page of charters does not load and decode every charter's text.
    listed_commons_name: Mapped[str | None] = query_expression()
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    signed_pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    issued_by: Mapped[User | None] = relationship("User", foreign_keys=[issued_by_id])
    withdrawn_by: Mapped[User | None] = relationship("User", foreign_keys=[withdrawn_by_id])
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="charter", order_by="Signature.signed_at", cascade="all, delete-orphan"
    )
    scans: Mapped[list[SignedScan]] = relationship(
        back_populates="charter", order_by="SignedScan.uploaded_at", cascade="all, delete-orphan"
    )

    def signature_for(self, party: str) -> Signature | None:
        return next((s for s in self.signatures if s.party == party), None)

    def signatory_id(self, party: str) -> int | None:
        return self.city_signatory_id if party == CITY else self.commons_signatory_id

    def __repr__(self) -> str:
        return f"<Charter {self.id} {self.locale} {self.status} {self.sha256[:12]}>"


class Signature(Base):
    """One party's signature: who signed, in which role, where and when."""

    __tablename__ = "charter_signatures"
    # One signature per party: signing a signed party again is a conflict.
    __table_args__ = (UniqueConstraint("charter_id", "party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id", ondelete="CASCADE"))
    party: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The signatory's own account when they signed themselves; None when recorded for them.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    charter: Mapped[Charter] = relationship(back_populates="signatures")
    user: Mapped[User | None] = relationship("User", foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship("User", foreign_keys=[recorded_by_id])


class SignedScan(Base):
    """A scan of the wet-ink signed paper copy, with the digest of the uploaded file."""

    __tablename__ = "charter_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(
        ForeignKey("charters.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))

    charter: Mapped[Charter] = relationship(back_populates="scans")
    uploaded_by: Mapped[User | None] = relationship("User", foreign_keys=[uploaded_by_id])
