"""Application settings, read from the environment in one place.

Every setting has a name in the ini file (``partnerstate.*``) and an environment
variable that overrides it; the environment wins so that a container or a systemd
unit can configure a deployment without touching the ini files.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

DEFAULT_DATABASE_URL = "sqlite:///partnerstate.sqlite"
# Shorter secrets can be guessed offline from one signed cookie.
MIN_PRODUCTION_SECRET = 32
MIB = 1024 * 1024


class SettingsError(RuntimeError):
    """A required setting is missing or has an impossible value."""


@dataclass(frozen=True)
class AppSettings:
    """The typed settings the application reads; see :func:`load_settings`."""

    database_url: str = DEFAULT_DATABASE_URL
    # Connections a process keeps open to PostgreSQL: at least its request threads
    # (waitress: 8 by default). With fewer, every request beyond them opened a
    # connection and closed it afterwards (a new server process each time).
    database_pool_size: int = 10
    secret: str = ""
    environment: str = "development"
    site_name: str = "partnerstate"
    default_locale: str = "en"
    timezone: str = "Europe/Paris"
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = "© OpenStreetMap contributors"
    validate_api_responses: bool = False
    # Login throttling (services/throttle.py, docs/accounts.md): free failures per account
    # and address (and per device cookie) before waits begin; failures per address over
    # all accounts, generous for a NAT; how long a failure counts; the first wait, which
    # doubles with each further failure of the pair, up to the window.
    throttle_account_failures: int = 5
    throttle_address_failures: int = 300
    throttle_window_seconds: int = 900
    throttle_delay_seconds: int = 30
    # Mail and scheduled work (docs/mail.md).
    base_url: str = ""
    smtp_url: str = ""
    mail_from: str = "partnerstate <noreply@localhost>"
    mail_folder: str = ""
    # Request bodies above these sizes are refused (413) before anything reads them.
    max_body_bytes: int = MIB
    # Only on the routes that take a file (a census, a charter's signed scan).
    max_upload_bytes: int = 256 * MIB
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.environment == "production"


# (setting name, environment variable, type)
_SOURCES: list[tuple[str, str, type]] = [
    ("database_url", "PARTNERSTATE_DATABASE_URL", str),
    ("database_pool_size", "PARTNERSTATE_DATABASE_POOL_SIZE", int),
    ("secret", "PARTNERSTATE_SECRET", str),
    ("environment", "PARTNERSTATE_ENV", str),
    ("site_name", "PARTNERSTATE_SITE_NAME", str),
    ("default_locale", "PARTNERSTATE_DEFAULT_LOCALE", str),
    ("timezone", "PARTNERSTATE_TIMEZONE", str),
    ("tile_url", "PARTNERSTATE_TILE_URL", str),
    ("tile_attribution", "PARTNERSTATE_TILE_ATTRIBUTION", str),
    ("validate_api_responses", "PARTNERSTATE_VALIDATE_API_RESPONSES", bool),
    ("throttle_account_failures", "PARTNERSTATE_THROTTLE_ACCOUNT_FAILURES", int),
    ("throttle_address_failures", "PARTNERSTATE_THROTTLE_ADDRESS_FAILURES", int),
    ("throttle_window_seconds", "PARTNERSTATE_THROTTLE_WINDOW_SECONDS", int),
    ("throttle_delay_seconds", "PARTNERSTATE_THROTTLE_DELAY_SECONDS", int),
    ("base_url", "PARTNERSTATE_BASE_URL", str),
    ("smtp_url", "PARTNERSTATE_SMTP_URL", str),
    ("mail_from", "PARTNERSTATE_MAIL_FROM", str),
    ("mail_folder", "PARTNERSTATE_MAIL_FOLDER", str),
    ("max_body_bytes", "PARTNERSTATE_MAX_BODY_BYTES", int),
    ("max_upload_bytes", "PARTNERSTATE_MAX_UPLOAD_BYTES", int),
]

# Where links in mails point when no PARTNERSTATE_BASE_URL is set (development only).
DEVELOPMENT_BASE_URL = "http://127.0.0.1:6543"

HOW_TO_GENERATE_ONE = (
    "make one with: python -c 'import secrets; print(secrets.token_urlsafe(48))' "
    "and keep it in PARTNERSTATE_SECRET"
)


def _convert(value: object, kind: type, name: str) -> object:
    if kind is bool:
        return str(value).strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        try:
            return int(str(value))
        except ValueError:
            raise SettingsError(f"{name} must be a whole number, not {value!r}") from None
    return str(value)


def load_settings(
    ini: dict[str, object] | None = None, environ: dict[str, str] | None = None
) -> AppSettings:
    """Merge ini settings (``partnerstate.NAME``) and the environment into AppSettings.

    In production a missing secret is an error: sessions signed with a secret that
    changes at each start would log everyone out, and a guessable one is worse; so is
    one shorter than ``MIN_PRODUCTION_SECRET`` characters.
    """
    ini = ini or {}
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for name, variable, kind in _SOURCES:
        raw = environ.get(variable)
        if raw is None or raw == "":
            raw = ini.get(f"partnerstate.{name}")
        if raw is not None and raw != "":
            values[name] = _convert(raw, kind, variable)
    settings = AppSettings(**values)  # type: ignore[arg-type]
    if settings.environment not in {"development", "production", "testing"}:
        raise SettingsError("PARTNERSTATE_ENV must be development, production or testing")
    if not settings.secret:
        if settings.production:
            raise SettingsError(
                f"PARTNERSTATE_SECRET is required in production (a long random string): "
                f"{HOW_TO_GENERATE_ONE}"
            )
        # Development: a fresh secret per process is acceptable (logs out on restart).
        settings = AppSettings(**{**settings.__dict__, "secret": secrets.token_hex(32)})
    if settings.production and len(settings.secret) < MIN_PRODUCTION_SECRET:
        raise SettingsError(
            f"PARTNERSTATE_SECRET is too short for production: {len(settings.secret)} "
            f"characters, at least {MIN_PRODUCTION_SECRET} are needed; {HOW_TO_GENERATE_ONE}"
        )
    if settings.production and not settings.base_url:
        raise SettingsError(
            "PARTNERSTATE_BASE_URL is required in production (e.g. https://participate.example.org):"
            " every link in a mail is built from it"
        )
    if settings.database_pool_size < 1:
        raise SettingsError("PARTNERSTATE_DATABASE_POOL_SIZE must be at least 1")
    if settings.max_body_bytes < 1 or settings.max_upload_bytes < settings.max_body_bytes:
        raise SettingsError(
            "PARTNERSTATE_MAX_BODY_BYTES must be positive and at most PARTNERSTATE_MAX_UPLOAD_BYTES"
        )
    return settings


def public_base_url(settings: AppSettings) -> str:
    """The public address that links in mails and PDFs made outside a request start with."""
    return (settings.base_url or DEVELOPMENT_BASE_URL).rstrip("/")


def mail_folder(settings: AppSettings) -> str:
    """Where messages are written as .eml files when no SMTP server is configured:
    PARTNERSTATE_MAIL_FOLDER, else ``mail/`` next to a SQLite database, else ``./mail``."""
    if settings.mail_folder:
        return settings.mail_folder
    url = settings.database_url
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        database_file = url.removeprefix("sqlite:///")
        return os.path.join(os.path.dirname(os.path.abspath(database_file)), "mail")
    return os.path.abspath("mail")
