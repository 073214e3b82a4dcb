"""HTML and PDF rendering for reports, with no Pyramid request involved.

A report is rendered in *its own* language (a French charter stays French when an
English-speaking official downloads it), so this module keeps a Jinja2 environment
of its own whose gettext, date and number helpers read the locale from the
template context instead of from a request. WeasyPrint then turns the HTML into a
PDF — PDF/A-3b for archival documents, with machine-readable attachments.

Nothing here touches the network: the URL fetcher only serves ``data:`` URIs, so a
report can never be made to load a remote resource while it is rendered.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import babel.numbers
import segno
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup
from pyramid.i18n import TranslationString

from partnerstate.i18n import (
    _,
    date_text,
    datetime_text,
    load_translations,
    text_direction,
    time_text,
)
from partnerstate.localized import pick
from partnerstate.markup import render_markdown

PACKAGE_DIR = Path(__file__).parent
TEMPLATE_DIRS = (PACKAGE_DIR / "templates", PACKAGE_DIR / "types")
PDF_VARIANT = "pdf/a-3b"
#: Name of the sRGB colour profile given to WeasyPrint as the PDF/A output intent.
OUTPUT_INTENT = "sRGB-IEC61966-2.1"
DEFAULT_TIMEZONE = "Europe/Paris"
#: The families every print stylesheet uses; both are installed by the project's setup
#: (fonts-dejavu-core, fonts-noto-core in .ci/run). DejaVu covers the Latin-script
#: locales; Arabic gets Noto Naskh Arabic, placed before DejaVu Sans (whose Arabic is
#: basic). The print stylesheets give Arabic its own stacks (``html:lang(ar)``).
FONT_STACK = '"DejaVu Serif", "Noto Naskh Arabic", "DejaVu Sans", "Noto Serif", serif'


class RenderError(RuntimeError):
    """A report could not be rendered (missing template, resource refused...)."""


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF (PDF/A-3 allows any type, with a relationship)."""

    name: str
    data: bytes
    description: str = ""
    # ISO 32000-2 relationship: the charter's JSON is the *source* the PDF is made from.
    relationship: str = "Source"


@dataclass(frozen=True)
class PdfMetadata:
    title: str
    author: str = ""
    subject: str = ""
    keywords: Sequence[str] = field(default_factory=tuple)


# --- translations and formatting bound to a locale -----------------------------------


@functools.lru_cache(maxsize=16)
def translations(locale: str) -> Any:
    """The compiled catalog for ``locale`` (read once per process; catalogs are static)."""
    return load_translations(locale)


def translate(locale: str, message: Any, mapping: Mapping[str, Any] | None = None) -> str:
    """Translate a msgid or TranslationString into ``locale``, with ``${name}`` mapping."""
    context = getattr(message, "context", None)
    catalog = translations(locale)
    text = catalog.pgettext(context, str(message)) if context else catalog.gettext(str(message))
    if isinstance(message, TranslationString) and message.mapping and mapping is None:
        mapping = message.mapping
    if mapping:
        text = TranslationString(text, mapping=dict(mapping)).interpolate()
    return text


def _locale(context: Any) -> str:
    return context.get("locale") or "en"


#: The comma that joins two names ("City of Lille, Parks department"), where a
#: language's differs from ", " (Arabic writes "،").
LIST_COMMAS = {"ar": "\u060c "}


def list_comma(locale: str) -> str:
    return LIST_COMMAS.get(locale, ", ")


def _timezone_name(context: Any) -> str:
    return str(context.get("timezone") or DEFAULT_TIMEZONE)


@pass_context
def _gettext(context: Any, message: str) -> str:
    return translations(_locale(context)).gettext(message)


@pass_context
def _ngettext(context: Any, singular: str, plural: str, n: int) -> str:
    return translations(_locale(context)).ngettext(singular, plural, n)


