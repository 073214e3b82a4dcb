"""The demo city's user content in more languages than the seeders write inline.

Seeders write ``{"en": …, "fr": …}`` beside their data; :func:`localized` adds the
Spanish, Catalan, Italian, German, Dutch (and, for the demo charter's pact, Arabic)
versions kept in ``demo_texts.yaml``, found by the English text. A text missing
there keeps its two languages, and pages fall back as for any user content.
"""

from __future__ import annotations

import functools
from importlib import resources

import yaml


@functools.cache
def more_languages() -> dict[str, dict[str, str]]:
    """English text -> {locale: text} for the languages beyond English and French."""
    source = resources.files("partnerstate") / "demo_texts.yaml"
    entries = yaml.safe_load(source.read_text(encoding="utf-8"))
    return {
        entry["en"]: {locale: text for locale, text in entry.items() if locale != "en"}
        for entry in entries
    }


def localized(en: str, fr: str) -> dict[str, str]:
    """``{"en": en, "fr": fr}`` and every other language ``en`` is translated into."""
    return {**more_languages().get(en, {}), "en": en, "fr": fr}


def with_more_languages(text: dict[str, str]) -> dict[str, str]:
    """A ``{"en": …, "fr": …}`` value with the other languages of its English added."""
    return {**more_languages().get(text["en"], {}), **text}
