"""Stored votes: the vote, its options, its frozen electorate and its anonymous ballots.

Secrecy is built into the tables (docs/ballot-secrecy.md explains it in full):

* ``ballots`` holds no voter reference, ever, and no time: its key is the random
  receipt, so neither an id sequence nor a timestamp can be matched with who voted when.
* ``vote_electors`` is the electorate frozen at the opening, one row per person, and
  records *that* (and when; after the close only the day) someone voted — never which
  ballot is theirs.
* ``ballot_keys`` is the only bridge, and only while the vote is open: it maps
  HMAC(``votes.secret``, voter) to the voter's receipt so the server can replace the
  ballot. The close deletes every row of it and sets the secret to NULL, in the
  transaction that publishes the result: from then on nothing in the database links a
  ballot to a person. The close also rewrites the ballots and the electors, so that
  their physical order no longer follows the order of casting (storage.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnerstate.database import Base, UTCDateTime, utcnow
from partnerstate.localized import pick

# Vote kinds, statuses, ballot sources.
PARTNERSHIP = "partnership"
ELECTION = "election"
OPEN = "open"
CLOSED = "closed"
ONLINE = "online"
PAPER = "paper"


class Vote(Base):
    """A ranked vote of one assembly: on a partnership, or an election of delegates."""

    __tablename__ = "votes"
    __table_args__ = (Index("ix_votes_status_closes_at", "status", "closes_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    assembly_id: Mapped[int] = mapped_column(
        ForeignKey("assemblies.id", ondelete="RESTRICT"), index=True
    )
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The language the labels were written in: the fallback, and the BLT export's names.
    locale: Mapped[str] = mapped_column(String(10), default="en")
    method: Mapped[str] = mapped_column(String(20))
    seats: Mapped[int] = mapped_column(Integer, default=1)
    # Share of the electorate (0-100) whose ballots make the vote valid; None: no quorum.
    quorum_percent: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Ballots are refused from this time on; a facilitator then closes and counts.
    closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Published at the opening, so nobody can pick the order after seeing the ballots.
    tie_break_seed: Mapped[str] = mapped_column(String(64))
    # Option ids, most favoured first, drawn from the seed (deliberation.tally.draw_tie_break).
    tie_break: Mapped[list[int]] = mapped_column(JSON, default=list)
    electorate_size: Mapped[int] = mapped_column(Integer, default=0)
    # The published result; written once, at the close, never changed afterwards.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Hex key of the voter keys; destroyed (NULL) at the close.
    secret: Mapped[str | None] = mapped_column(String(64))

    options: Mapped[list[VoteOption]] = relationship(
        back_populates="vote", order_by="VoteOption.position", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def is_election(self) -> bool:
        return self.kind == ELECTION

    def display_title(self, locale: str) -> str:
        return pick(self.title, locale, self.locale)

    def __repr__(self) -> str:
        return f"<Vote {self.id} {self.kind} {self.method} {self.status}>"


class VoteOption(Base):
    """One option on the ballot, frozen at the opening: the proposal, an alternative,
    the status quo, or a candidate of an election."""

    __tablename__ = "vote_options"
    __table_args__ = (UniqueConstraint("vote_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the (vote_id, position) unique index.
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"))
    # The order options are shown, listed by the API and numbered in the BLT export.
    position: Mapped[int] = mapped_column(Integer)
    # "proposal", "alternative:7", "status_quo" or "candidate".
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status_quo: Mapped[bool] = mapped_column(Boolean, default=False)
    # The alternative it stands for (deliberation's table; kept as a plain id so the
    # vote's record survives whatever happens to the debate).
    alternative_id: Mapped[int | None] = mapped_column(Integer)
    # The text the option stood for when voting opened (what a charter would print).
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    vote: Mapped[Vote] = relationship(back_populates="options")

    def display_label(self, locale: str) -> str:
        return pick(self.label, locale, self.vote.locale if self.vote else "en")


class VoteElector(Base):
    """A member of a vote's electorate, frozen at the opening, and whether they voted.

    The rows are all written at the opening and only updated afterwards; the close
    writes them again in user order with ``voted_at`` cut to the day, so that neither
    their order nor their times say who voted when. There is deliberately no
    reference to a ballot here.
    """

    __tablename__ = "vote_electors"

    vote_id: Mapped[int] = mapped_column(
        ForeignKey("votes.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # When they last cast or changed their ballot (after the close: midnight UTC of that
    # day); None if they have not voted.
    voted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Ballot(Base):
    """An anonymous ballot: a ranking and a receipt, nothing about the voter.

    ``ranking`` is the canonical JSON text of option ids (groups of equal rank, most
    preferred first, ids sorted inside a group, no spaces), so identical rankings
    are identical strings and the close groups them with ``GROUP BY ranking``.
    ``weight`` is 1 online; a paper BLT line ``40 1 2 0`` is one row of weight 40.
    """

    __tablename__ = "ballots"
    __table_args__ = (
        # The vote first: PostgreSQL partitions the table by vote (migration 0009), and a
        # partitioned table's key must hold the partition column.
        PrimaryKeyConstraint("vote_id", "receipt"),
        # The close's GROUP BY reads only this index (it covers the grouping and the
        # sums). It holds the ballots of open votes only: the close rewrites the ballots
        # and builds their indexes again, and sorting a million entries of the vote it
        # closes took most of the close on SQLite (migration 0018).
        Index(
            "ix_ballots_uncounted_ranking",
            "vote_id",
            "ranking",
            "source",
            "weight",
            # Never read, but without it SQLite looks up every row to check the condition.
            "counted",
            sqlite_where=text("counted = 0"),
            postgresql_where=text("NOT counted"),
        ),
        # SQLite: rows stored in key order, with no hidden insertion-order rowid. The
        # close still rewrites them, since the bytes inside pages keep the order of
        # writing (deliberation/votes/storage.py). PostgreSQL: one partition per vote.
        {"sqlite_with_rowid": False, "info": {"partitions": True}},
    )

    # Random (deliberation.votes.ballots.new_receipt): the only handle on a ballot.
    receipt: Mapped[str] = mapped_column(String(24))
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"))
    ranking: Mapped[str] = mapped_column(Text)
    weight: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(10), default=ONLINE)
    # Set for every ballot of the vote when it closes (the same for all: it tells
    # nothing about a voter); keeps the closed vote's ballots out of the index.
    counted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class BallotKey(Base):
    """While a vote is open: which receipt is the ballot of the voter with this key.

    ``voter_key`` is HMAC(``votes.secret``, voter), useless without the secret. Every
    row of a vote is destroyed at its close: on PostgreSQL the table is partitioned by
    vote and the vote's partition is dropped; SQLite deletes the rows of its narrow
    table (see deliberation/votes/keys.py).
    """

    __tablename__ = "ballot_keys"
    __table_args__ = ({"sqlite_with_rowid": False, "info": {"partitions": True}},)

    # No foreign key: with SQLite's per-row checks, deleting a million keys at the
    # close took four times as long (1.3 s instead of 0.35 s). Rows exist only while
    # their vote is open, and only the services write or delete them.
    vote_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    voter_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # No foreign key or index: the table stays narrow, written once per first ballot.
    receipt: Mapped[str] = mapped_column(String(24))
