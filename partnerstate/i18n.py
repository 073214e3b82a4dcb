"""Languages: catalogs, locale negotiation, and Babel formatting bound to the request.

Catalogs are read from the ``.po`` files in ``translations/`` when the app starts
and compiled in memory, so a source checkout, an editable install and a wheel all
behave the same and no compiled ``.mo`` file can ever be stale.
"""

from __future__ import annotations

import datetime as dt
import io
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import babel
import babel.dates
import babel.numbers
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pyramid.i18n import Localizer, Translations, TranslationStringFactory
from pyramid.interfaces import ILocalizer

DOMAIN = "messages"
SOURCE_LOCALE = "en"
# The interface languages offered in the switcher, with their own names.
LOCALES: dict[str, str] = {"en": "English", "fr": "Français"}
LOCALE_COOKIE = "_LOCALE_"

_ = TranslationStringFactory(DOMAIN)


def catalog_path(locale: str) -> resources.abc.Traversable:
    return resources.files("translations") / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(locale: str) -> Translations:
    """Compile ``translations/<locale>/LC_MESSAGES/messages.po`` in memory."""
    path = catalog_path(locale)
    if path.is_file():
        with path.open("rb") as po_file:
            catalog = read_po(po_file, locale=locale, domain=DOMAIN)
    else:
        # The source language needs no catalog: an empty one returns every msgid.
        catalog = Catalog(locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fileobj=buffer, domain=DOMAIN)


def negotiate_locale(request: Any) -> str:
    """``_LOCALE_`` parameter, then the cookie, then the profile, then Accept-Language."""
    candidates = [request.params.get(LOCALE_COOKIE), request.cookies.get(LOCALE_COOKIE)]
    user = request.user if not request.path.startswith("/static") else None
    if user is not None:
        candidates.append(user.locale)
    for candidate in candidates:
        if candidate in LOCALES:
            return candidate
    match = request.accept_language.lookup(list(LOCALES), default="")
    if match:
        return match
    return request.registry["partnerstate.settings"].default_locale


def _tz(request: Any) -> ZoneInfo:
    return ZoneInfo(request.registry["partnerstate.settings"].timezone)


def format_datetime(request: Any, value: dt.datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return babel.dates.format_datetime(
        value, format=format, tzinfo=_tz(request), locale=request.locale_name
    )


def format_date(request: Any, value: dt.date | dt.datetime | None, format: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(_tz(request)).date()
    return babel.dates.format_date(value, format=format, locale=request.locale_name)


def format_number(request: Any, value: float | int | None) -> str:
    if value is None:
        return ""
    return babel.numbers.format_decimal(value, locale=request.locale_name)


def format_percent(request: Any, value: float | None) -> str:
    if value is None:
        return ""
    return babel.numbers.format_percent(value, locale=request.locale_name)


def language_name(locale: str, in_locale: str) -> str:
    return babel.Locale.parse(locale).get_display_name(in_locale) or locale


def translate(request: Any, message: Any, mapping: dict[str, Any] | None = None) -> str:
    return request.localizer.translate(message, mapping=mapping)


def includeme(config: Any) -> None:
    config.set_locale_negotiator(negotiate_locale)
    # One localizer per shipped locale, registered up front: pyramid looks these up
    # by name before it would try to read compiled catalogs from disk.
    for locale in LOCALES:
        localizer = Localizer(locale_name=locale, translations=load_translations(locale))
        config.registry.registerUtility(localizer, ILocalizer, name=locale)
    config.add_request_method(format_datetime, "format_datetime")
    config.add_request_method(format_date, "format_date")
    config.add_request_method(format_number, "format_number")
    config.add_request_method(format_percent, "format_percent")
    config.add_request_method(translate, "translate")
