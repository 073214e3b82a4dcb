"""Reading a re-shown form's errors in functional tests."""

from __future__ import annotations

from typing import Any


def field_errors(page: Any) -> dict[str, list[str]]:
    """The messages under each field of a page's forms: ``{field id: [messages]}``.

    ``forms.jinja2`` lists a field's errors in ``<ul class="errors" id="<field>-error">``,
    the list its ``aria-describedby`` points to.
    """
    return {
        ul["id"].removesuffix("-error"): [li.get_text(" ", strip=True) for li in ul.select("li")]
        for ul in page.html.select("ul.errors[id$='-error']")
    }
