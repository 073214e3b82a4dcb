"""User content in several languages: values stored as ``{"en": "...", "fr": "..."}``.

This is data, not gettext. The contract lets API clients send either a plain
string (meaning the request's or the assembly's language) or such an object.
"""

from __future__ import annotations

from typing import Any

LocalizedText = dict[str, str]


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


def pick(value: Any, locale: str, fallback: str = "en") -> str:
    """The text in ``locale``, else the fallback language, else any language at all."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    for key in (locale, fallback):
        if value.get(key):
            return str(value[key])
    return next((str(text) for text in value.values() if text), "")
