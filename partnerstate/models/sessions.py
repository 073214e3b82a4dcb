"""Browser sessions kept on the server, so that signing out really ends them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from partnerstate.database import Base, UTCDateTime, utcnow


class UserSession(Base):
    """One signed-in browser. The cookie holds a random id; only its SHA-256 digest is here.

    Deleting the row ends the session wherever its cookie is replayed from.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Indexed for the purge of expired sessions.
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
