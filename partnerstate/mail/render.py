"""Render a message from one Jinja2 template, in the recipient's language.

A mail template extends ``mail/layout.jinja2`` and fills two blocks: ``subject`` and
``body`` (plain, simple HTML: paragraphs, links, lists). The HTML alternative is the
rendered template; the text part is derived from that same HTML (links written out
in full), so the two never say different things.

Rendering needs no request: the worker renders fan-outs on its own, and a request
renders in the recipient's language, which is seldom the page's.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import jinja2
from markupsafe import Markup

from partnerstate import i18n

# The packages whose templates/ folders hold mail templates (core first).
TEMPLATE_PACKAGES = ("partnerstate", "assemblies", "deliberation", "reports")


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    locale: str


def mail_locale(*candidates: str | None, default: str = "en") -> str:
    """The first shipped language among ``candidates`` (profile, assembly…), else ``default``."""
    for candidate in candidates:
        if candidate in i18n.LOCALES:
            return candidate
    return default if default in i18n.LOCALES else i18n.SOURCE_LOCALE


@functools.cache
def _translations(locale: str) -> Any:
    return i18n.load_translations(locale)


@functools.cache
def environment(locale: str, timezone: str) -> jinja2.Environment:
    """One environment per language (gettext is installed on the environment, and the
    worker thread renders beside request threads, so none is ever switched)."""
    loader = jinja2.ChoiceLoader(
        [jinja2.PackageLoader(package, "templates") for package in TEMPLATE_PACKAGES]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(_translations(locale), newstyle=True)  # type: ignore[attr-defined]
    # Moments are written as pages write them (partnerstate.i18n): in the city's time
    # zone (PARTNERSTATE_TIMEZONE) and the recipient's language, never UTC nor ISO text.
    # They travel through jobs as ISO text, so the filters take either.
    env.filters["datetime"] = lambda value: i18n.datetime_text(_moment(value), locale, timezone)
    env.filters["date"] = lambda value, format="long": i18n.date_text(
        _moment(value), locale, timezone, format
    )
    env.filters["time"] = lambda value: i18n.time_text(_moment(value), locale, timezone)
    env.globals["locale"] = locale
    # Arabic mails are right to left: ``<html dir="rtl">`` in the layout.
    env.globals["text_direction"] = i18n.text_direction(locale)
    env.globals["ltr"] = ltr
    return env


def ltr(value: str) -> Markup:
    """``value`` isolated left to right (an address inside a sentence of any direction)."""
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


def _moment(value: dt.datetime | dt.date | str) -> Any:
    """A datetime (or date) from a value a template was given, ISO text included."""
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


def render(template_name: str, locale: str, timezone: str, **context: Any) -> RenderedMail:
    """Render ``template_name`` in ``locale``: subject, text and HTML."""
    template = environment(locale, timezone).get_template(template_name)
    variables = template.new_context({**context, "locale": locale})
    subject = " ".join("".join(template.blocks["subject"](variables)).split())
    body_html = template.render(**context, locale=locale)
    return RenderedMail(
        subject=html.unescape(subject), text=html_to_text(body_html), html=body_html, locale=locale
    )


class _TextWriter(HTMLParser):
    """HTML to readable plain text: paragraphs, list items, and links with their address."""

    BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "ul", "ol", "table", "tr", "br"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.href: str | None = None
        self.link_text: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("head", "style", "title"):
            self.skip += 1
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "style", "title"):
            self.skip -= 1
        elif tag == "a" and self.href is not None:
            label = " ".join("".join(self.link_text).split())
            self.parts.append(
                f"{label}: {self.href}" if label and label != self.href else self.href
            )
            self.href = None
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.href is not None:
            self.link_text.append(data)
        else:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> str:
    writer = _TextWriter()
    writer.feed(markup)
    writer.close()
    lines = [line.strip() for line in "".join(writer.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
