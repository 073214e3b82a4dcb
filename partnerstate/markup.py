"""User-written Markdown to safe HTML: markdown-it-py renders, nh3 sanitizes.

Users see what they typed: raw HTML in the source is escaped and shown as text
(``html=False``), never run, while Markdown's own uses of ``<`` keep working
(autolinks, code spans, a lone ``a < b``). nh3 then keeps only the allowed tags,
attributes and link schemes (http, https, mailto). On top of that, a ``javascript:``
or ``vbscript:`` scheme is never written literally into the page (its colon becomes
``&#58;``, which reads the same): defence in depth, not what makes links safe.
"""

from __future__ import annotations

import functools
import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "hr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
_SCRIPT_SCHEME = re.compile(r"(?i)\b(java|vb)(\s*)(script)(\s*):")


def render_markdown(source: str | None, *, print_links: bool = False) -> Markup:
    """Limited Markdown (no headings above h3, no images, no raw HTML) as safe HTML.

    ``print_links`` is for paper (charters, reports): a link's address is written
    after its text, since nobody can click on a printed page.
    """
    if not source:
        return Markup("")
    return Markup(_rendered(source, print_links))  # noqa: S704 -- sanitized by nh3 in _rendered


# A deliberation page renders some seventy posts, the same ones for every reader: the
# rendering (a fifth of the page's time) depends on the text alone, so a process keeps
# the latest few thousand. Up to 2,048 posts of at most a few kilobytes each.
@functools.lru_cache(maxsize=2048)
def _rendered(source: str, print_links: bool) -> str:
    tokens = _markdown.parse(source)
    if print_links:
        _write_link_addresses(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
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
    return _SCRIPT_SCHEME.sub(r"\1\2\3\4&#58;", clean)


def _write_link_addresses(tokens: list[Token]) -> None:
    """After each link whose text is not its own address, add " (address)"."""
    for block in tokens:
        children = block.children
        if block.type != "inline" or not children:
            continue
        result: list[Token] = []
        href, shown = "", ""
        for token in children:
            result.append(token)
            if token.type == "link_open":
                href, shown = str(token.attrGet("href") or ""), ""
            elif token.type in ("text", "code_inline"):
                shown += token.content
            elif token.type == "link_close" and href:
                address = href.removeprefix("mailto:")
                if shown.strip() not in (href, address):
                    result.append(Token("text", "", 0, content=f" ({address})"))
                href = ""
        block.children = result


_TAG = re.compile(r"<[a-zA-Z!/?]")


def contains_markup(text: str) -> bool:
    """Whether plain-text input (names, titles) smuggles HTML tags (``a < b`` is fine)."""
    return bool(_TAG.search(text))


# Posts longer than this (in characters of their source) are folded on the page: an
# excerpt, then the whole text in a <details> that opens without JavaScript. A debate of
# 10,000-character arguments shown in full buries the replies.
FOLD_AT = 1_500
EXCERPT_LENGTH = 500


def is_long(source: str | None) -> bool:
    return source is not None and len(source) > FOLD_AT


def excerpt(source: str | None, length: int = EXCERPT_LENGTH) -> str:
    """The beginning of a text, cut at a space (or a line end) and marked with "…"."""
    if not source or len(source) <= length:
        return source or ""
    cut = source[:length]
    boundary = max(cut.rfind(" "), cut.rfind("\n"))
    if boundary > length // 2:
        cut = cut[:boundary]
    return cut.rstrip() + "…"
