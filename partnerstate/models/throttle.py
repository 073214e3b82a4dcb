"""Failed logins, kept in the database so every app process sees the same counts.

``address`` is an IPv4 address or an IPv6 /64 network (services/throttle.py);
``device`` the nonce of the device cookie the browser sent, if any.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from partnerstate.database import Base, UTCDateTime, utcnow


class LoginFailure(Base):
    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_address_at", "email", "address", "created_at"),
        Index("ix_login_failures_address_at", "address", "created_at"),
        Index("ix_login_failures_device_at", "device", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    device: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
