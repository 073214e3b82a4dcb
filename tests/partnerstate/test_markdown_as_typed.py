"""User Markdown on partnership and deliberation pages: shown as typed, nothing in it runs."""

from __future__ import annotations

import pytest

from partnerstate.markup import render_markdown as render


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Markdown's autolinks are links, not tags to remove.
        (
            "**For** it, because <https://x.org> and …",
            '<p><strong>For</strong> it, because <a href="https://x.org" '
            'rel="nofollow noopener noreferrer">https://x.org</a> and …</p>',
        ),
        (
            "<ana@x.org>",
            '<p><a href="mailto:ana@x.org" rel="nofollow noopener noreferrer">ana@x.org</a></p>',
        ),
        # A lone < or > is text.
        ("if a<b and c>d then", "<p>if a&lt;b and c&gt;d then</p>"),
        # Code keeps its content, inline or in a block.
        ("`<div>` is a tag", "<p><code>&lt;div&gt;</code> is a tag</p>"),
        ("```\n<b>x</b>\n```", "<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>"),
        # An entity shows the character it names, as text.
        ("Use &lt;b&gt; to bold", "<p>Use &lt;b&gt; to bold</p>"),
    ],
)
def test_the_text_is_shown_as_typed(source, expected):
    assert render(source).strip() == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
        ('<a href="https://x.org">x</a>', '<p>&lt;a href="https://x.org"&gt;x&lt;/a&gt;</p>'),
        ("&lt;img src=x onerror=alert(1)&gt;", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
        ("<!-- hidden -->", "<p>&lt;!-- hidden --&gt;</p>"),
    ],
)
def test_raw_html_is_shown_as_text(source, expected):
    assert render(source).strip() == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("[x](javascript:alert(1))", "<p>[x](javascript&#58;alert(1))</p>"),
        ("[x](JaVaScRiPt:alert(1))", "<p>[x](JaVaScRiPt&#58;alert(1))</p>"),
        ("[x](&#106;avascript:alert(1))", "<p>[x](javascript&#58;alert(1))</p>"),
        ("<javascript:alert(1)>", "<p>&lt;javascript&#58;alert(1)&gt;</p>"),
        ("[x](vbscript:msgbox(1))", "<p>[x](vbscript&#58;msgbox(1))</p>"),
        ("[x](data:text/html,hi)", "<p>[x](data:text/html,hi)</p>"),
        # A scheme the renderer accepts but the sanitizer does not loses its target.
        ("[x](ftp://x.org)", '<p><a rel="nofollow noopener noreferrer">x</a></p>'),
    ],
)
def test_only_safe_schemes_become_links(source, expected):
    assert render(source).strip() == expected


def test_safe_links_keep_their_target():
    assert 'href="https://x.org/a?b=1"' in render("[x](https://x.org/a?b=1)")
    assert 'href="mailto:ana@x.org"' in render("[write](mailto:ana@x.org)")


@pytest.mark.parametrize("source", [None, ""])
def test_no_text_is_no_html(source):
    assert render(source) == ""


def test_remembered_renderings_keep_screen_and_paper_apart():
    # Renderings are cached per text: the printed form (links spelled out) must not be
    # served to the screen, nor the other way round, and both stay safe markup.
    from partnerstate.markup import render_markdown

    source = "See [the garden](https://example.org/garden)."
    for _ in range(2):
        screen = render_markdown(source)
        paper = render_markdown(source, print_links=True)
        assert "(https://example.org/garden)" not in screen
        assert "(https://example.org/garden)" in paper
        assert type(screen).__name__ == "Markup"
