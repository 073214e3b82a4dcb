"""Jinja2 templates: one base layout, i18n extension, Babel filters bound to the request."""

from __future__ import annotations

import re
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup, escape
from pyramid.threadlocal import get_current_request
from pyramid_jinja2.i18n import GetTextWrapper

from partnerstate import i18n
from partnerstate.localized import pick, shown_language

# A BCP 47 language tag as content keys use them ("fr", "pt-BR"); other keys are not
# worth announcing to a screen reader.
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _request(context: Any) -> Any:
    return context.get("request")


@pass_context
def datetime_filter(context: Any, value: Any, format: str = "medium") -> str:
    return i18n.format_datetime(_request(context), value, format)


@pass_context
def date_filter(context: Any, value: Any, format: str = "long") -> str:
    return i18n.format_date(_request(context), value, format)


@pass_context
def number_filter(context: Any, value: Any) -> str:
    return i18n.format_number(_request(context), value)


@pass_context
def percent_filter(context: Any, value: Any) -> str:
    return i18n.format_percent(_request(context), value)


@pass_context
def list_filter(context: Any, items: Any, style: str = "standard") -> Markup:
    """``names|format_list``: a list in the page's language, escaped once (an item may be
    markup already, e.g. a macro's output: it is unescaped first)."""
    texts = [item.unescape() if isinstance(item, Markup) else item for item in items or ()]
    return escape(i18n.format_list_text(_request(context), texts, style))


@pass_context
def localized_filter(context: Any, value: Any) -> str:
    """Pick the request's language from a locale-keyed dict (user content), with fallback."""
    request = _request(context)
    return pick(
        value, request.locale_name, request.registry["partnerstate.settings"].default_locale
    )


@pass_context
def lang_attribute_filter(context: Any, value: Any) -> Markup:
    """` lang="xx"` when ``value|localized`` falls back to another language than the page's.

    WCAG 3.1.2: a screen reader must read a French description with a French voice
    on an English page. Put it on the element that holds the text: ``<h1{{ x|lang }}>``.
    """
    request = _request(context)
    language = shown_language(
        value, request.locale_name, request.registry["partnerstate.settings"].default_locale
    )
    if language is None or language == request.locale_name or not LANGUAGE_TAG.match(language):
        return Markup("")
    direction = i18n.text_direction(language)
    if direction != i18n.text_direction(request.locale_name):
        # English shown on an Arabic page reads left to right, and the other way round.
        return Markup(' lang="{}" dir="{}"').format(language, direction)
    return Markup(' lang="{}"').format(language)


def lang_attributes(locale: str) -> Markup:
    """` lang="ar" dir="rtl"` for an element whose text is in ``locale`` (a charter's
    title, a mail's subject), whatever the page's own language."""
    return Markup(' lang="{}" dir="{}"').format(locale, i18n.text_direction(locale))


def ltr_filter(value: Any) -> Markup:
    """``value`` isolated and left to right: ``<bdi dir="ltr">…</bdi>``.

    For what is read character by character whatever the page's language — receipts,
    hashes, codes, commands, email addresses, URLs, ids. In an Arabic sentence the
    bidirectional algorithm would otherwise reorder "K7QH-3MZC" around its dashes.
    """
    if value is None or value == "":
        return Markup("")
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


class GetText(GetTextWrapper):
    """Templates' ``_()``: like pyramid_jinja2's, but the messages in a message's mapping
    are translated too (a form error "Must be one of: ${allowed}." lists labels)."""

    def gettext(self, message: Any, mapping: Any = None) -> str:
        request = get_current_request()
        given = mapping if mapping is not None else getattr(message, "mapping", None)
        if request is None or not given:
            return str(super().gettext(message, mapping=mapping))
        return i18n.translate(request, message, mapping)


def add_nav_item(config: Any, route: str, label: Any, section: str | None = None) -> None:
    """Directive for feature packages: put a link to ``route`` in the main navigation."""
    items = config.registry.setdefault("partnerstate.nav", [])
    items.append({"route": route, "label": label, "section": section or route})


def includeme(config: Any) -> None:
    config.add_directive("add_nav_item", add_nav_item)
    config.include("pyramid_jinja2")
    settings = config.get_settings()
    settings.setdefault("jinja2.i18n.domain", i18n.DOMAIN)
    settings.setdefault("jinja2.i18n.gettext", "partnerstate.templating.GetText")
    config.add_jinja2_renderer(".jinja2")
    config.add_jinja2_search_path("partnerstate:templates", name=".jinja2")

    def configure_environment() -> None:
        env = config.get_jinja2_environment(".jinja2")
        env.policies["ext.i18n.trimmed"] = True
        env.filters.update(
            datetime=datetime_filter,
            date=date_filter,
            number=number_filter,
            percent=percent_filter,
            format_list=list_filter,
            localized=localized_filter,
            lang=lang_attribute_filter,
            ltr=ltr_filter,
        )
        env.globals["locales"] = i18n.LOCALES
        env.globals["text_direction"] = i18n.text_direction
        env.globals["lang_attributes"] = lang_attributes
        env.globals["Markup"] = Markup

    # The environment exists only once pyramid_jinja2's own actions have run.
    config.action(None, configure_environment, order=999)
    config.add_static_view("static", "partnerstate:static", cache_max_age=3600)
