"""Choices named in words in error messages ("Must be one of: Space, Funding or Data.").

A refused value is explained by the list of what is allowed. People read labels, not
internal codes (``utilities_maintenance``), so rules put the vocabulary's labels in the
message, and each label is translated with the message: :class:`Choices` in a
message's mapping is translated item by item and joined the way the reader's language
joins alternatives (``partnerstate.i18n.translate`` does it).

The API's schema only knows the codes of an ``enum``; packages register their
vocabularies with ``config.add_choice_labels(...)`` so that its errors say
"Space (space), …": the words, and the code to send. Those registered by name
(``add_choice_labels(roles=...)``) are also listed, labelled in the request's
language, by ``GET /api/v1/vocabularies``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pyramid.i18n import TranslationString

from partnerstate.i18n import Choices, _

VOCABULARIES = "partnerstate.choice_labels"
# Registry key: the named vocabularies the API lists, name -> {code: label}.
NAMED_VOCABULARIES = "partnerstate.named_vocabularies"


def one_of(labels: Iterable[Any]) -> TranslationString:
    """The message that refuses a value outside a vocabulary, naming its labels."""
    return _("Must be one of: ${allowed}.", mapping={"allowed": Choices(labels)})


def labelled_codes(codes: Sequence[Any], vocabulary: Mapping[Any, Any] | None) -> Choices:
    """For the API: each code with its label when known ("Space (space)"), else the code."""
    items = []
    for code in codes:
        label = (vocabulary or {}).get(code)
        if label is None:
            items.append(str(code))
        else:
            items.append(_("${label} (${code})", mapping={"label": label, "code": str(code)}))
    return Choices(items)


def vocabulary_for(registry: Any, codes: Iterable[Any]) -> Mapping[Any, Any] | None:
    """The registered vocabulary that names every one of these codes, if any."""
    wanted = {code for code in codes if code is not None}
    for vocabulary in registry.get(VOCABULARIES, []):
        if wanted <= set(vocabulary):
            return vocabulary
    return None


def add_choice_labels(
    config: Any, *vocabularies: Mapping[Any, Any], **named: Mapping[Any, Any]
) -> None:
    """Directive: vocabularies (code -> label) the API's enum errors may name in words.

    Those given by keyword are published under that name by ``/api/v1/vocabularies``.
    """
    config.registry.setdefault(VOCABULARIES, []).extend([*vocabularies, *named.values()])
    config.registry.setdefault(NAMED_VOCABULARIES, {}).update(named)


def named_vocabularies(registry: Any) -> Mapping[str, Mapping[Any, Any]]:
    return registry.get(NAMED_VOCABULARIES, {})


def includeme(config: Any) -> None:
    from partnerstate.i18n import LOCALES

    config.add_directive("add_choice_labels", add_choice_labels)
    # Interface languages, each named in its own words as the language menu does.
    config.add_choice_labels(languages=LOCALES)
    config.add_route("api.vocabularies", "/api/v1/vocabularies")
