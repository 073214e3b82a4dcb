"""User content in several languages: values stored as ``{"en": "...", "fr": "..."}``.

This is data, not gettext. The contract lets API clients send either a plain
string (meaning the request's or the assembly's language) or such an object.
"""

from __future__ import annotations

import re
from typing import Any

import babel

LocalizedText = dict[str, str]

_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
# Every language CLDR has a name for (about 670), a far longer list than its locales.
_NAMED_LANGUAGES = frozenset(babel.Locale("en").languages)


def is_language_code(code: Any) -> bool:
    """A language tag whose language CLDR names (``fr``, ``oc``, ``pcd`` for Picard,
    ``pt-BR``): content may be in languages the interface does not speak, or that have no
    locale data at all, but ``xx`` is a typo, not a language."""
    if not isinstance(code, str) or not _LANGUAGE_TAG.match(code):
        return False
    language = code.split("-", 1)[0]
    if language == "und":  # "undetermined" says nothing about the text
        return False
    if language in _NAMED_LANGUAGES:
        return True
    try:
        babel.Locale.parse(code, sep="-")  # three-letter forms with locale data ("eus")
    except (ValueError, babel.UnknownLocaleError):
        return False
    return True


def normalize(value: Any, locale: str) -> LocalizedText:
    """Turn a plain string or a locale-keyed dict into a clean locale-keyed dict."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {locale: value.strip()} if value.strip() else {}
    if isinstance(value, dict):
        return {
            str(key): str(text).strip()
            for key, text in value.items()
            if isinstance(text, str) and text.strip()
        }
    raise TypeError("expected a string or an object keyed by language")


def shown_language(value: Any, locale: str, fallback: str = "en") -> str | None:
    """The language ``pick`` shows: ``locale``, else the fallback, else the first given.

    None for a plain string or an empty value (its language is not recorded).
    """
    if not isinstance(value, dict):
        return None
    for key in (locale, fallback):
        if value.get(key):
            return key
    return next((str(key) for key, text in value.items() if text), None)


def pick(value: Any, locale: str, fallback: str = "en") -> str:
    """The text in ``locale``, else the fallback language, else any language at all."""
    if isinstance(value, str):
        return value
    language = shown_language(value, locale, fallback)
    return str(value[language]) if language else ""
