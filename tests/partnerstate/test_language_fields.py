"""Forms with one input per interface language: the page's language first, the others folded.

Eight languages made the commons form 120 inputs long. Each translatable text now shows
the page's language's input, then a ``<details>`` with the seven others (no JavaScript),
which opens by itself when one of them has an error.
"""

from __future__ import annotations

from partnerstate import i18n
from tests.conftest import csrf_token, log_in


def _group(page, prefix: str):
    """The page language's input of ``prefix``, and the <details> holding the others."""
    first = page.html.select_one(f"#{prefix}_{page.html.html['lang']}")
    details = page.html.find(
        lambda tag: tag.name == "details" and tag.select_one(f"[id^={prefix}_]") is not None
    )
    return first, details


def test_the_page_language_comes_first_and_the_others_are_folded(app, member):
    log_in(app, member.email)
    page = app.get("/commons/new")
    first, details = _group(page, "name")
    assert first["id"] == "name_en" and first.find_parent("details") is None
    assert first.get("aria-required") == "true"
    folded = [field["id"] for field in details.select("input[id^=name_]")]
    assert folded == [f"name_{code}" for code in i18n.LOCALES if code != "en"]
    assert not details.has_attr("open")
    assert details.summary.get_text(strip=True) == "Name in other languages"


def test_each_language_is_named_in_itself_with_its_lang(app, member):
    log_in(app, member.email)
    page = app.get("/commons/new")
    for code, name in i18n.LOCALES.items():
        label = page.html.select_one(f"label[for=name_{code}]")
        language = label.select_one(".lang-name")
        assert language["lang"] == code and language.get_text() == f"({name})"
        assert language["dir"] == ("rtl" if code == "ar" else "ltr")
        field = page.html.select_one(f"#name_{code}")
        assert field["lang"] == code
        assert field["dir"] == ("rtl" if code == "ar" else "ltr")


def test_an_arabic_page_puts_arabic_first(app, member):
    app.set_cookie("_LOCALE_", "ar")
    log_in(app, member.email)
    page = app.get("/commons/new")
    first, details = _group(page, "description")
    assert first["id"] == "description_ar" and first["dir"] == "rtl"
    assert details.select_one("#description_en")["dir"] == "ltr"


def test_the_hint_is_shown_once_and_every_input_points_to_it(app, member):
    log_in(app, member.email)
    page = app.get("/commons/new")
    hints = page.html.select("[id^=summary_][id$=-hint]")
    assert [hint["id"] for hint in hints] == ["summary_en-hint"]
    for code in i18n.LOCALES:
        assert "summary_en-hint" in page.html.select_one(f"#summary_{code}")["aria-describedby"]


def test_an_error_in_another_language_opens_the_fold(app, db, member):
    log_in(app, member.email)
    token = csrf_token(app, "/commons/new")
    fields = {"name_en": "Tool shed", "name_de": "x" * 201, "category": "food"}
    response = app.post("/commons/new", {**fields, "csrf_token": token}, status=422)
    _first, details = _group(response, "name")
    assert details.has_attr("open")
    assert details.select_one("#name_de")["aria-invalid"] == "true"
    # The error summary's link leads into the open fold.
    assert response.html.select_one(".error-summary a[href='#name_de']")


def test_the_fold_counts_the_languages_already_given(app, member):
    log_in(app, member.email)
    token = csrf_token(app, "/commons/new")
    # A page shown again (here for a missing category) keeps what was typed.
    fields = {"name_en": "Tool shed", "name_fr": "Cabane", "name_ca": "Cabana", "category": ""}
    response = app.post("/commons/new", {**fields, "csrf_token": token}, status=422)
    _first, details = _group(response, "name")
    assert details.summary.get_text(strip=True) == "Name in other languages (2 given)"
    assert not details.has_attr("open")


def test_the_assembly_form_groups_its_languages_too(app, official):
    log_in(app, official.email)
    page = app.get("/assemblies/new")
    first, details = _group(page, "name")
    assert first["id"] == "name_en"
    assert len(details.select("input[id^=name_]")) == len(i18n.LOCALES) - 1


def test_a_partnership_text_in_arabic_is_typed_right_to_left_on_an_english_page(app, db, official):
    from tests.partnerstate.partnerships import helpers

    cast = helpers.make_cast(db, official)
    partnership = helpers.make_partnership(db, official, cast.assembly, cast.commons, "draft")
    db.commit()
    log_in(app, official.email)
    page = app.get(f"/partnerships/{partnership.id}/edit", {"language": "ar"})
    assert page.html.html["dir"] == "ltr"
    title = page.html.select_one("#title")
    assert title["lang"] == "ar" and title["dir"] == "rtl"
    assert page.html.select_one("#purpose")["dir"] == "rtl"
    # Its labels stay in the page's language and direction.
    assert not page.html.select_one("label[for=title]").has_attr("dir")
    # The languages to choose from are each isolated in their own direction, so that
    # "English · Français · … · العربية" keeps its order in any page.
    tabs = page.html.select("nav.language-tabs a")
    assert [(a["lang"], a["dir"]) for a in tabs] == [
        (code, "rtl" if code == "ar" else "ltr") for code in i18n.LOCALES
    ]
    english = app.get(f"/partnerships/{partnership.id}/edit", {"language": "en"})
    assert english.html.select_one("#title")["dir"] == "ltr"
