"""Languages: catalogs, locale negotiation, and Babel formatting bound to the request.

Catalogs are read from the ``.po`` files in ``translations/`` when the app starts
and compiled in memory, so a source checkout, an editable install and a wheel all
behave the same and no compiled ``.mo`` file can ever be stale.

The page language is, in this order: the ``_LOCALE_`` parameter (remembered in the
cookie and the profile, like the switcher's choice), the ``_LOCALE_``
cookie, the signed-in user's profile, ``Accept-Language``, the language of the
assembly the page is about, the site default (``PARTNERSTATE_DEFAULT_LOCALE``).

The core knows assemblies only by id: a route context about something of one
assembly (see :class:`AssemblyScoped`) names it with ``assembly_id``, and the
assemblies package tells how to find that assembly's language with the
``set_assembly_locale_lookup`` directive.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable
from importlib import resources
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import babel
import babel.dates
import babel.numbers
from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pyramid.i18n import Localizer, Translations, TranslationString, TranslationStringFactory
from pyramid.interfaces import ILocalizer

DOMAIN = "messages"
SOURCE_LOCALE = "en"
# The interface languages offered in the switcher, with their own names.
LOCALES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ca": "Català",
    "it": "Italiano",
    "de": "Deutsch",
    "nl": "Nederlands",
    "ar": "العربية",
}
# Languages written right to left: their pages get ``dir="rtl"``.
RTL_LOCALES = frozenset({"ar"})
LOCALE_COOKIE = "_LOCALE_"
# Registry key of the function ``(db, assembly_id) -> locale or None``.
ASSEMBLY_LOCALE_LOOKUP = "partnerstate.assembly_locale_lookup"

_ = TranslationStringFactory(DOMAIN)


def _p(context: str, msgid: str) -> TranslationString:
    """A message with a context (gettext's ``msgctxt``), extracted as ``_p:1c,2``.

    For one English word that other languages must say two ways: "Rejected" is
    "Rechazada" for a partnership (una alianza) and "Rechazado" for a commons.
    """
    return TranslationString(msgid, domain=DOMAIN, context=context)


def text_direction(locale: str | None) -> str:
    """``"rtl"`` for a language written right to left, else ``"ltr"``: the ``dir`` of
    its pages. The one place that decides it (templates read ``request.text_direction``)."""
    language = (locale or "").replace("_", "-").split("-")[0].lower()
    return "rtl" if language in RTL_LOCALES else "ltr"


def request_text_direction(request: Any) -> str:
    return text_direction(request.locale_name)


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


class AssemblyScoped(Protocol):
    """A route context about something that belongs to one assembly.

    The assembly itself, its meetings, its partnerships and their deliberation, its
    votes and elections, its charters. ``assembly_id`` is read only when nothing the
    visitor chose decides the language, so it may be a property that costs a query.
    """

    @property
    def assembly_id(self) -> int | None: ...


AssemblyLocaleLookup = Callable[[Any, int], str | None]


def set_assembly_locale_lookup(config: Any, lookup: AssemblyLocaleLookup | str) -> None:
    """Directive: how to find an assembly's language, ``lookup(db, assembly_id)``."""
    config.registry[ASSEMBLY_LOCALE_LOOKUP] = config.maybe_dotted(lookup)


def context_locale(request: Any) -> str | None:
    """The language of the assembly the request's context belongs to, if any.

    The context exists once the route matched and its factory ran; before that (a
    404 raised by the factory itself, a request refused by a tween) there is none.
    """
    context = getattr(request, "context", None)
    assembly_id = getattr(context, "assembly_id", None)
    if not isinstance(assembly_id, int):
        return None
    lookup = request.registry.get(ASSEMBLY_LOCALE_LOOKUP)
    if lookup is None:
        return None
    locale = lookup(request.db, assembly_id)
    return locale if locale in LOCALES else None


def negotiate_locale(request: Any) -> str:
    """What the visitor chose, else the language of the page's assembly, else the site's.

    The order is in the module's docstring. Pyramid calls this once, the first time
    the request's locale is used (by then routing is done and ``request.context`` is
    set), and keeps the answer.
    """
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
    # Only now, when nothing the visitor chose applies: this may cost a query.
    return context_locale(request) or request.registry["partnerstate.settings"].default_locale


# --- dates and times: one way to write them, in the city's time zone ---------------------
#
# Pages, PDFs and mails all call these (the reports package through its own Jinja
# filters, which know the report's language rather than the request's). A moment is
# written with the locale's medium date and its short time, never with seconds; a day
# is the city's calendar day (PARTNERSTATE_TIMEZONE), never UTC's.


def _aware(value: dt.datetime) -> dt.datetime:
    # Naive values come from SQLite or old data and are UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def local_date(value: dt.date | dt.datetime, timezone: str) -> dt.date:
    """The city's calendar day of ``value`` (a date is returned as it is)."""
    if isinstance(value, dt.datetime):
        return _aware(value).astimezone(ZoneInfo(timezone)).date()
    return value


def datetime_text(value: dt.datetime, locale: str, timezone: str) -> str:
    """A moment as people read it: "Dec 7, 2026, 12:40 AM", "7 déc. 2026, 00:40"."""
    babel_locale = babel.Locale.parse(locale)
    moment = _aware(value).astimezone(ZoneInfo(timezone))
    day = babel.dates.format_date(moment.date(), "medium", locale=babel_locale)
    clock = babel.dates.format_time(moment, "short", tzinfo=moment.tzinfo, locale=babel_locale)
    # The locale's own way of joining a date and a time ("{1}, {0}", "{1} 'à' {0}"...).
    pattern = str(babel_locale.datetime_formats["medium"]).replace("'", "")
    return pattern.replace("{1}", day).replace("{0}", clock)


def date_text(
    value: dt.date | dt.datetime, locale: str, timezone: str, format: str = "long"
) -> str:
    """A day (the city's, for a moment) in one of Babel's date formats."""
    return babel.dates.format_date(local_date(value, timezone), format=format, locale=locale)


def time_text(value: dt.datetime, locale: str, timezone: str) -> str:
    """The time of day in the city, without seconds."""
    moment = _aware(value).astimezone(ZoneInfo(timezone))
    return babel.dates.format_time(moment, "short", tzinfo=moment.tzinfo, locale=locale)


def _timezone(request: Any) -> str:
    return str(request.registry["partnerstate.settings"].timezone)


def format_datetime(request: Any, value: dt.datetime | None, format: str = "medium") -> str:
    """``value`` in the request's language and the city's time zone (see datetime_text).

    ``format`` is accepted for older templates and ignored: every page writes moments
    the same way, and never with seconds.
    """
    if value is None:
        return ""
    return datetime_text(value, request.locale_name, _timezone(request))


def format_date(request: Any, value: dt.date | dt.datetime | None, format: str = "long") -> str:
    if value is None:
        return ""
    return date_text(value, request.locale_name, _timezone(request), format)


def format_number(request: Any, value: float | int | None) -> str:
    if value is None:
        return ""
    return _decimal_text(type(value), value, request.locale_name)


# An STV election's results page writes about a thousand figures (each round's tallies,
# twice: table and chart), most of them repeated; Babel took 0.05 ms for each, a third
# of the page. The same figure in the same language always reads the same. The type is
# part of the key: 1 and 1.0 are equal but may not be written alike.
@functools.lru_cache(maxsize=4096)
def _decimal_text(_kind: type, value: float | int, locale: str) -> str:
    return babel.numbers.format_decimal(value, locale=locale)


def format_percent(request: Any, value: float | None) -> str:
    if value is None:
        return ""
    return babel.numbers.format_percent(value, locale=request.locale_name)


def format_list_text(request: Any, items: Any, style: str = "standard") -> str:
    """Items as the reader's language lists them: "A, B, and C", "A, B und C", "A وB وC"."""
    texts = [str(item) for item in items or ()]
    return format_list(texts, style=style, locale=request.locale_name) if texts else ""


def language_name(locale: str, in_locale: str) -> str:
    return babel.Locale.parse(locale).get_display_name(in_locale) or locale


class Choices(tuple[Any, ...]):
    """Labels in a message's mapping (TranslationStrings or plain text), translated and
    listed as alternatives in the reader's language ("A, B or C") with the message; see
    ``partnerstate.choices``."""


def _translated_value(request: Any, value: Any) -> Any:
    if isinstance(value, TranslationString):
        return translate(request, value)
    if isinstance(value, Choices):
        labels = [str(_translated_value(request, label)) for label in value]
        return format_list(labels, style="or", locale=request.locale_name) if labels else ""
    return value


def translate(request: Any, message: Any, mapping: dict[str, Any] | None = None) -> str:
    """``message`` in the request's language, and so are the messages in its mapping
    ("the partnership is in state “${status}”" with a status label): Pyramid's localizer
    would interpolate those in English."""
    given = mapping if mapping is not None else getattr(message, "mapping", None)
    if given and any(isinstance(value, (TranslationString, Choices)) for value in given.values()):
        mapping = {key: _translated_value(request, value) for key, value in given.items()}
    return request.localizer.translate(message, mapping=mapping)


def includeme(config: Any) -> None:
    config.set_locale_negotiator(negotiate_locale)
    config.add_directive("set_assembly_locale_lookup", set_assembly_locale_lookup)
    # A language chosen by ``?_LOCALE_=`` is remembered like the switcher's choice.
    config.add_subscriber(
        "partnerstate.views.navigation.remember_locale_parameter", "pyramid.events.ContextFound"
    )
    # One localizer per shipped locale, registered up front: pyramid looks these up
    # by name before it would try to read compiled catalogs from disk.
    for locale in LOCALES:
        localizer = Localizer(locale_name=locale, translations=load_translations(locale))
        config.registry.registerUtility(localizer, ILocalizer, name=locale)
    config.add_request_method(format_datetime, "format_datetime")
    config.add_request_method(format_date, "format_date")
    config.add_request_method(format_number, "format_number")
    config.add_request_method(format_percent, "format_percent")
    config.add_request_method(format_list_text, "format_list")
    config.add_request_method(translate, "translate")
    config.add_request_method(request_text_direction, "text_direction", reify=True)
