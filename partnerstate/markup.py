"""User-written Markdown to safe HTML: markdown-it-py renders, nh3 sanitizes.

Raw HTML in the source is not rendered at all (``html=False``); nh3 then removes
anything that could still run (event handlers, ``javascript:`` URLs, scripts).
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "hr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(source: str | None) -> Markup:
    """Limited Markdown (no headings above h3, no images, no raw HTML) as safe HTML."""
    if not source:
        return Markup("")
    html = _markdown.render(source)
    # Headings from users must not compete with the page's own h1/h2.
    for level in (1, 2):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 -- sanitized by nh3 just above


_TAG = re.compile(r"<[a-zA-Z!/?]")


def contains_markup(text: str) -> bool:
    """Whether plain-text input (names, titles) smuggles HTML tags (``a < b`` is fine)."""
    return bool(_TAG.search(text))
