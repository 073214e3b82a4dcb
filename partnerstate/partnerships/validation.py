"""Rules a partnership's text must satisfy, shared by the API and the HTML forms.

:func:`clean` takes fields shaped like the API's body (``title``, ``type``,
``city_commitments: [{kind, description, quantity}]``…) and returns column values,
or raises :class:`~partnerstate.partnerships.errors.Invalid` naming every problem.
Translatable values may be a plain string (the ``locale`` given) or an object keyed
by language; a plain string changes that one language and keeps the others.
No Pyramid and no SQLAlchemy here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from partnerstate.choices import one_of
from partnerstate.commons import taxonomy as tx
from partnerstate.i18n import _
from partnerstate.localized import is_language_code, normalize
from partnerstate.markup import contains_markup
from partnerstate.partnerships import vocabulary as vocab
from partnerstate.partnerships.errors import Invalid

# Maximum lengths, shared with openapi.yaml and the forms.
MAX_TITLE = 200
MAX_TEXT = 10_000
MAX_COMMITMENT = 2_000
MAX_QUANTITY = 120
MAX_COMMITMENTS = 30
MAX_DURATION = 120
MAX_NOTE = 300
MAX_REASON = 2_000


# Translatable texts: API name -> (maximum length, Markdown allowed).
TEXTS: dict[str, tuple[int, bool]] = {
    "title": (MAX_TITLE, False),
    "purpose": (MAX_TEXT, True),
    "objectives": (MAX_TEXT, True),
    "access_rules": (MAX_TEXT, True),
    "governance": (MAX_TEXT, True),
    "resources": (MAX_TEXT, True),
    "evaluation": (MAX_TEXT, True),
    "dispute_resolution": (MAX_TEXT, True),
}

REQUIRED_ON_CREATE = ("title",)

# API field -> column, where they differ ("type" is a Python builtin and a SQL word).
COLUMNS = {"type": "kind"}


def merge_localized(current: Mapping[str, str] | None, value: Any, locale: str) -> dict[str, str]:
    """The new translations: a string sets (or, when blank, clears) one language."""
    merged = dict(current or {})
    if isinstance(value, str):
        if value.strip():
            merged[locale] = value.strip()
        else:
            merged.pop(locale, None)
        return merged
    return normalize(value, locale)


class Cleaner:
    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.errors: dict[str, Any] = {}

    def fail(self, field: str, message: Any) -> None:
        self.errors.setdefault(field, message)

    def localized(
        self,
        field: str,
        value: Any,
        current: Mapping[str, str] | None,
        maximum: int,
        markdown: bool,
    ) -> dict[str, str] | None:
        if value is None:
            value = ""
        if not isinstance(value, str | dict):
            self.fail(field, _("Expected a text or an object keyed by language."))
            return None
        if isinstance(value, dict):
            for key, text in value.items():
                if not is_language_code(key):
                    self.fail(field, _("Unknown language code: ${code}", mapping={"code": key}))
                    return None
                if not isinstance(text, str):
                    self.fail(field, _("Expected a text or an object keyed by language."))
                    return None
        texts = merge_localized(current, value, self.locale)
        for text in texts.values():
            if len(text) > maximum:
                self.fail(
                    field, _("Too long: at most ${max} characters.", mapping={"max": maximum})
                )
                return None
            if not markdown and contains_markup(text):
                self.fail(field, _("HTML is not allowed here."))
                return None
        return texts

    def plain(self, field: str, value: Any, maximum: int) -> str | None:
        if value is None:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = f"{value:g}" if isinstance(value, float) else str(value)
        if not isinstance(value, str):
            self.fail(field, _("Expected a text."))
            return None
        text = value.strip()
        if len(text) > maximum:
            self.fail(field, _("Too long: at most ${max} characters.", mapping={"max": maximum}))
            return None
        if contains_markup(text):
            self.fail(field, _("HTML is not allowed here."))
            return None
        return text

    def commitments(
        self, field: str, value: Any, current: list[dict[str, Any]] | None, city: bool
    ) -> list[dict[str, Any]] | None:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(field, _("Expected a list."))
            return None
        if len(value) > MAX_COMMITMENTS:
            self.fail(field, _("Too many items: at most ${max}.", mapping={"max": MAX_COMMITMENTS}))
            return None
        current = current or []
        cleaned: list[dict[str, Any]] = []
        for index, item in enumerate(value):
            name = f"{field}.{index}"
            if isinstance(item, str):
                item = {"description": item}
            if not isinstance(item, dict):
                self.fail(name, _("Expected an object."))
                continue
            # Positions identify a commitment across languages: editing the French
            # text of the second commitment keeps its English text.
            before = current[index] if index < len(current) else {}
            description = self.localized(
                f"{name}.description",
                item.get("description"),
                before.get("description") if isinstance(before, dict) else None,
                MAX_COMMITMENT,
                markdown=False,
            )
            if description is not None and not description:
                self.fail(f"{name}.description", _("This field is required."))
            entry: dict[str, Any] = {"description": description or {}}
            if city:
                raw_kind = item.get("kind")
                kind = vocab.commitment_kind(raw_kind) if isinstance(raw_kind, str) else None
                if kind is None:
                    self.fail(f"{name}.kind", one_of(vocab.COMMITMENT_KINDS.values()))
                entry["kind"] = kind
                quantity = self.plain(f"{name}.quantity", item.get("quantity"), MAX_QUANTITY)
                entry["quantity"] = quantity or None
            cleaned.append(entry)
        return cleaned


def clean(
    data: Mapping[str, Any],
    locale: str,
    current: Mapping[str, Any] | None = None,
    creating: bool = False,
) -> dict[str, Any]:
    """Column values for the fields present in ``data``; raises :class:`Invalid`.

    ``current`` is the partnership's present content (for merging translations);
    ``creating`` makes the title required.
    """
    current = current or {}
    cleaner = Cleaner(locale)
    values: dict[str, Any] = {}

    for field, (maximum, markdown) in TEXTS.items():
        if field in data:
            texts = cleaner.localized(field, data[field], current.get(field), maximum, markdown)
            if texts is not None:
                values[field] = texts

    if "title" in values and not values["title"]:
        # A translation may be removed, but a partnership always keeps a title.
        cleaner.fail("title", _("This field is required."))

    if "type" in data:
        if data["type"] in vocab.TYPES:
            values["kind"] = data["type"]
        else:
            cleaner.fail("type", one_of(vocab.TYPES.values()))

    for field, city in (("city_commitments", True), ("commons_commitments", False)):
        if field in data:
            items = cleaner.commitments(field, data[field], current.get(field), city)
            if items is not None:
                values[field] = items

    if "output_licence" in data:
        licence = data["output_licence"]
        if licence in (None, ""):
            values["output_licence"] = None
        elif licence in tx.OUTPUT_LICENCES:
            values["output_licence"] = licence
        else:
            cleaner.fail("output_licence", one_of(tx.OUTPUT_LICENCES.values()))

    if "duration_months" in data:
        months = data["duration_months"]
        if months is None:
            values["duration_months"] = None
        elif isinstance(months, bool) or not isinstance(months, int):
            cleaner.fail("duration_months", _("Expected a whole number of months."))
        elif not 1 <= months <= MAX_DURATION:
            cleaner.fail(
                "duration_months",
                _(
                    "Must be between ${min} and ${max} months.",
                    mapping={"min": 1, "max": MAX_DURATION},
                ),
            )
        else:
            values["duration_months"] = months

    if creating:
        for field in REQUIRED_ON_CREATE:
            if not values.get(field) and field not in cleaner.errors:
                cleaner.fail(field, _("This field is required."))

    if cleaner.errors:
        raise Invalid(_("Some fields are missing or invalid."), cleaner.errors)
    return values


def clean_reason(value: Any, field: str = "reason", required: bool = True) -> str:
    """A reason (closing, declining, hiding, flagging): plain text, kept as written."""
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise Invalid(_("Give a reason."), {field: _("Give a reason.")})
    if len(text) > MAX_REASON:
        message = _("Too long: at most ${max} characters.", mapping={"max": MAX_REASON})
        raise Invalid(message, {field: message})
    if contains_markup(text):
        raise Invalid(_("HTML is not allowed here."), {field: _("HTML is not allowed here.")})
    return text


def clean_note(value: Any) -> str:
    """An editor's note on what a new version changed."""
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > MAX_NOTE or contains_markup(text):
        raise Invalid(
            _("Some fields are missing or invalid."),
            {"note": _("At most ${max} characters, no HTML.", mapping={"max": MAX_NOTE})},
        )
    return text
