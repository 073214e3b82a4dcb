"""What the shipped catalogs translate, for tests that check a page or a PDF's language."""

from __future__ import annotations

import functools

from babel.messages.pofile import read_po

from partnerstate.i18n import catalog_path


def has_catalog(locale: str) -> bool:
    return catalog_path(locale).is_file()


@functools.cache
def translated_msgids(locale: str) -> frozenset[str]:
    """The msgids the catalog of ``locale`` translates (empty when it has no catalog).

    A msgid whose translation is the English word itself ("Communication" in French)
    is translated all the same: it is in this set.
    """
    if not has_catalog(locale):
        return frozenset()
    with catalog_path(locale).open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    return frozenset(m.id for m in catalog if m.id and isinstance(m.id, str) and m.string)
