"""The partnership between the city and a commons, and every version of its text.

Translatable texts are JSON objects keyed by language (``partnerstate.localized``).
Commitments are ordered JSON lists, because they are numbered clauses of one text
and are versioned with it:

    city_commitments    [{"kind": "space", "description": {"en": …}, "quantity": "120 m²"}]
    commons_commitments [{"description": {"en": …}}]

The assembly is referenced by id only: assemblies are a feature package, and the
core's models never import it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnerstate.commons.models import Commons
from partnerstate.database import Base, UTCDateTime, utcnow
from partnerstate.localized import pick

if TYPE_CHECKING:
    from partnerstate.models.accounts import User

# The fields a version records: everything the assembly deliberates on.
CONTENT_FIELDS = (
    "title",
    "kind",
    "purpose",
    "objectives",
    "city_commitments",
    "commons_commitments",
    "access_rules",
    "governance",
    "resources",
    "output_licence",
    "duration_months",
    "evaluation",
    "dispute_resolution",
)


class Partnership(Base):
    """A public–commons partnership (collaboration pact), from draft to closure."""

    __tablename__ = "partnerships"
    __table_args__ = (Index("ix_partnerships_status_updated_at", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(
        ForeignKey("assemblies.id", ondelete="RESTRICT"), index=True
    )
    commons_id: Mapped[int] = mapped_column(
        ForeignKey("commons.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # The language the city wrote it in; the fallback when a translation is missing.
    locale: Mapped[str] = mapped_column(String(10), default="en")

    # The text (see CONTENT_FIELDS)
    title: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    kind: Mapped[str] = mapped_column(String(20), default="ordinary")
    purpose: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    objectives: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    city_commitments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    commons_commitments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    access_rules: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    governance: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    resources: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    output_licence: Mapped[str | None] = mapped_column(String(30))
    duration_months: Mapped[int | None] = mapped_column(Integer)
    evaluation: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    dispute_resolution: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)

    # Phases and their dates
    deliberation_opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deliberation_ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    voting_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    activated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closing_reason: Mapped[str | None] = mapped_column(Text)

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    commons: Mapped[Commons] = relationship(Commons)
    created_by: Mapped[User | None] = relationship("User")
    versions: Mapped[list[PartnershipVersion]] = relationship(
        back_populates="partnership",
        order_by="PartnershipVersion.number",
        cascade="all, delete-orphan",
    )

    def display_title(self, locale: str) -> str:
        return pick(self.title, locale, self.locale)

    def content(self) -> dict[str, Any]:
        """The text as a plain dict (what a version stores)."""
        return {name: _copy(getattr(self, name)) for name in CONTENT_FIELDS}

    def __repr__(self) -> str:
        return f"<Partnership {self.id} {self.status} v{self.version}>"


class PartnershipVersion(Base):
    """The whole text as it stood at one version; version 1 is the first draft."""

    __tablename__ = "partnership_versions"
    __table_args__ = (UniqueConstraint("partnership_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What changed, in the editor's words (optional).
    note: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    partnership: Mapped[Partnership] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship("User")


def _copy(value: Any) -> Any:
    # JSON values are copied so that a version never aliases the live row's lists.
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
