"""Walk the demo city as each kind of visitor: no page errors, no broken local links.

Every feature's own tests check its pages; this walk catches what falls between them —
a stylesheet served under a shadowed prefix, a link to a route that was renamed, a page
that breaks only on the demo's real data.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from partnerstate import demo
from tests.conftest import log_in

# Pages are followed up to this many per visitor: enough to reach every kind of page
# the demo holds (each commons, assembly, partnership, vote and charter) and stay quick.
PAGE_LIMIT = 400
# Links that change state or only make sense as downloads of large files.
SKIPPED = re.compile(r"^/(logout|static/|vendor/|votes-static/|reports-static/)|\.(pdf|ics)$")
# Links to another language: a chosen language sticks, so following one would walk the
# rest of the site in that language instead of the visitor's.
LANGUAGE_LINK = re.compile(r"^/language/|[?&]_LOCALE_=")


class _Links(HTMLParser):
    """Collects page links (a href) and sub-resources (link href, script src, img src)."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.pages.append(found["href"] or "")
        elif tag == "link" and found.get("rel") in ("stylesheet", "icon") and found.get("href"):
            self.assets.append(found["href"] or "")
        elif tag in ("script", "img") and found.get("src"):
            self.assets.append(found["src"] or "")


def _local(base: str, href: str) -> str | None:
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("http", "") or parts.netloc not in ("localhost", ""):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_kind(path: str) -> str:
    """``/commons/12?page=2`` → ``/commons/N?page=N``: pages built by the same view."""
    return re.sub(r"\d+", "N", path)


def crawl(app, per_kind: int | None = None) -> tuple[set[str], dict[str, int]]:
    """Visit pages breadth first from the home page; return the pages seen and bad URLs.

    ``per_kind`` visits at most that many pages of each kind (see :func:`page_kind`):
    every view, not every row.
    """
    seen: set[str] = {"/"}
    kinds: Counter[str] = Counter()
    assets: set[str] = set()
    broken: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) <= PAGE_LIMIT:
        path = queue.popleft()
        response = app.get(path, expect_errors=True)
        if response.status_int >= 400 and response.status_int not in (401, 403):
            broken[path] = response.status_int
            continue
        if response.status_int >= 300 or "html" not in response.content_type:
            continue
        links = _Links()
        links.feed(response.text)
        for href in links.assets:
            local = _local(f"http://localhost{path}", href)
            if local and local not in assets:
                assets.add(local)
                status = app.get(local, expect_errors=True).status_int
                if status != 200:
                    broken[local] = status
        for href in links.pages:
            local = _local(f"http://localhost{path}", href.split("#")[0])
            if (
                local
                and local not in seen
                and not SKIPPED.search(local.split("?")[0])
                and not LANGUAGE_LINK.search(local)
                and (per_kind is None or kinds[page_kind(local)] < per_kind)
            ):
                kinds[page_kind(local)] += 1
                seen.add(local)
                queue.append(local)
    return seen, broken


@pytest.mark.parametrize("who", [None, "membre", "facilitator", "official"])
def test_every_page_and_asset_of_the_demo_answers(app, db, who):
    accounts = {a.email.split("@")[0]: a for a in demo.seed(db)}
    db.flush()
    if who:
        log_in(app, accounts[who].email, accounts[who].password)
    seen, broken = crawl(app)
    assert not broken, f"broken as {who or 'anonymous'}: {broken}"
    # The walk reached every part of the site, not just the home page.
    for prefix in ("/commons/", "/assemblies/", "/partnerships/", "/votes/", "/charters/"):
        assert any(p.startswith(prefix) for p in seen), f"no {prefix} page reached"
