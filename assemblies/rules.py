"""The assemblies' vocabulary and the rules their input must satisfy.

Shared by the API and the HTML forms: :func:`clean_assembly` and
:func:`clean_meeting` take fields shaped like the API's request bodies and return
column values, or raise :class:`Invalid` naming every problem at once. No Pyramid
and no SQLAlchemy here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from partnerstate.choices import one_of
from partnerstate.i18n import LOCALES, _
from partnerstate.localized import is_language_code, normalize
from partnerstate.markup import contains_markup

# Roles in an assembly. Observers read and comment but do not vote.
FACILITATOR = "facilitator"
MEMBER = "member"
OBSERVER = "observer"
ROLES = (FACILITATOR, MEMBER, OBSERVER)
VOTING_ROLES = frozenset({FACILITATOR, MEMBER})
ROLE_LABELS = {
    FACILITATOR: _("facilitator"),
    MEMBER: _("member"),
    OBSERVER: _("observer"),
}
ROLE_PLURALS = {
    FACILITATOR: _("Facilitators"),
    MEMBER: _("Members"),
    OBSERVER: _("Observers"),
}

# Who may join: anyone may ask (a facilitator approves), or by invitation code only.
OPEN = "open"
INVITATION = "invitation"
JOIN_POLICIES = {
    OPEN: _("Open: anyone may ask to join; a facilitator or an official approves"),
    INVITATION: _("By invitation only: with a code issued by an official"),
}

# Join requests.
PENDING = "pending"
APPROVED = "approved"
REFUSED = "refused"
WITHDRAWN = "withdrawn"

# How a resident was verified.
VERIFICATION_METHODS = {
    "census": _("census"),
    "code": _("invitation code"),
    "official": _("verified by an official"),
}

# Maximum lengths, shared with openapi.yaml and the forms.
MAX_NAME = 200
MAX_CITY = 120
MAX_DESCRIPTION = 20_000
MAX_TITLE = 200
MAX_LOCATION = 300
MAX_URL = 500
MAX_AGENDA_ITEMS = 50
MAX_AGENDA_ITEM = 500
MAX_MINUTES = 50_000
MAX_REASON = 2_000
MAX_MESSAGE = 2_000
MAX_NOTE = 200
MAX_MEETING_HOURS = 24 * 7
DEFAULT_DURATION = dt.timedelta(hours=2)
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100

_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


class Invalid(ValueError):
    """Some fields break the rules; ``fields`` maps each field to a translatable message."""

    def __init__(self, message: Any, fields: dict[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.fields = fields or {}


def _localized(
    value: Any, locale: str, max_length: int, name: str, errors: dict[str, Any], markup_ok: bool
) -> dict[str, str]:
    try:
        texts = normalize(value, locale)
    except TypeError:
        errors[name] = _("Give a text, or an object keyed by language.")
        return {}
    for key, text in texts.items():
        if not is_language_code(key):
            errors[name] = _("Unknown language code: ${code}.", mapping={"code": key[:10]})
        elif len(text) > max_length:
            errors[name] = _("Too long: at most ${max} characters.", mapping={"max": max_length})
        elif not markup_ok and contains_markup(text):
            errors[name] = _("No HTML tags, please.")
    return texts


def _plain(value: Any, max_length: int, name: str, errors: dict[str, Any]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = _("Give a text.")
        return ""
    text = " ".join(value.split())
    if len(text) > max_length:
        errors[name] = _("Too long: at most ${max} characters.", mapping={"max": max_length})
    elif contains_markup(text):
        errors[name] = _("No HTML tags, please.")
    return text


def clean_text(value: Any, max_length: int, name: str = "text", required: bool = True) -> str:
    """A plain multi-line text (a reason, a message): stripped, bounded, maybe required."""
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise Invalid(_("This field is required."), {name: _("This field is required.")})
    if len(text) > max_length:
        message = _("Too long: at most ${max} characters.", mapping={"max": max_length})
        raise Invalid(message, {name: message})
    return text


def clean_assembly(
    data: Mapping[str, Any],
    locale: str,
    partial: bool = False,
    locales: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """An assembly's column values from API-shaped ``data``; raises :class:`Invalid`.

    ``partial``: only the fields present are checked and returned (an update).
    ``locales``: the interface languages a default language may be chosen from.
    """
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    language = data.get("default_locale") or locale

    if "default_locale" in data or not partial:
        code = data.get("default_locale") or locale
        if not is_language_code(code):
            errors["default_locale"] = _("Choose a language.")
        elif locales is not None and code not in locales:
            # Each language named in its own words, as the language menu does.
            errors["default_locale"] = one_of(LOCALES.get(code, code) for code in locales)
        else:
            values["default_locale"] = code
    if "name" in data or not partial:
        name = _localized(data.get("name"), language, MAX_NAME, "name", errors, markup_ok=False)
        if not name and "name" not in errors:
            errors["name"] = _("This field is required.")
        values["name"] = {key: " ".join(text.split()) for key, text in name.items()}
    if "city" in data or not partial:
        values["city"] = _plain(data.get("city"), MAX_CITY, "city", errors)
    if "description" in data or not partial:
        values["description"] = _localized(
            data.get("description"), language, MAX_DESCRIPTION, "description", errors, True
        )
    if "quorum_percent" in data or not partial:
        quorum = data.get("quorum_percent")
        if quorum is None or quorum == "":
            values["quorum_percent"] = None
        elif (
            isinstance(quorum, bool)
            or not isinstance(quorum, int | float)
            or math.isnan(quorum)
            or not 0 <= quorum <= 100
        ):
            errors["quorum_percent"] = _("Give a percentage between 0 and 100.")
        else:
            values["quorum_percent"] = float(quorum)
    if "join_policy" in data or not partial:
        policy = data.get("join_policy") or OPEN
        if policy not in JOIN_POLICIES:
            errors["join_policy"] = _("Choose who may join.")
        else:
            values["join_policy"] = policy
    if "requires_verification" in data or not partial:
        flag = data.get("requires_verification", False)
        if not isinstance(flag, bool):
            errors["requires_verification"] = _("Answer yes or no.")
        else:
            values["requires_verification"] = flag
    if errors:
        raise Invalid(_("Some fields are missing or invalid."), errors)
    return values


def parse_when(value: Any, tz: ZoneInfo) -> dt.datetime | None:
    """An aware UTC datetime from a datetime or an ISO 8601 text; naive means ``tz``.

    Returns None when ``value`` is not a date and time.
    """
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(dt.UTC)


def _when(value: Any, tz: ZoneInfo, name: str, errors: dict[str, Any]) -> dt.datetime | None:
    when = parse_when(value, tz)
    if when is None:
        errors[name] = _("Give a date and time, e.g. 2026-05-14T18:30.")
    elif not EARLIEST_YEAR <= when.year <= LATEST_YEAR:
        errors[name] = _(
            "Give a date between ${first} and ${last}.",
            mapping={"first": EARLIEST_YEAR, "last": LATEST_YEAR},
        )
        return None
    return when


def clean_meeting(
    data: Mapping[str, Any],
    locale: str,
    tz: ZoneInfo,
    partial: bool = False,
    current: tuple[dt.datetime, dt.datetime] | None = None,
) -> dict[str, Any]:
    """A meeting's values from API-shaped ``data``; raises :class:`Invalid`.

    ``starts_at``/``ends_at`` are ISO 8601 (naive ones are in ``tz``, the site's
    time zone); the end defaults to two hours after the start. ``location`` is a
    place, or an online link when it is an ``http(s)`` URL and ``online_url`` is
    not given. ``agenda`` is a list of texts. ``current`` holds the stored
    start and end of a meeting being updated.
    """
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    if "title" in data or not partial:
        title = _localized(data.get("title"), locale, MAX_TITLE, "title", errors, markup_ok=False)
        if not title and "title" not in errors:
            errors["title"] = _("This field is required.")
        values["title"] = {key: " ".join(text.split()) for key, text in title.items()}

    starts_at = current[0] if current else None
    ends_at = current[1] if current else None
    if "starts_at" in data or not partial:
        if data.get("starts_at") in (None, ""):
            errors["starts_at"] = _("This field is required.")
        else:
            new_start = _when(data.get("starts_at"), tz, "starts_at", errors)
            if new_start is not None and ends_at is not None and "ends_at" not in data:
                # Moving a meeting keeps its duration.
                ends_at = new_start + (ends_at - starts_at) if starts_at else ends_at
            starts_at = new_start
    if data.get("ends_at") not in (None, ""):
        ends_at = _when(data.get("ends_at"), tz, "ends_at", errors)
    elif "ends_at" in data or not partial or ends_at is None:
        ends_at = starts_at + DEFAULT_DURATION if starts_at else None
    if starts_at is not None and ends_at is not None and "starts_at" not in errors:
        if ends_at <= starts_at:
            errors["ends_at"] = _("The meeting must end after it starts.")
        elif ends_at - starts_at > dt.timedelta(hours=MAX_MEETING_HOURS):
            errors["ends_at"] = _("A meeting lasts at most a week.")
    if starts_at is not None:
        values["starts_at"] = starts_at
    if ends_at is not None:
        values["ends_at"] = ends_at

    location_given = "location" in data or not partial
    url_given = "online_url" in data or not partial
    location = _plain(data.get("location"), MAX_LOCATION, "location", errors)
    online_url = _plain(data.get("online_url"), MAX_URL, "online_url", errors)
    if location_given and not online_url and _URL.match(location):
        location, online_url, url_given = "", location, True
    if online_url and not _URL.match(online_url):
        errors["online_url"] = _("Give a web address starting with https:// or http://.")
    if location_given:
        values["location"] = location
    if url_given:
        values["online_url"] = online_url

    if "agenda" in data or not partial:
        agenda = data.get("agenda") or []
        if isinstance(agenda, str):
            agenda = agenda.splitlines()
        if not isinstance(agenda, list):
            errors["agenda"] = _("Give a list of agenda items.")
            agenda = []
        items = []
        for number, item in enumerate(agenda):
            if not isinstance(item, str):
                errors[f"agenda.{number}"] = _("Give a text.")
                continue
            text = " ".join(item.split())
            if not text:
                continue
            if len(text) > MAX_AGENDA_ITEM:
                errors[f"agenda.{number}"] = _(
                    "Too long: at most ${max} characters.", mapping={"max": MAX_AGENDA_ITEM}
                )
            elif contains_markup(text):
                errors[f"agenda.{number}"] = _("No HTML tags, please.")
            items.append(text)
        if len(items) > MAX_AGENDA_ITEMS:
            errors["agenda"] = _(
                "Too many items: at most ${max}.", mapping={"max": MAX_AGENDA_ITEMS}
            )
        values["agenda"] = items
    if errors:
        raise Invalid(_("Some fields are missing or invalid."), errors)
    return values
