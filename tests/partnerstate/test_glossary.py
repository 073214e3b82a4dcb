"""Each language names the domain's things one way: translations/GLOSSARY.md, enforced.

The French charter once said both "commoners" and "communeurs"; a reader of a legal text
takes two words for two things. The glossary fixes one term per language and the
catalogs, the charter and the main pages are checked against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from partnerstate import demo
from partnerstate.i18n import LOCALES
from partnerstate.partnerships.models import Partnership
from reports.models import Charter
from tests.conftest import log_in
from tests.test_french_pages import page_text

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "translations" / "GLOSSARY.md"
TRANSLATED = sorted(set(LOCALES) - {"en"})

# The English terms and how each is found in a message (with its plural).
TERMS = {
    "commons": r"(?<!creative )\bcommons\b",
    "commoner": r"\bcommoners?\b",
    "partner state": r"\bpartner[- ]states?\b",
    "assembly of the commons": r"\bassembl(?:y|ies) of the commons\b",
    "collaboration pact": r"\bcollaboration pacts?\b",
    "enabling commitment": r"\benabling commitments?\b",
    "status quo": r"\bstatus quo\b",
    "quorum": r"\bquorums?\b",
    "facilitator": r"\bfacilitators?\b",
    "observer": r"\bobservers?\b",
    "receipt": r"\breceipts?\b",
    "ranked vote": r"\branked (?:votes?|voting|ballots?)\b",
}
NONE = {"", "—", "-"}


@dataclass(frozen=True)
class Entry:
    term: str  # what the language writes
    accepted: tuple[str, ...]  # the term and its inflections, as substrings
    avoided: tuple[str, ...]  # competing words the glossary settles against


def read_glossary(text: str) -> dict[str, dict[str, Entry]]:
    """``{locale: {english term: Entry}}`` from the markdown tables, one per ``## Name (xx)``."""
    glossary: dict[str, dict[str, Entry]] = {}
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading = re.search(r"\((\w\w)\)\s*$", section.splitlines()[0])
        if heading is None:
            continue
        entries = glossary.setdefault(heading.group(1), {})
        for line in section.splitlines():
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) == 4 and cells[0].lower() in TERMS:
                forms = [cells[1], *cells[2].split(",")]
                entries[cells[0].lower()] = Entry(
                    cells[1],
                    tuple(f.strip() for f in forms if f.strip() not in NONE),
                    tuple(w.strip() for w in cells[3].split(",") if w.strip() not in NONE),
                )
    return glossary


@pytest.fixture(scope="module")
def glossary() -> dict[str, dict[str, Entry]]:
    return read_glossary(GLOSSARY.read_text(encoding="utf-8"))


def uses(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def catalog(locale: str):
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def test_the_glossary_is_read_as_written():
    sample = (
        "## Français (fr)\n\n| English | Français | Also | Not |\n|---|---|---|---|\n"
        "| commoner | communeur | communeurs, communeuse | commoners |\n"
        "| quorum | quorum | — | — |\n"
    )
    entries = read_glossary(sample)["fr"]
    assert entries["commoner"] == Entry(
        "communeur", ("communeur", "communeurs", "communeuse"), ("commoners",)
    )
    assert entries["quorum"] == Entry("quorum", ("quorum",), ())


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_language_has_a_term_for_every_word_of_the_domain(glossary, locale):
    assert set(glossary.get(locale, {})) == set(TERMS), (
        f"{locale}: {sorted(glossary.get(locale, {}))}"
    )


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_uses_the_glossary_term(glossary, locale):
    entries = glossary[locale]
    wrong: list[str] = []
    for message in catalog(locale):
        if not message.id:
            continue
        english = " ".join(message.id) if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for name, pattern in TERMS.items():
            entry = entries[name]
            # The last plural form is the general one; a form for "one" may say it otherwise.
            if re.search(pattern, english, re.IGNORECASE) and not any(
                form.lower() in strings[-1].lower() for form in entry.accepted
            ):
                wrong.append(f"{name!r} is not {entry.term!r} in {strings[-1]!r}")
            wrong.extend(
                f"{word!r} (not {entry.term!r}) in {string!r}"
                for word in entry.avoided
                for string in strings
                if uses(string, word)
            )
    assert not wrong, f"{locale}: {len(wrong)} messages off the glossary: {wrong[:8]}"


def test_a_message_off_the_glossary_is_found(glossary):
    # The check above, on the French charter's old sentence.
    commoner = glossary["fr"]["commoner"]
    old = "Les engagements des commoners"
    assert not any(form in old for form in commoner.accepted)
    assert any(uses(old, word) for word in commoner.avoided)


# Pages where the domain's words are most read.
MAIN_PAGES = ("/", "/commons", "/partnerships", "/charters")


def charter_html(db, locale: str) -> str:
    """The demo pact's charter in ``locale`` as it would be issued now (its PDF's HTML)."""
    from reports import charter_report, services

    issued = db.scalars(select(Charter).order_by(Charter.id)).first()
    partnership = db.get(Partnership, issued.partnership_id)
    # The demo issued its charter in one language: the others are drafts of the same pact.
    if services.current_charter(db, partnership.id, locale) is not None:
        content = services.current_charter(db, partnership.id, locale).content
        sha256 = "0" * 64
    else:
        draft = services.prepare(
            db, partnership, services.IssueRequest(locale=locale), base_url="http://localhost"
        )
        content, sha256 = draft.content, draft.sha256
    data = charter_report.charter_data(content, sha256, "http://localhost")
    return charter_report.CHARTER.render_html(data)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_charter_and_main_pages_keep_to_the_glossary(app, db, glossary, locale):
    accounts = {account.email.split("@")[0]: account for account in demo.seed(db)}
    db.flush()
    log_in(app, accounts["official"].email, accounts["official"].password)
    app.set_cookie("_LOCALE_", locale)
    texts = {path: page_text(app.get(path).text) for path in MAIN_PAGES}
    texts["charter"] = page_text(charter_html(db, locale))
    avoided = {word for entry in glossary[locale].values() for word in entry.avoided}
    found = {path: sorted(w for w in avoided if uses(text, w)) for path, text in texts.items()}
    assert not any(found.values()), f"{locale}: {found}"
    # The charter's partner-state clause, in the glossary's words.
    for name in ("partner state", "commons", "commoner"):
        forms = glossary[locale][name].accepted
        assert any(form.lower() in texts["charter"].lower() for form in forms), name
