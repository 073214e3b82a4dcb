"""Every enumerated label the API returns is in the request's language, in all eight.

The labels come from the catalog: a language with a catalog must translate each of
them (the words may be the English ones when the language says it so, "Communication"
in French, but only if its catalog says so). Before a catalog lands, only the shape
is checked for that language.
"""

from __future__ import annotations

import pytest
from pyramid.i18n import TranslationString as TS

from partnerstate.choices import named_vocabularies
from partnerstate.i18n import LOCALES
from tests.catalogs import has_catalog, translated_msgids

#: What clients need to show the codes they read: at least these are listed.
EXPECTED = {
    "languages",
    "commons_categories",
    "commons_natures",
    "commons_interventions",
    "commons_statuses",
    "commitment_kinds",
    "partnership_types",
    "partnership_statuses",
    "partnership_transitions",
    "assembly_roles",
    "voting_methods",
    "stances",
    "charter_statuses",
}


def _labels(body):
    return {name: {item["id"]: item["label"] for item in items} for name, items in body.items()}


def _check_language(locale, labels, english, msgids):
    for name, items in labels.items():
        assert set(items) == set(english[name]), name
        for code, label in items.items():
            assert isinstance(label, str) and label.strip(), (name, code)
            message = msgids[name][code]
            if locale == "en" or not has_catalog(locale) or not isinstance(message, TS):
                continue  # proper names ("CC BY 4.0", "Català") are not translated
            # The words may equal the English ones only where the catalog chose them.
            translated = str(message) in translated_msgids(locale)
            assert translated, f"{name}.{code} is not translated in {locale}: {label!r}"


@pytest.mark.parametrize("locale", list(LOCALES))
def test_every_vocabulary_is_labelled_in_the_requests_language(app, wsgi_app, locale):
    by_parameter = app.get("/api/v1/vocabularies", {"_LOCALE_": locale}).json
    by_header = app.get(
        "/api/v1/vocabularies", headers={"Accept-Language": f"{locale}, en;q=0.5"}
    ).json
    assert by_header == by_parameter
    english = _labels(app.get("/api/v1/vocabularies", {"_LOCALE_": "en"}).json)
    labels = _labels(by_parameter)
    assert set(labels) >= EXPECTED
    msgids = dict(named_vocabularies(wsgi_app.registry))
    _check_language(locale, labels, english, msgids)
    # Languages are named in themselves, whatever the page's language.
    assert labels["languages"] == LOCALES


@pytest.mark.parametrize("locale", list(LOCALES))
def test_the_commons_categories_are_labelled_in_the_requests_language(app, wsgi_app, locale):
    body = app.get("/api/v1/commons/categories", {"_LOCALE_": locale}).json
    english = app.get("/api/v1/commons/categories", {"_LOCALE_": "en"}).json
    vocabularies = named_vocabularies(wsgi_app.registry)
    names = {
        "items": "commons_categories",
        "natures": "commons_natures",
        "interventions": "commons_interventions",
    }
    labels = {names[key]: {i["id"]: i["label"] for i in body[key]} for key in names}
    english_labels = {names[key]: {i["id"]: i["label"] for i in english[key]} for key in names}
    _check_language(locale, labels, english_labels, vocabularies)
    # The same words as the vocabularies list gives.
    listed = _labels(app.get("/api/v1/vocabularies", {"_LOCALE_": locale}).json)
    assert labels["commons_categories"] == listed["commons_categories"]


def test_labels_follow_the_language(app):
    """A label read in French and in English: the words change, the code does not."""
    french = _labels(app.get("/api/v1/vocabularies", {"_LOCALE_": "fr"}).json)
    english = _labels(app.get("/api/v1/vocabularies", {"_LOCALE_": "en"}).json)
    assert english["commitment_kinds"]["space"] == "Space"
    assert french["commitment_kinds"]["space"] != "Space"
    assert english["assembly_roles"]["facilitator"] != french["assembly_roles"]["facilitator"]
