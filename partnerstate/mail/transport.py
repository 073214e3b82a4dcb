"""Where messages go: an SMTP server, or (without one) a folder of .eml files.

A transport raises :class:`TemporaryFailure` when trying again later may work (the
server is unreachable, or answered 4xx) and :class:`PermanentFailure` when it will not
(a 5xx answer, e.g. an unknown mailbox).
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from partnerstate.settings import AppSettings, mail_folder

SMTP_TIMEOUT_SECONDS = 30


class DeliveryFailure(Exception):
    """Why a message was not delivered (the text is shown to officials)."""


class TemporaryFailure(DeliveryFailure):
    pass


class PermanentFailure(DeliveryFailure):
    pass


class Transport(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Deliver ``message``; returns where it went (shown on the officials' page)."""

    def close(self) -> None: ...


class SmtpTransport:
    """Delivery through ``smtp://[user:password@]host:port[?starttls=1]`` or ``smtps://…``.

    One connection is kept for a batch and reopened after an error.
    """

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(
                "PARTNERSTATE_SMTP_URL must look like smtp://[user:password@]host:port or smtps://…"
            )
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        query = parse_qs(parts.query)
        self.starttls = query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if self.implicit_tls:
            connection = smtplib.SMTP_SSL(
                self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
            )
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
            if self.starttls:
                connection.starttls(context=context)
        if self.username:
            connection.login(self.username, self.password or "")
        return connection

    def send(self, message: EmailMessage) -> str:
        try:
            if self._connection is None:
                self._connection = self._connect()
            refused = self._connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            code, reason = next(iter(error.recipients.values()))
            raise _failure(code, reason) from None
        except smtplib.SMTPResponseException as error:
            self.close()
            raise _failure(error.smtp_code, error.smtp_error) from None
        except (OSError, smtplib.SMTPException) as error:
            # Unreachable, disconnected, TLS trouble: try again later.
            self.close()
            raise TemporaryFailure(f"{error.__class__.__name__}: {error}"[:500]) from None
        if refused:  # a single recipient: refused means the whole message was
            code, reason = next(iter(refused.values()))
            raise _failure(code, reason)
        return "smtp"

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()


def _failure(code: int, reason: bytes | str) -> DeliveryFailure:
    text = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
    kind = PermanentFailure if 500 <= code < 600 else TemporaryFailure
    return kind(f"{code} {text}"[:500])


class FolderTransport:
    """Development and the demo: each message becomes ``<folder>/<id>.eml``."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> str:
        os.makedirs(self.folder, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("/", "_") + ".eml"
        # Written whole then renamed: a reader never sees half a message.
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(handle, "wb") as output:
            output.write(message.as_bytes())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; mail readers need to open it
        os.replace(temporary, os.path.join(self.folder, name))
        return name

    def close(self) -> None:
        pass


def make_transport(settings: AppSettings) -> Transport:
    if settings.smtp_url:
        return SmtpTransport(settings.smtp_url)
    return FolderTransport(mail_folder(settings))