def _parse_date(value: Any) -> dt.date | dt.datetime | None:
    """Dates arrive as objects or as ISO strings (the charter's content is JSON)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value)
    try:
        return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
    except ValueError:
        return None


@pass_context
def date_filter(context: Any, value: Any, format: str = "long") -> str:
    parsed = _parse_date(value)
    if parsed is None:
        return ""
    return date_text(parsed, _locale(context), _timezone_name(context), format)


@pass_context
def datetime_filter(context: Any, value: Any, format: str = "medium") -> str:
    """A moment as every page writes it (medium date, short time, no seconds); ``format``
    is accepted for older templates and ignored."""
    parsed = _parse_date(value)
    if parsed is None:
        return ""
    if not isinstance(parsed, dt.datetime):
        return date_filter(context, parsed)
    return datetime_text(parsed, _locale(context), _timezone_name(context))


@pass_context
def time_filter(context: Any, value: Any, format: str = "short") -> str:
    parsed = _parse_date(value)
    if not isinstance(parsed, dt.datetime):
        return ""
    return time_text(parsed, _locale(context), _timezone_name(context))


@pass_context
def number_filter(context: Any, value: Any) -> str:
    if value is None or value == "":
        return ""
    return babel.numbers.format_decimal(value, locale=_locale(context))


@pass_context
def percent_filter(context: Any, value: Any) -> str:
    if value is None or value == "":
        return ""
    return babel.numbers.format_percent(value, locale=_locale(context))


@pass_context
def localized_filter(context: Any, value: Any) -> str:
    return pick(value, _locale(context), context.get("fallback_locale") or "en")


def css_string(text: Any) -> Markup:
    """``text`` as a double-quoted CSS string, safe inside a ``<style>`` element."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    # "<" would let "</style>" end the element early.
    escaped = escaped.replace("<", "\\3C ")
    return Markup(f'"{escaped}"')  # noqa: S704 - escaped for CSS above, the reason it exists


_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
PAGE_OF_PAGES = _("Page ${page} of ${pages}")


@pass_context
def page_counter_css(context: Any) -> Markup:
    """CSS ``content`` for "Page X of Y" in the report's language, word order included.

    The translated sentence is split on its placeholders so that a language putting
    the total first still reads naturally: every literal piece becomes a CSS string
    and ``${page}`` / ``${pages}`` become the page counters.
    """
    text = translations(_locale(context)).gettext(str(PAGE_OF_PAGES))
    parts: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > position:
            parts.append(css_string(text[position : match.start()]))
        name = match.group(1)
        parts.append("counter(pages)" if name == "pages" else "counter(page)")
        position = match.end()
    if position < len(text):
        parts.append(css_string(text[position:]))
    return Markup(" ".join(parts))  # noqa: S704 - CSS strings escaped by css_string


@functools.lru_cache(maxsize=64)
def qr_png_data_uri(url: str) -> str:
    """A QR code for ``url`` as a 1-bit PNG data URI, for print.

    A PNG rather than SVG: WeasyPrint embeds one image for every page's footer,
    where it would redraw an SVG path on each page (slower, bigger file). Ten
    pixels per module, drawn without interpolation (``image-rendering: pixelated``),
    stays sharp at any print size.
    """
    return segno.make(url, error="m", micro=False).png_data_uri(scale=10, border=0)


def qr_svg_inline(url: str, scale: int = 4) -> Markup:
    """The same QR code as inline SVG markup, for HTML pages (no extra request)."""
    return Markup(_qr_svg(url, scale))  # noqa: S704 - segno escapes the title; the rest is generated


