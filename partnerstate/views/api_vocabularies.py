"""``GET /api/v1/vocabularies``: every named vocabulary, labelled in the request's language.

The codes an API client sends and reads (a commitment's ``kind``, a partnership's
``status``, a member's ``role``, a vote's ``method``…) with the words people read,
so that a client shows "Espai" or "المساحة" rather than ``space``. Packages name
their vocabularies with ``config.add_choice_labels(name=...)`` (see
:mod:`partnerstate.choices`); the core knows none of them itself.
"""

from __future__ import annotations

from typing import Any

from partnerstate.api import api_config
from partnerstate.choices import named_vocabularies


@api_config(route_name="api.vocabularies", request_method="GET")
def vocabularies(request: Any) -> dict[str, list[dict[str, str]]]:
    return {
        name: [
            {"id": str(code), "label": str(request.translate(label))}
            for code, label in labels.items()
        ]
        for name, labels in sorted(named_vocabularies(request.registry).items())
    }
