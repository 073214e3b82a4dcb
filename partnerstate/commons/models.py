"""The commons register's tables: the record, its revisions and its yearly balances.

Translatable texts (name, summary, description, …) are JSON objects keyed by
language (``{"en": …, "fr": …}``, see ``partnerstate.localized``). Two derived
columns keep the register fast with thousands of records: ``search_text`` (every
name, alias, summary and description in every language, lower-cased and without
accents, searched with LIKE) and ``sort_name`` (a language-neutral order); the
name's collation key in each language is in ``commons_sort_keys``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, attribute_keyed_dict, mapped_column, relationship

from partnerstate.database import Base, UTCDateTime, utcnow
from partnerstate.localized import pick

if TYPE_CHECKING:
    from partnerstate.models.accounts import User


class Commons(Base):
    """One commons: a shared resource, the community caring for it and its rules."""

    __tablename__ = "commons"
    __table_args__ = (
        # The register lists one status at a time, in one of four orders.
        Index("ix_commons_status_sort_name", "status", "sort_name"),
        Index("ix_commons_status_created_at", "status", "created_at"),
        Index("ix_commons_status_updated_at", "status", "updated_at"),
        Index("ix_commons_status_ostrom_score", "status", "ostrom_score"),
        # The map's version (count and latest change of the records with coordinates),
        # read from this index alone on every repeat visit (migration 0019).
        Index(
            "ix_commons_mappable_status_updated_at",
            "status",
            "updated_at",
            sqlite_where=text("latitude IS NOT NULL AND longitude IS NOT NULL"),
            postgresql_where=text("latitude IS NOT NULL AND longitude IS NOT NULL"),
        ),
        # The district filter, and its list of choices read from the index alone.
        Index("ix_commons_district_status", "district", "status"),
        # Full-text search is ``search_text LIKE '%word%'``. PostgreSQL answers it
        # from a trigram index; SQLite scans (about 10 ms for 10,000 records), so
        # there the index is an empty partial one that exists only to keep both
        # engines' schemas identical for Alembic (see migration 0002).
        Index(
            "ix_commons_search_text",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            sqlite_where=text("0"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)

    # Identity
    name: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    description: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    established_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Status and the official decision on it
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    proposer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    # Category: domain (the API's "category"), nature, intervention type
    category: Mapped[str] = mapped_column(String(40), index=True)
    nature: Mapped[str] = mapped_column(String(20), index=True)
    intervention: Mapped[str | None] = mapped_column(String(30))

    # Location
    address: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    district: Mapped[str] = mapped_column(String(120), default="")
    boundary: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    area: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # a GeoJSON Polygon

    # Ownership
    ownership: Mapped[str | None] = mapped_column(String(20))
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    owner_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_consent_on: Mapped[dt.date | None] = mapped_column(Date)

    # Community
    stewards: Mapped[str] = mapped_column(String(200), default="")
    legal_form: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    active_members: Mapped[int | None] = mapped_column(Integer)

    # Governance and access
    decision_rule: Mapped[str | None] = mapped_column(String(20))
    governance: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    rules_url: Mapped[str] = mapped_column(String(500), default="")
    access_policy: Mapped[str | None] = mapped_column(String(20))
    fees_policy: Mapped[str | None] = mapped_column(String(30))
    fees_details: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    inclusion_measures: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    # Licences of what the commons produces, and of its data
    output_licence: Mapped[str | None] = mapped_column(String(30))
    data_licence: Mapped[str | None] = mapped_column(String(30))

    # Ostrom self-assessment: {principle: {"score": 0-3, "evidence": {locale: text}}}
    ostrom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ostrom_score: Mapped[int | None] = mapped_column(Integer)

    # Derived, for search and ordering (see services.refresh_derived)
    search_text: Mapped[str] = mapped_column(Text, default="")
    sort_name: Mapped[str] = mapped_column(String(200), default="")

    proposer: Mapped[User | None] = relationship("User", foreign_keys=[proposer_id])
    decided_by: Mapped[User | None] = relationship("User", foreign_keys=[decided_by_id])
    revisions: Mapped[list[CommonsRevision]] = relationship(
        back_populates="commons",
        order_by="CommonsRevision.id",
        cascade="all, delete-orphan",
    )
    balances: Mapped[list[CommonsBalance]] = relationship(
        back_populates="commons",
        order_by="CommonsBalance.year.desc()",
        cascade="all, delete-orphan",
    )
    sort_keys: Mapped[dict[str, CommonsSortKey]] = relationship(
        collection_class=attribute_keyed_dict("locale"),
        cascade="all, delete-orphan",
    )

    def display_name(self, locale: str) -> str:
        return pick(self.name, locale)

    def __repr__(self) -> str:
        return f"<Commons {self.id} {self.status} {self.sort_name!r}>"


class CommonsSortKey(Base):
    """The collation key of a commons' name as shown in one language (see ``collation``).

    Ordering the register by name is ``ORDER BY sort_key`` for the reader's language,
    read from the index; the key is rewritten whenever the name changes.
    """

    __tablename__ = "commons_sort_keys"
    # Covering (the commons id is in it), so the name order is read from the index alone.
    __table_args__ = (
        Index("ix_commons_sort_keys_locale_sort_key", "locale", "sort_key", "commons_id"),
    )

    commons_id: Mapped[int] = mapped_column(
        ForeignKey("commons.id", ondelete="CASCADE"), primary_key=True
    )
    locale: Mapped[str] = mapped_column(String(10), primary_key=True)
    sort_key: Mapped[bytes] = mapped_column(LargeBinary(400))


class CommonsRevision(Base):
    """One step in a record's history: who changed which fields, from what to what."""

    __tablename__ = "commons_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    commons_id: Mapped[int] = mapped_column(
        ForeignKey("commons.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # created, edited, validated, rejected, archived, balance
    action: Mapped[str] = mapped_column(String(30))
    # {field: {"old": value, "new": value}} for edits; empty for decisions.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)

    commons: Mapped[Commons] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship("User")


class CommonsBalance(Base):
    """A yearly community balance: four dimensions scored 0-100, with a comment."""

    __tablename__ = "commons_balances"
    __table_args__ = (UniqueConstraint("commons_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commons_id: Mapped[int] = mapped_column(ForeignKey("commons.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    rootedness: Mapped[int] = mapped_column(Integer)
    social_return: Mapped[int] = mapped_column(Integer)
    internal_democracy: Mapped[int] = mapped_column(Integer)
    care: Mapped[int] = mapped_column(Integer)
    notes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    commons: Mapped[Commons] = relationship(back_populates="balances")
