"""The catalogs are current and complete: a stale .pot or a gap in French fails here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from partnerstate.i18n import LOCALES

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "translations" / "messages.pot"


def _extract(target: Path) -> None:
    subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "extract",
            "-F", "babel.cfg", "--no-location", "--sort-output", "--omit-header",
            "-k", "_", "-k", "_n:1,2", "-k", "pluralize:1,2", "-k", "_p:1c,2",
            "-o", str(target), ".",
        ],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip


def _key(message) -> str:
    """A message's identity: its msgid, and its context when it has one."""
    return f"{message.context}\x04{message.id}" if message.context else str(message.id)


def _ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {_key(m) for m in read_po(handle) if m.id}


def test_pot_is_up_to_date(tmp_path):
    fresh = tmp_path / "messages.pot"
    _extract(fresh)
    stale = _ids(fresh) ^ _ids(POT)
    assert not stale, (
        f"translations/messages.pot is stale; run `make translations`: {sorted(stale)[:10]}"
    )


@pytest.mark.parametrize("locale", sorted(set(LOCALES) - {"en"}))
def test_shipped_catalog_is_complete(locale):
    path = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    expected = _ids(POT)
    present = {_key(m) for m in catalog if m.id}
    assert expected <= present, f"{locale}: missing {sorted(expected - present)[:10]}"
    untranslated = [
        m.id
        for m in catalog
        if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{locale}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{locale}: fuzzy {fuzzy[:10]}"


# What a translation must keep of its message: the values put into it. A placeholder
# the translation invents raises KeyError when the page is built (a 500); one it loses
# drops a number or a name from the sentence.
PLACEHOLDER = re.compile(r"\$\{\w+\}|%\(\w+\)[sdif]|\{\w*\}")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_placeholders_are_recognized():
    assert placeholders("${name} voted %(count)s times in {0}") == {"${name}", "%(count)s", "{0}"}


@pytest.mark.parametrize("locale", sorted(set(LOCALES) - {"en"}))
def test_translations_keep_their_placeholders_and_plural_forms(locale):
    path = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            strings = message.string
            if len(strings) != catalog.num_plurals:
                wrong.append(f"{message.id[0]!r}: {len(strings)} forms, not {catalog.num_plurals}")
            wanted = placeholders(" ".join(message.id))
            # A form for one (or two) may say the number in words: only the general
            # form must keep every value; no form may invent one.
            if strings and not wanted <= placeholders(strings[-1]):
                wrong.append(f"{message.id[0]!r}: lost {wanted - placeholders(strings[-1])}")
        else:
            strings = (message.string,)
            wanted = placeholders(message.id)
            if not wanted <= placeholders(message.string):
                wrong.append(f"{message.id!r}: lost {wanted - placeholders(message.string)}")
        for string in strings:
            if invented := placeholders(string) - wanted:
                wrong.append(f"{message.id!r}: invents {invented}")
    assert not wrong, f"{locale}: {wrong[:10]}"
