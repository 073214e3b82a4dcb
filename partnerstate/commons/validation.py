"""Rules a commons record must satisfy, shared by the API and the HTML forms.

:func:`clean` takes the record as the API describes it (``name``, ``lat``,
``governance: {...}``, ``ostrom: {principle: {score, evidence}}``…) and returns the
model's column values, or raises :class:`InvalidRecord` naming every problem at
once. The forms translate their fields into the same shape, so a rule is written
once. No Pyramid and no SQLAlchemy here: this module is tested on its own.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from partnerstate.commons import taxonomy as tx
from partnerstate.i18n import _
from partnerstate.localized import is_language_code, normalize
from partnerstate.markup import contains_markup

# Maximum lengths, shared with openapi.yaml and the forms.
MAX_NAME = 200
MAX_SUMMARY = 500
MAX_DESCRIPTION = 10_000
MAX_ALIASES = 10
MAX_ALIAS = 200
MAX_ADDRESS = 300
MAX_DISTRICT = 120
MAX_LONG_TEXT = 2_000
MAX_OWNER = 200
MAX_STEWARDS = 200
MAX_EMAIL = 254
MAX_PHONE = 40
MAX_URL = 300
MAX_RULES_URL = 500
MAX_MEMBERS = 10_000_000
MAX_AREA_POINTS = 1_000
MAX_REASON = 2_000

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_PHONE = re.compile(r"^[0-9+().\- ]{3,40}$")
_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


class InvalidRecord(ValueError):
    """Some fields break the rules; ``errors`` maps each field to a translatable message."""

    def __init__(self, errors: dict[str, Any], locales: dict[str, str] | None = None) -> None:
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors
        # For translatable fields: the language whose text broke the rule.
        self.locales = locales or {}


# Plain fields: API name -> (column, maximum length, kind). Kinds: text (no markup),
# email, phone, url.
_PLAIN_FIELDS: dict[str, tuple[str, int, str]] = {
    "address": ("address", MAX_ADDRESS, "text"),
    "district": ("district", MAX_DISTRICT, "text"),
    "owner_name": ("owner_name", MAX_OWNER, "text"),
    "stewards": ("stewards", MAX_STEWARDS, "text"),
    "contact_email": ("contact_email", MAX_EMAIL, "email"),
    "contact_phone": ("contact_phone", MAX_PHONE, "phone"),
    "website": ("website", MAX_URL, "url"),
}

# Vocabulary fields: API name -> (column, allowed ids).
_CHOICE_FIELDS: dict[str, tuple[str, Mapping[str, Any]]] = {
    "category": ("category", tx.DOMAINS),
    "nature": ("nature", tx.NATURES),
    "intervention": ("intervention", tx.INTERVENTIONS),
    "ownership": ("ownership", tx.OWNERSHIPS),
    "legal_form": ("legal_form", tx.LEGAL_FORMS),
    "output_licence": ("output_licence", tx.OUTPUT_LICENCES),
    "data_licence": ("data_licence", tx.DATA_LICENCES),
}

# Translatable texts: API name -> (column, maximum length, Markdown allowed).
_TEXT_FIELDS: dict[str, tuple[str, int, bool]] = {
    "name": ("name", MAX_NAME, False),
    "summary": ("summary", MAX_SUMMARY, False),
    "description": ("description", MAX_DESCRIPTION, True),
    "boundary": ("boundary", MAX_LONG_TEXT, False),
}

# The governance object: key -> (column, kind, detail).
_GOVERNANCE_FIELDS: dict[str, tuple[str, str, Any]] = {
    "description": ("governance", "localized", MAX_LONG_TEXT),
    "decision_rule": ("decision_rule", "choice", tx.DECISION_RULES),
    "rules_url": ("rules_url", "url", MAX_RULES_URL),
    "access": ("access_policy", "choice", tx.ACCESS_POLICIES),
    "fees": ("fees_policy", "choice", tx.FEES_POLICIES),
    "fees_details": ("fees_details", "localized", MAX_LONG_TEXT),
    "inclusion": ("inclusion_measures", "localized", MAX_LONG_TEXT),
}

REQUIRED_ON_CREATE = ("name", "description", "category")


def default_nature(category: str) -> str:
    """The nature a domain usually has, when a proposal does not say."""
    return {"digital_data": "digital", "finance_currencies": "immaterial"}.get(category, "material")


def fold(text: str) -> str:
    """Lower-case without accents: how names are searched and sorted (é = e, Œ = oe)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class _Cleaner:
    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.errors: dict[str, Any] = {}
        self.locales: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def fail(self, field: str, message: Any, locale: str | None = None) -> None:
        if field not in self.errors and locale is not None:
            self.locales[field] = locale
        self.errors.setdefault(field, message)

    # --- kinds of values -------------------------------------------------------

    def plain(self, field: str, value: Any, maximum: int, kind: str = "text") -> str | None:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(field, _("Enter text."))
            return None
        value = value.strip()
        if len(value) > maximum:
            self.fail(field, _("Too long: at most ${max} characters.", mapping={"max": maximum}))
            return None
        if contains_markup(value):
            self.fail(field, _("HTML is not allowed here."))
            return None
        if value and kind == "email" and not _EMAIL.match(value):
            self.fail(field, _("Enter a valid email address."))
            return None
        if value and kind == "phone" and not _PHONE.match(value):
            self.fail(field, _("Enter a phone number (digits, spaces, + - ( ) only)."))
            return None
        if value and kind == "url" and not _URL.match(value):
            self.fail(field, _("Enter a web address starting with http:// or https://."))
            return None
        return value

    def localized(
        self, field: str, value: Any, maximum: int, markdown: bool = False
    ) -> dict[str, str] | None:
        try:
            texts = normalize(value, self.locale)
        except TypeError:
            self.fail(field, _("Enter text, or an object keyed by language."))
            return None
        for key, text in texts.items():
            if not is_language_code(key):
                self.fail(field, _("Unknown language code: ${code}.", mapping={"code": key[:20]}))
                return None
            if len(text) > maximum:
                message = _("Too long: at most ${max} characters.", mapping={"max": maximum})
                self.fail(field, message, key)
                return None
            if contains_markup(text):
                # Markdown needs no HTML; refusing it keeps stored text honest.
                message = (
                    _("HTML is not allowed; use Markdown for formatting.")
                    if markdown
                    else _("HTML is not allowed here.")
                )
                self.fail(field, message, key)
                return None
        return texts

    def choice(self, field: str, value: Any, allowed: Mapping[str, Any]) -> str | None:
        if value is None or value == "":
            return None
        if value not in allowed:
            self.fail(field, _("Unknown value: choose one from the list."))
            return None
        return str(value)

    def date(self, field: str, value: Any) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.date):
            parsed = value
        else:
            try:
                parsed = dt.date.fromisoformat(str(value))
            except ValueError:
                self.fail(field, _("Enter a date as YYYY-MM-DD."))
                return None
        if parsed.year < 1000 or parsed > dt.date.today() + dt.timedelta(days=366):
            self.fail(field, _("Enter a plausible date."))
            return None
        return parsed

    def number(
        self, field: str, value: Any, low: float, high: float, whole: bool = False
    ) -> float | int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(field, _("Enter a number."))
            return None
        if not math.isfinite(value) or not low <= value <= high:
            self.fail(
                field,
                _("Must be between ${low} and ${high}.", mapping={"low": low, "high": high}),
            )
            return None
        if whole and int(value) != value:
            self.fail(field, _("Enter a whole number."))
            return None
        return int(value) if whole else float(value)

    # --- groups ---------------------------------------------------------------

    def aliases(self, value: Any) -> list[str] | None:
        if value is None:
            return []
        if isinstance(value, str):
            value = value.splitlines()
        if not isinstance(value, list):
            self.fail("aliases", _("Enter a list of names."))
            return None
        names = [str(item).strip() for item in value if str(item).strip()]
        if len(names) > MAX_ALIASES:
            self.fail("aliases", _("Too many items: at most ${max}.", mapping={"max": MAX_ALIASES}))
            return None
        for name in names:
            if self.plain("aliases", name, MAX_ALIAS) is None:
                return None
        return names

    def governance(self, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, str):
            # The contract's simplest form: a text saying how decisions are made.
            value = {"description": value}
        if not isinstance(value, dict):
            self.fail("governance", _("Enter text, or an object of governance fields."))
            return
        for key, item in value.items():
            if key not in _GOVERNANCE_FIELDS:
                self.fail(f"governance.{key}", _("Unknown field."))
                continue
            column, kind, detail = _GOVERNANCE_FIELDS[key]
            field = f"governance.{key}"
            if kind == "localized":
                cleaned = self.localized(field, item, detail, markdown=column == "governance")
            elif kind == "choice":
                cleaned = self.choice(field, item, detail)
                if cleaned is None and field in self.errors:
                    continue
            else:
                cleaned = self.plain(field, item, detail, kind)
            if field not in self.errors:
                self.values[column] = cleaned

    def ostrom(self, value: Any) -> dict[str, Any] | None:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail("ostrom", _("Enter an object keyed by principle."))
            return None
        assessment: dict[str, Any] = {}
        for principle, entry in value.items():
            field = f"ostrom.{principle}"
            if principle not in tx.OSTROM_IDS:
                self.fail(field, _("Unknown principle."))
                continue
            if entry is None:
                continue  # not assessed
            if isinstance(entry, int) and not isinstance(entry, bool):
                entry = {"score": entry}
            if not isinstance(entry, dict):
                self.fail(field, _("Enter a score from 0 to 3 and its evidence."))
                continue
            score = self.number(
                f"{field}.score", entry.get("score"), tx.OSTROM_MIN, tx.OSTROM_MAX, True
            )
            if entry.get("score") is None:
                self.fail(f"{field}.score", _("This field is required."))
            evidence = self.localized(f"{field}.evidence", entry.get("evidence"), MAX_LONG_TEXT)
            if score is not None and evidence is not None:
                assessment[principle] = {"score": int(score), "evidence": evidence}
        return assessment

    def area(self, value: Any) -> dict[str, Any] | None:
        """An optional GeoJSON Polygon outlining the commons (one outer ring, no holes)."""
        if value is None:
            return None
        ring = None
        if isinstance(value, dict) and value.get("type") == "Polygon":
            coordinates = value.get("coordinates")
            if isinstance(coordinates, list) and len(coordinates) == 1:
                ring = coordinates[0]
        if not isinstance(ring, list) or not 4 <= len(ring) <= MAX_AREA_POINTS:
            self.fail(
                "area", _("Enter a GeoJSON Polygon with one closed ring of 4 or more points.")
            )
            return None
        points = []
        for point in ring:
            ok = (
                isinstance(point, list)
                and len(point) == 2
                and all(isinstance(c, int | float) and not isinstance(c, bool) for c in point)
                and -180 <= point[0] <= 180
                and -90 <= point[1] <= 90
            )
            if not ok:
                self.fail("area", _("Each point must be [longitude, latitude] within range."))
                return None
            points.append([float(point[0]), float(point[1])])
        if points[0] != points[-1]:
            self.fail("area", _("The ring must end where it starts."))
            return None
        return {"type": "Polygon", "coordinates": [points]}


