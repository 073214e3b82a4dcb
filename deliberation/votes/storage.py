"""Where a vote's ballots are stored, and how the close wipes the order of casting.

The ``ballots`` table holds no voter and no time, but storage keeps the order of
writing: PostgreSQL appends each new row (and each replaced one) to the heap, so
``ORDER BY ctid`` lists ballots in the order they were cast; SQLite fills each page
from its end, so the byte offsets of the rows in the file do too. Lined up with the
electors' ``voted_at`` that named most voters. So the close, in its transaction:

* rewrites the vote's ballots in receipt order (random, and already public) into
  fresh storage — on PostgreSQL a new partition swapped for the vote's old one,
  which is dropped with its dead tuples; on SQLite a new table, or for a small vote
  its rows deleted (``secure_delete`` zeroes them) and written again, marked
  ``counted`` so that the ranking index drops them (it serves open votes); a checkpoint
  after the commit then empties the write-ahead log (deliberation/votes/keys.py);
* cuts each elector's ``voted_at`` to the day (UTC): whether they voted stays, the
  time goes.

All of it is in the close's transaction: a crash leaves the vote open, untouched.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from deliberation.votes.models import VoteElector

# A partition per vote (vote ids are integers, so the names need no quoting).
PARTITION = "ballots_v{vote_id}"
FRESH = "ballots_fresh_v{vote_id}"
# SQLite: the new ballots table while it is being filled.
REBUILT = "ballots_rebuilt"
COLUMNS = "receipt, vote_id, ranking, weight, source"
# The same, the closed vote's ballots marked as counted (out of the ranking index).
COUNTED = f"{COLUMNS}, counted"
# PostgreSQL: memory for sorting a vote's ballots by receipt in the close (a million
# ballots need about 120 MB; more spills to disk, which is slower but works).
SORT_MEMORY = "128MB"
# Each elector's time cut to midnight (UTC) of its day.
_CUT_TO_THE_DAY = {
    dialect: f"UPDATE vote_electors SET voted_at = {day}"  # noqa: S608 (constants)
    " WHERE vote_id = :v AND voted_at IS NOT NULL"
    for dialect, day in (
        ("postgresql", "date_trunc('day', voted_at, 'UTC')"),
        # SQLAlchemy stores "YYYY-MM-DD HH:MM:SS.ffffff" on SQLite.
        ("sqlite", "substr(voted_at, 1, 10) || ' 00:00:00.000000'"),
    )
}


def _postgresql(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def prepare(db: Session, vote_id: int) -> None:
    """Give a new vote its own partition of the ballots (PostgreSQL)."""
    create_vote_partition(db, "ballots", PARTITION, vote_id)


def create_vote_partition(db: Session, parent: str, name_format: str, vote_id: int) -> None:
    """On PostgreSQL, the partition of ``parent`` that holds one vote's rows (named by
    ``name_format``; vote ids are integers, so the name needs no quoting)."""
    if _postgresql(db):
        name = name_format.format(vote_id=int(vote_id))
        db.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {parent} "
                f"FOR VALUES IN ({int(vote_id)})"
            )
        )


def wipe_order(db: Session, vote_id: int) -> None:
    """At the close: ballots rewritten in receipt order, ``voted_at`` cut to the day."""
    if _postgresql(db):
        _rewrite_partition(db, int(vote_id))
    else:
        _rewrite_rows(db, int(vote_id))
    _cut_to_the_day(db, int(vote_id))


def _rewrite_partition(db: Session, vote_id: int) -> None:
    """Copy the vote's ballots in receipt order into a new table, drop the old
    partition (its file, dead tuples included, goes with it) and attach the new one.

    The key's index is built by the attach, from sorted input, after the copy. The
    ``CHECK`` spares the attach a scan to prove the rows belong to the partition.
    The sort by receipt gets the memory it needs for the copy only: with the default
    ``work_mem`` (4 MB) 200,000 ballots went to a disk sort, and the copy took 1.2 s
    instead of 0.75 s.
    """
    name = PARTITION.format(vote_id=vote_id)
    fresh = FRESH.format(vote_id=vote_id)
    own = db.scalar(text("SELECT to_regclass(:name)"), {"name": name}) is not None
    db.execute(
        text(f"CREATE TABLE {fresh} (LIKE ballots INCLUDING DEFAULTS, CHECK (vote_id = {vote_id}))")
    )
    source = name if own else "ballots_default"
    copy = f"INSERT INTO {fresh} ({COUNTED}) SELECT {COLUMNS}, true FROM {source}"  # noqa: S608
    before = db.scalar(text("SELECT current_setting('work_mem')"))
    db.execute(text("SELECT set_config('work_mem', :mem, true)"), {"mem": SORT_MEMORY})
    db.execute(text(f"{copy} WHERE vote_id = {vote_id} ORDER BY receipt"))
    db.execute(text("SELECT set_config('work_mem', :mem, true)"), {"mem": before})
    if own:
        db.execute(text(f"DROP TABLE {name}"))
    else:
        # Ballots in the default partition (none should be: every vote gets its own when
        # it opens, and migration 0009 gave one to each vote) leave dead tuples there.
        db.execute(text("DELETE FROM ballots_default WHERE vote_id = :v"), {"v": vote_id})
    db.execute(text(f"ALTER TABLE {fresh} RENAME TO {name}"))
    db.execute(text(f"ALTER TABLE ballots ATTACH PARTITION {name} FOR VALUES IN ({vote_id})"))


def _rewrite_rows(db: Session, vote_id: int) -> None:
    """SQLite: the vote's ballots written again in receipt order, with their index entries.

    Deleting and inserting rows one by one keeps the key up to date entry by entry,
    in random order: 4.3 µs of CPU a ballot. Copying the whole table in key order
    into a new one and building its index by sorting cost 1.5 µs a ballot of *every*
    vote. So a vote that holds a third of the ballots or more gets the new table;
    a smaller one has its rows rewritten. (Measured when the ranking index took every
    ballot; both ways now leave the closed vote's ballots out of it.)
    """
    params = {"vote_id": vote_id}
    mine = db.scalar(text("SELECT count(*) FROM ballots WHERE vote_id = :vote_id"), params)
    total = db.scalar(text("SELECT count(*) FROM ballots"))
    if mine and 3 * mine >= total:
        _rebuild_table(db, vote_id)
        return
    # Through a temporary table, already in receipt order: whatever of it reaches a
    # temporary file says nothing about the order of casting.
    db.execute(text("DROP TABLE IF EXISTS temp.closing_ballots"))
    db.execute(
        text(
            f"CREATE TEMP TABLE closing_ballots AS SELECT {COLUMNS}"  # noqa: S608 (constants)
            " FROM ballots WHERE vote_id = :vote_id ORDER BY receipt"
        ),
        params,
    )
    db.execute(text("DELETE FROM ballots WHERE vote_id = :vote_id"), params)
    db.execute(
        text(
            f"INSERT INTO ballots ({COUNTED})"  # noqa: S608 (constants)
            f" SELECT {COLUMNS}, 1 FROM temp.closing_ballots ORDER BY rowid"
        )
    )
    db.execute(text("DROP TABLE temp.closing_ballots"))


def _rebuild_table(db: Session, vote_id: int) -> None:
    """SQLite: ``ballots`` copied in key order into a new table made from its own
    definition, the closed vote's ballots marked as counted, the old table dropped
    (``secure_delete`` zeroes its pages), its indexes built again on the new one by
    sorting. The ranking index holds only uncounted ballots (those of open votes), so
    the closed vote's are not sorted again: that took 3–4 s of a million-ballot close."""
    connection = db.connection()
    schema = "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'ballots' AND sql IS NOT NULL"
    definitions = connection.exec_driver_sql(f"{schema} AND type = 'table'").one()[1]
    indexes = connection.exec_driver_sql(f"{schema} AND type = 'index'").all()
    fresh = re.sub(r'^CREATE TABLE\s+"?ballots"?', f"CREATE TABLE {REBUILT}", definitions)
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {REBUILT}")
    connection.exec_driver_sql(fresh)
    connection.exec_driver_sql(
        f"INSERT INTO {REBUILT} ({COUNTED}) SELECT {COLUMNS},"  # noqa: S608 (constants)
        f" CASE WHEN vote_id = {vote_id} THEN 1 ELSE counted END FROM ballots"
        " ORDER BY vote_id, receipt"
    )
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    connection.exec_driver_sql("DROP TABLE ballots")
    connection.exec_driver_sql(f"ALTER TABLE {REBUILT} RENAME TO ballots")
    for _name, sql in indexes:
        connection.exec_driver_sql(sql)


def _cut_to_the_day(db: Session, vote_id: int) -> None:
    """Each elector's ``voted_at`` becomes midnight (UTC) of its day.

    An update, not a rewrite of the rows: for 100,000 electors it took 0.4 s where
    deleting and writing them again took 2.7 s. On SQLite the new text has the length
    of the old, so each value is overwritten where it stood.
    """
    db.execute(text(_CUT_TO_THE_DAY["postgresql" if _postgresql(db) else "sqlite"]), {"v": vote_id})
    # Rows the session holds still show the exact time: reload them when read.
    for loaded in list(db.identity_map.values()):
        if isinstance(loaded, VoteElector) and loaded.vote_id == vote_id:
            db.expire(loaded, ["voted_at"])
