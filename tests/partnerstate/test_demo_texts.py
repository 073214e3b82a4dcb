"""The demo city speaks en, fr, es, ca, it, de and nl: its texts, and the pages showing them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from partnerstate import demo, demo_texts

DEMO_LANGUAGES = ("en", "fr", "es", "ca", "it", "de", "nl")


def _localized_values(value: Any) -> Iterator[dict[str, str]]:
    """Every ``{"en": …}`` mapping inside a seeder's data."""
    if isinstance(value, dict):
        if isinstance(value.get("en"), str):
            yield value
        for item in value.values():
            yield from _localized_values(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _localized_values(item)


def _seeders_data() -> list[dict[str, str]]:
    from assemblies import demo as assemblies_demo
    from deliberation.votes import demo as votes_demo
    from partnerstate.commons import demo as commons_demo
    from partnerstate.partnerships import demo as partnerships_demo
    from reports import demo as reports_demo

    found: list[dict[str, str]] = []
    for module in (assemblies_demo, commons_demo, partnerships_demo, votes_demo, reports_demo):
        for name, value in vars(module).items():
            if name.isupper():
                found += _localized_values(value)
    return found


def test_every_translated_text_belongs_to_a_seeder():
    """A typo in an English key would leave its translations unused: none is."""
    written = {value["en"] for value in _seeders_data()}
    unused = [english for english in demo_texts.more_languages() if english not in written]
    assert unused == []


@pytest.mark.parametrize(
    "english",
    [
        "Lille Assembly of the Commons",
        "Moulins library of things",
        "Pact for the Moulins library of things",
        "Pact for the Fives shared garden",
        "Fives shared garden",
    ],
)
def test_the_demo_names_are_written_in_seven_languages(english):
    value = next(v for v in _seeders_data() if v["en"] == english)
    for locale in DEMO_LANGUAGES:
        assert value.get(locale, "").strip(), f"{english!r} has no {locale} version"
    assert len({value[locale] for locale in DEMO_LANGUAGES}) >= 5  # not copies of one


def test_the_demo_charter_pact_is_written_in_every_language_it_may_be_issued_in():
    """Its whole text, so the charter form offers every language (Arabic included)."""
    from partnerstate.i18n import LOCALES
    from reports import charter
    from reports import demo as reports_demo

    text = charter.PartnershipText(
        id=1,
        title=reports_demo.THINGS["title"],
        purpose=reports_demo.THINGS["purpose"],
        governance=reports_demo.THINGS["governance"],
        city_commitments=tuple(
            charter.Commitment(item["description"])
            for item in reports_demo.THINGS["city_commitments"]
        ),
        commons_commitments=tuple(
            charter.Commitment(item["description"])
            for item in reports_demo.THINGS["commons_commitments"]
        ),
    )
    assert {locale: charter.missing_translations(text, locale) for locale in LOCALES} == {
        locale: [] for locale in LOCALES
    }


def test_the_demo_commons_page_shows_its_catalan_name(app, db):
    from partnerstate.commons.models import Commons

    demo.seed(db)
    db.commit()
    garden = next(
        c for c in db.scalars(select(Commons)) if c.name.get("en") == "Fives shared garden"
    )
    page = app.get(f"/commons/{garden.id}", {"_LOCALE_": "ca"})
    assert "Hort compartit de Fives" in page.text
    assert "Vint bancals elevats" in page.text
    german = app.get(f"/commons/{garden.id}", {"_LOCALE_": "de"})
    assert "Gemeinschaftsgarten Fives" in german.text


def test_the_synthetic_city_texts_are_in_seven_languages():
    from pathlib import Path

    from partnerstate.demo_city import build, texts

    title = texts.localized("Pact number {n}", "Pacte numéro {n}", n=7)
    assert set(title) == set(DEMO_LANGUAGES)
    assert (title["de"], title["nl"], title["ca"]) == (
        "Pakt Nummer 7",
        "Pact nummer 7",
        "Pacte número 7",
    )
    kind = texts.KINDS[3]
    name = texts.localized("{kind} {district} {n}", "{kind} {district} {n}", kind=kind,
                           district="Fives", n=3)  # fmt: skip
    assert name["it"] == "Biblioteca degli oggetti Fives 3"
    assert all(set(k) == set(DEMO_LANGUAGES) for k in texts.KINDS)
    # Every template translated there is one the builder writes (no typo in a key).
    source = Path(build.__file__).read_text(encoding="utf-8")
    assert [key for key in texts.MORE if f'"{key}"' not in source] == []
