"""What needs you: the sections of the home page a signed-in person sees.

The core cannot know what the feature packages hold (it never imports them), so each
package that has something to ask of people registers a section with the
``add_home_section`` directive: a function ``factory(request)`` that returns a
:class:`Section`, or None when the section does not concern this person (join requests
for someone who facilitates no assembly). Factories run bounded queries (a few rows
and a count) through their own package's services; the home view only composes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from partnerstate.localized import pick, shown_language

SECTIONS = "partnerstate.home_sections"

# How many rows a section shows; the "see all" link leads to the rest.
SHOWN = 5


@dataclass(frozen=True)
class Item:
    """One line of a section: what it is (a link), and a note such as a closing time."""

    label: str
    url: str
    note: str = ""
    # The language of ``label`` when it differs from the page's (user content).
    lang: str | None = None


@dataclass(frozen=True)
class Section:
    """A titled list of what needs the person, with a link to the full list.

    ``total`` counts every matching row, not only the ``items`` shown; ``empty`` is
    what the section says when there is nothing (it is shown, not hidden, so that
    people know the page looked).
    """

    name: str
    heading: str
    items: Sequence[Item]
    total: int
    more_url: str
    more_label: str
    empty: str


def localized_item(request: Any, value: Any, fallback: str, url: str, note: str = "") -> Item:
    """An item named by user content (a locale-keyed dict), marked with its language
    when it falls back to another one than the page's (WCAG 3.1.2)."""
    locale = request.locale_name
    language = shown_language(value, locale, fallback)
    return Item(
        label=pick(value, locale, fallback),
        url=url,
        note=note,
        lang=language if language and language != locale else None,
    )


def add_home_section(config: Any, name: str, factory: Any, order: int = 100) -> None:
    """Directive: a section of the signed-in home page, from ``factory(request)``."""
    sections = config.registry.setdefault(SECTIONS, [])
    sections.append({"name": name, "factory": config.maybe_dotted(factory), "order": order})
    sections.sort(key=lambda section: section["order"])


def sections_for(request: Any) -> list[Section]:
    """The sections that concern the signed-in person, in the registered order."""
    found = []
    for registered in request.registry.get(SECTIONS, []):
        section = registered["factory"](request)
        if section is not None:
            found.append(section)
    return found


def includeme(config: Any) -> None:
    config.add_directive("add_home_section", add_home_section)
