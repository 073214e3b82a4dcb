"""Sorting names as a reader of each language expects: ICU collation keys.

"Name (A to Z)" must put "Épicerie" with the E's for a French reader, "ñ" after "n"
for a Spanish one. ICU (through PyICU) knows each language's rules; hand-written
rules would not. The register may hold thousands of commons, so the key of each
name in each interface language is computed once, when the name changes, and
stored (``commons_sort_keys``): the database orders by comparing bytes, which both
engines do, with an index, without loading any row into Python.
"""

from __future__ import annotations

from functools import cache

import icu

# Collation keys longer than this are cut: they still order names that differ in
# their first ~100 characters, which is every real name.
MAX_KEY_BYTES = 400


@cache
def _collator(locale: str) -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale(locale))


def sort_key(locale: str, name: str) -> bytes:
    """The bytes that order ``name`` among others the way ``locale``'s readers do."""
    # One collator per language, shared: ICU's collators are safe to read from many
    # threads (getSortKey is a const method), and building one costs far more.
    return bytes(_collator(locale).getSortKey(name))[:MAX_KEY_BYTES]
