"""User-written Markdown on partnership and deliberation pages.

``partnerstate.markup.render_markdown`` already makes any text safe (raw HTML is
escaped, then nh3 removes whatever could run). Here, as a second layer, raw HTML
tags are removed from the source instead of being shown as text, and a
``javascript:`` scheme is never written literally, so not even the words of an
attempted script injection reach the page.
"""

from __future__ import annotations

import html
import re

import nh3
from markupsafe import Markup

from partnerstate.markup import render_markdown

_SCRIPT_SCHEME = re.compile(r"(?i)\b(java|vb)(\s*)(script)(\s*):")


def strip_tags(source: str) -> str:
    """The text without HTML tags (``a < b`` survives; script and style lose their content)."""
    text = source
    for _pass in range(3):
        # Entities typed by the user ("&lt;img …&gt;") become tags once unescaped:
        # strip again until nothing changes.
        cleaned = html.unescape(nh3.clean(text, tags=set(), clean_content_tags={"script", "style"}))
        if cleaned == text:
            break
        text = cleaned
    return text


def render(source: str | None) -> Markup:
    """Sanitized HTML for a post, a summary or a partnership's text."""
    if not source:
        return Markup("")
    rendered = str(render_markdown(strip_tags(source)))
    return Markup(_SCRIPT_SCHEME.sub(r"\1\2\3\4&#58;", rendered))  # noqa: S704 -- sanitized above
