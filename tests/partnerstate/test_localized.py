"""Locale-keyed user content: which language is shown, and the text itself."""

from __future__ import annotations

import pytest

from partnerstate.localized import is_language_code, normalize, pick, shown_language


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        ({"en": "Garden", "fr": "Jardin"}, "fr", "fr"),
        ({"en": "Garden", "fr": "Jardin"}, "de", "en"),
        ({"fr": "Jardin"}, "en", "fr"),
        ({"fr": "", "de": "Garten"}, "fr", "de"),
        ({}, "en", None),
        ("Garden", "fr", None),
        (None, "en", None),
    ],
)
def test_shown_language(value, locale, expected):
    assert shown_language(value, locale) == expected


def test_pick_follows_the_shown_language():
    assert pick({"en": "Garden", "fr": "Jardin"}, "fr") == "Jardin"
    assert pick({"fr": "Jardin"}, "en") == "Jardin"
    assert pick({"de": "Garten"}, "fr", fallback="de") == "Garten"
    assert pick("Garden", "fr") == "Garden"
    assert pick(None, "fr") == "" and pick({}, "fr") == ""


def test_normalize_keeps_only_text():
    assert normalize("  Garden ", "en") == {"en": "Garden"}
    assert normalize({"en": " ", "fr": "Jardin", "de": 3}, "en") == {"fr": "Jardin"}
    with pytest.raises(TypeError):
        normalize(3, "en")


class _Settings:
    default_locale = "en"


class _Request:
    locale_name = "en"
    registry = {"partnerstate.settings": _Settings()}


@pytest.mark.parametrize(
    ("value", "attribute"),
    [
        ({"en": "Garden", "fr": "Jardin"}, ""),
        ({"fr": "Jardin"}, ' lang="fr"'),
        ({"pt-BR": "Horta"}, ' lang="pt-BR"'),
        ({'x" onmouseover="alert(1)': "Boo"}, ""),  # not a language tag: nothing said
        ("Garden", ""),
    ],
)
def test_lang_attribute_names_the_language_shown(value, attribute):
    from partnerstate.templating import lang_attribute_filter

    assert str(lang_attribute_filter({"request": _Request()}, value)) == attribute


class _ArabicRequest(_Request):
    locale_name = "ar"


@pytest.mark.parametrize(
    ("request_class", "value", "attribute"),
    [
        # Shown in the other direction than the page's: the direction is said too.
        (_ArabicRequest, {"en": "Garden"}, ' lang="en" dir="ltr"'),
        (_Request, {"ar": "حديقة"}, ' lang="ar" dir="rtl"'),
        (_ArabicRequest, {"ar": "حديقة", "en": "Garden"}, ""),
    ],
)
def test_lang_attribute_gives_the_direction_when_it_differs(request_class, value, attribute):
    from partnerstate.templating import lang_attribute_filter

    assert str(lang_attribute_filter({"request": request_class()}, value)) == attribute


@pytest.mark.parametrize(
    "code", ["en", "fr", "oc", "ar", "eus", "pt-BR", "zh-Hant", "pcd", "vls", "frp"]
)
def test_content_may_be_in_any_language_cldr_knows(code):
    assert is_language_code(code)


@pytest.mark.parametrize(
    "code", ["xx", "qq", "und", "", "EN", "fr_FR", "../fr", "english", 3, None]
)
def test_typos_and_non_codes_are_not_languages(code):
    assert not is_language_code(code)