def clean(
    data: Mapping[str, Any],
    locale: str,
    *,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Check a proposed record (or, with ``partial``, the fields of an update).

    ``current`` holds the record's present column values for rules that involve
    fields not in an update (a private owner's consent, a lone latitude).
    Returns column values; raises :class:`InvalidRecord` with every problem.
    """
    cleaner = _Cleaner(locale)
    values = cleaner.values
    current = current or {}

    for field in REQUIRED_ON_CREATE:
        if not partial and data.get(field) in (None, "", {}):
            cleaner.fail(field, _("This field is required."))

    for field, (column, maximum, markdown) in _TEXT_FIELDS.items():
        if field in data and field not in cleaner.errors:
            texts = cleaner.localized(field, data[field], maximum, markdown)
            if texts is not None:
                if field in ("name", "description") and not texts:
                    cleaner.fail(field, _("This field is required."))
                values[column] = texts

    if "aliases" in data:
        aliases = cleaner.aliases(data["aliases"])
        if aliases is not None:
            values["aliases"] = aliases

    for field, (column, maximum, kind) in _PLAIN_FIELDS.items():
        if field in data:
            text = cleaner.plain(field, data[field], maximum, kind)
            if text is not None:
                values[column] = text

    for field, (column, allowed) in _CHOICE_FIELDS.items():
        if field not in data:
            continue
        choice = cleaner.choice(field, data[field], allowed)
        if field in cleaner.errors:
            continue
        if choice is None and (field == "category" or (field == "nature" and partial)):
            # Both axes are mandatory: an update cannot blank them. (A new record
            # without a nature gets its domain's usual one, below.)
            cleaner.fail(field, _("This field is required."))
            continue
        if choice is not None or field != "nature":
            values[column] = choice

    for field in ("established_on", "owner_consent_on"):
        if field in data:
            values[field] = cleaner.date(field, data[field])

    if "lat" in data:
        values["latitude"] = cleaner.number("lat", data["lat"], -90, 90)
    if "lon" in data:
        values["longitude"] = cleaner.number("lon", data["lon"], -180, 180)
    if "active_members" in data:
        values["active_members"] = cleaner.number(
            "active_members", data["active_members"], 0, MAX_MEMBERS, whole=True
        )
    if "owner_consent" in data:
        consent = data["owner_consent"]
        if consent is not None and not isinstance(consent, bool):
            cleaner.fail("owner_consent", _("Enter true or false."))
        else:
            values["owner_consent"] = bool(consent)
    if "area" in data:
        values["area"] = cleaner.area(data["area"])

    cleaner.governance(data.get("governance"))

    if "ostrom" in data:
        assessment = cleaner.ostrom(data["ostrom"])
        if assessment is not None:
            values["ostrom"] = assessment

    # Rules across fields, judged on the record as it will be.
    merged = {**current, **values}
    if not partial and "nature" not in values and values.get("category"):
        values["nature"] = default_nature(values["category"])
    has_lat = merged.get("latitude") is not None
    has_lon = merged.get("longitude") is not None
    if has_lat != has_lon and not ({"lat", "lon"} & set(cleaner.errors)):
        cleaner.fail(
            "lon" if has_lat else "lat", _("Give both latitude and longitude, or neither.")
        )
    if merged.get("ownership") == "private" and not merged.get("owner_consent"):
        cleaner.fail(
            "owner_consent",
            _("A privately owned commons needs its owner's consent, recorded here."),
        )

    if cleaner.errors:
        raise InvalidRecord(cleaner.errors, cleaner.locales)
    return values


def clean_text(field: str, value: Any, locale: str, maximum: int = MAX_LONG_TEXT) -> dict[str, str]:
    """One translatable plain text (no markup), e.g. a balance's notes."""
    cleaner = _Cleaner(locale)
    texts = cleaner.localized(field, value, maximum)
    if cleaner.errors or texts is None:
        raise InvalidRecord(cleaner.errors, cleaner.locales)
    return texts


def clean_reason(reason: Any) -> str:
    """A rejection's reasons: required plain text, kept as the official wrote it."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise InvalidRecord({"reason": _("Give the reasons for this decision.")})
    if len(text) > MAX_REASON:
        raise InvalidRecord(
            {"reason": _("Too long: at most ${max} characters.", mapping={"max": MAX_REASON})}
        )
    if contains_markup(text):
        raise InvalidRecord({"reason": _("HTML is not allowed here.")})
    return text


def ostrom_total(assessment: Mapping[str, Any]) -> int | None:
    """Sum of the scores (0-24), or None when nothing was assessed."""
    if not assessment:
        return None
    return sum(int(entry["score"]) for entry in assessment.values())