# Encoding a QR code (choosing its mask) was half of a charter page's time under load,
# and a charter's code never changes: a process keeps the latest few hundred.
@functools.lru_cache(maxsize=256)
def _qr_svg(url: str, scale: int) -> str:
    svg = segno.make(url, error="m", micro=False).svg_inline(
        scale=scale, border=2, title=url, svgclass="qr", lineclass=None, omitsize=True
    )
    # An image named by its <title> (the address it encodes), for screen readers too.
    return svg.replace("<svg ", '<svg role="img" ', 1)


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    """The reports' Jinja2 environment (shared, read-only, locale taken from the context)."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(path)) for path in TEMPLATE_DIRS]),
        autoescape=select_autoescape(enabled_extensions=("jinja2", "html"), default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(_gettext, _ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.filters.update(
        date=date_filter,
        datetime=datetime_filter,
        time=time_filter,
        number=number_filter,
        percent=percent_filter,
        localized=localized_filter,
        css_string=css_string,
        # On paper a link's address is printed after its text.
        markdown=functools.partial(render_markdown, print_links=True),
    )
    env.globals.update(
        page_counter_css=page_counter_css,
        qr_png_data_uri=qr_png_data_uri,
        font_stack=FONT_STACK,
        text_direction=text_direction,
        list_comma=list_comma,
    )
    return env


def render_html(template: str, context: Mapping[str, Any], locale: str) -> str:
    """Render ``template`` with ``context`` in ``locale`` (the template reads ``locale``)."""
    return environment().get_template(template).render({**context, "locale": locale})


# --- PDF ------------------------------------------------------------------------------


_local = threading.local()


def _fonts_and_sheets() -> tuple[Any, dict[str, Any]]:
    """This thread's WeasyPrint font configuration and parsed stylesheets.

    Reused from one report to the next: loading fonts and parsing the print
    stylesheet again for every PDF costs about a sixth of a charter's rendering.
    Per thread, because a Pango font map is not meant to be shared between threads.
    """
    if getattr(_local, "font_config", None) is None:
        from weasyprint.text.fonts import FontConfiguration

        _local.font_config = FontConfiguration()
        _local.stylesheets = {}
    return _local.font_config, _local.stylesheets


def _stylesheet(text: str, fetcher: Any) -> Any:
    from weasyprint import CSS

    font_config, cache = _fonts_and_sheets()
    sheet = cache.get(text)
    if sheet is None:
        sheet = cache[text] = CSS(string=text, url_fetcher=fetcher, font_config=font_config)
    return sheet


def _data_only_fetcher() -> Any:
    """A WeasyPrint fetcher for ``data:`` URIs only: a report never reaches the network."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",))


def html_to_pdf(
    html: str,
    stylesheets: Sequence[str] = (),
    *,
    attachments: Sequence[PdfAttachment] = (),
    archival: bool = True,
    identifier: bytes | None = None,
) -> bytes:
    """Lay out ``html`` with the print ``stylesheets`` and return the PDF bytes.

    ``archival`` makes a PDF/A-3b file (embedded fonts, sRGB output intent, XMP
    metadata with the ``pdfaid`` identification) that may carry ``attachments``.
    """
    # WeasyPrint is imported here: it is slow to import, and only rendering needs it.
    from weasyprint import HTML

    options: dict[str, Any] = {}
    if archival:
        options["pdf_variant"] = PDF_VARIANT
    if identifier is not None:
        options["pdf_identifier"] = identifier
    fetcher = _data_only_fetcher()
    document = HTML(string=html, url_fetcher=fetcher)
    pdf = _write_pdf(document, stylesheets, attachments, fetcher, options)
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf without target returns bytes
        raise RenderError("WeasyPrint returned no PDF")
    return pdf


def _write_pdf(
    document: Any,
    stylesheets: Sequence[str],
    attachments: Sequence[PdfAttachment],
    fetcher: Any,
    options: dict[str, Any],
) -> Any:
    from weasyprint import Attachment

    font_config, _ = _fonts_and_sheets()
    if "pdf_variant" in options:
        # PDF/A needs an sRGB output intent. Left to itself WeasyPrint opens its
        # profile file for each PDF and never closes it (a ResourceWarning on every
        # render); we hand it the same profile read once, under our own name.
        options = {**options, "output_intent": OUTPUT_INTENT}
        color_profiles = {OUTPUT_INTENT: _srgb_profile()}
    else:
        color_profiles = None
    return document.write_pdf(
        stylesheets=[_stylesheet(sheet, fetcher) for sheet in stylesheets],
        font_config=font_config,
        color_profiles=color_profiles,
        attachments=[
            Attachment(
                string=item.data,
                name=item.name,
                description=item.description or None,
                relationship=item.relationship,
                url_fetcher=fetcher,
            )
            for item in attachments
        ],
        **options,
    )


@functools.lru_cache(maxsize=1)
def _srgb_icc() -> bytes:
    """The sRGB IEC61966-2.1 profile WeasyPrint ships for PDF/A output intents."""
    from importlib.resources import files

    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


def _srgb_profile() -> Any:
    """A fresh ColorProfile per PDF (WeasyPrint stores the PDF object's number in it)."""
    from weasyprint.css import ColorProfile

    components = (["r"], ["g"], ["b"])
    return ColorProfile(
        io.BytesIO(_srgb_icc()), "sRGB2014.icc", "relative-colorimetric", components
    )


def read_stylesheet(path: Path) -> str:
    return _read_text(str(path))


@functools.lru_cache(maxsize=32)
def _read_text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")
