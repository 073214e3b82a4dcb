"""Every page and PDF of the demo city, read in each language, holds no English message.

The catalog says which English sentences have a translation; any of them found
in a translated page is a message that was rendered without going through gettext (a code
shown as it is, a label formatted in English, a template string left unmarked).
Only messages of at least two words are looked for: single words ("Vote", "Commons")
also occur in names and user content, which are data and not the interface's to translate.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from partnerstate import demo, i18n
from tests.conftest import log_in
from tests.reports import pdfs
from tests.test_site_crawl import crawl

# Attributes whose text a reader hears or sees as much as the page's text.
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
# Placeholders split a message into the literal parts a page shows.
PDF_LINK = re.compile(r'href="(?:http://localhost)?(/[^"?#]*\.pdf)"')
PLACEHOLDER = re.compile(r"\$\{\w+\}|%\(\w+\)s|%s")


def telling(part: str) -> bool:
    """Two words or more, one of them long: "of the" between two names tells nothing."""
    words = part.split()
    return len(words) >= 2 and any(len(word) >= 4 for word in words)


def english_messages(locale: str = "fr") -> set[str]:
    """The catalog's English msgids of two words or more whose translation differs."""
    with i18n.catalog_path(locale).open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    found: set[str] = set()
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            continue
        for msgid in ids:
            for part in PLACEHOLDER.split(msgid):
                part = " ".join(part.split()).strip(" .,:;")
                if telling(part) and not any(part in string for string in strings):
                    found.add(part)
    return found


# Elements whose text is not the interface's: code, and what people typed (edit forms).
SKIPPED_ELEMENTS = ("script", "style", "pre", "code", "textarea")


# Elements that never hold text, so never close: a ``lang`` on them spans nothing.
VOID_ELEMENTS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Text(HTMLParser):
    """What a reader meets on a page in ``locale``: the interface's text, and labels.

    Text marked as another language (``lang="en"`` on user content shown in its
    original language, the switcher's language names) is not the interface's.
    """

    def __init__(self, locale: str | None = None) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skipping = 0
        self._locale = locale
        self._languages: list[tuple[str, str]] = []  # (tag, lang) of open elements

    def _foreign(self) -> bool:
        return bool(self._languages) and self._languages[-1][1].split("-")[0] != self._locale

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self._locale and found.get("lang") and tag != "html" and tag not in VOID_ELEMENTS:
            self._languages.append((tag, found["lang"] or ""))
        if tag in SKIPPED_ELEMENTS:
            self._skipping += 1
        if not self._foreign():
            self.chunks.extend(value or "" for name, value in attrs if name in READ_ATTRIBUTES)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_ELEMENTS and self._skipping:
            self._skipping -= 1
        if self._languages and self._languages[-1][0] == tag:
            self._languages.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping and not self._foreign():
            self.chunks.append(data)


# Edit forms quote the text being translated in its source language (user content).
QUOTED_ORIGINAL = re.compile(r"Texte original\u00a0?\s*:.*", re.DOTALL)


def page_text(html: str, locale: str | None = None) -> str:
    reader = _Text(locale)
    reader.feed(html)
    chunks = (QUOTED_ORIGINAL.sub("", chunk) for chunk in reader.chunks)
    return " ".join(" ".join(chunks).split())


def english_in(text: str, messages: set[str]) -> list[str]:
    return sorted(m for m in messages if re.search(rf"(?<!\w){re.escape(m)}(?!\w)", text))


# French is read by both kinds of visitor; the other languages by the official, who
# reaches every page an anonymous visitor does and more.
VISITS = [("fr", None), ("fr", "official")] + [
    (locale, "official") for locale in sorted(set(i18n.LOCALES) - {"en", "fr"})
]


@pytest.mark.parametrize(("locale", "who"), VISITS)
def test_every_translated_page_and_pdf_of_the_demo_has_no_english_message(app, db, locale, who):
    if locale != "fr" and db.get_bind().dialect.name != "sqlite":
        pytest.skip("what a page says does not depend on the database: walked on SQLite")
    messages = english_messages(locale)
    accounts = {a.email.split("@")[0]: a for a in demo.seed(db)}
    db.flush()
    app.set_cookie("_LOCALE_", locale)
    if who:
        log_in(app, accounts[who].email, accounts[who].password)
    # French is walked whole; the others see two pages of each kind.
    seen, _ = crawl(app, per_kind=None if locale == "fr" else 2)
    found: dict[str, list[str]] = {}
    documents: set[str] = set()
    for path in sorted(seen):
        response = app.get(path, expect_errors=True)
        if response.status_int != 200 or "html" not in response.content_type:
            continue
        documents.update(PDF_LINK.findall(response.text))
        if english := english_in(page_text(response.text, locale), messages):
            found[path] = english
    assert documents, "no PDF reached"
    for path in sorted(documents):
        response = app.get(path)
        if english := english_in(pdfs.text(response.body), messages):
            found[path] = english
    assert not found, f"English in {locale} pages as {who or 'anonymous'}: {found}"


def test_people_of_the_demo_are_named_alike_in_every_language():
    # A name is never translated, so a role written into it ("Claire Martin (city)")
    # stayed English on French pages; roles are shown by the pages, in the page's language.
    assert all(re.fullmatch(r"[\w' -]+", account.name) for account in demo.ACCOUNTS)
