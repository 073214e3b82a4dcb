"""The catalogs are current and complete: a stale .pot or a gap in French fails here."""

from __future__ import annotations

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
            "-k", "_", "-k", "_n:1,2", "-k", "pluralize:1,2", "-o", str(target), ".",
        ],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip


def _ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {str(m.id) for m in read_po(handle) if m.id}


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
    present = {str(m.id) for m in catalog if m.id}
    assert expected <= present, f"{locale}: missing {sorted(expected - present)[:10]}"
    untranslated = [
        m.id
        for m in catalog
        if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{locale}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{locale}: fuzzy {fuzzy[:10]}"
