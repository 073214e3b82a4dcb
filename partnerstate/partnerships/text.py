"""User-written Markdown on partnership and deliberation pages.

Users must see what they typed. The source therefore goes to
``partnerstate.markup.render_markdown`` untouched: markdown-it-py renders it with
raw HTML turned off, so a tag typed by a user (``<script>``, ``<img onerror=…>``)
is escaped and shown as text, never run, while Markdown's own uses of ``<`` keep
working: autolinks (``<https://…>``, ``<ana@example.org>``), code spans and blocks,
and a lone ``a < b``. nh3 then keeps only the allowed tags, attributes and link
schemes (http, https, mailto).

Tags used to be stripped from the source before rendering; that silently ate
autolinks, the content of code spans and any text between a ``<`` and a ``>``,
so it is gone. One layer stays on top: a ``javascript:`` or ``vbscript:`` scheme
is never written literally into the page's HTML (its colon becomes ``&#58;``,
which reads the same), so the HTML never holds a script URL, not even as the
text of a link the renderer refused (``[x](javascript:…)`` is shown as typed).
This is defence in depth, not what makes links safe (a browser decodes ``&#58;``
in an attribute): markdown-it refuses such links and nh3 allows only http, https
and mailto.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from partnerstate.markup import render_markdown

_SCRIPT_SCHEME = re.compile(r"(?i)\b(java|vb)(\s*)(script)(\s*):")


def render(source: str | None) -> Markup:
    """Sanitized HTML for a post, a summary or a partnership's text."""
    if not source:
        return Markup("")
    rendered = str(render_markdown(source))
    return Markup(_SCRIPT_SCHEME.sub(r"\1\2\3\4&#58;", rendered))  # noqa: S704 -- sanitized above
