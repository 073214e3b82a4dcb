"""Languages: negotiation order, the switcher, Babel formatting, French pages."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import icalendar
import pytest
from webob.acceptparse import create_accept_language_header

from partnerstate import i18n
from partnerstate.settings import AppSettings
from tests import factories
from tests.conftest import csrf_token, log_in


def lang(page) -> str:
    match = re.search(r'<html lang="([^"]+)"', page.text)
    assert match, "no <html lang>"
    return match.group(1)


# --- negotiation: ?_LOCALE_= > cookie > profile > Accept-Language > assembly > default ---


def test_default_is_english(app):
    assert lang(app.get("/")) == "en"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CA,fr;q=0.9", "fr"),
        ("fr", "fr"),
        ("de", "de"),
        ("de-DE,de;q=0.9,fr;q=0.5", "de"),
        ("pt-BR,pt;q=0.9,fr;q=0.5", "fr"),
        ("en-GB,en;q=0.9,fr;q=0.8", "en"),
        ("*", "en"),
        ("", "en"),
        ("not a header ;;; q=x", "en"),
    ],
)
def test_accept_language(app, header, expected):
    assert lang(app.get("/", headers={"Accept-Language": header})) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # A region or script narrows a language we offer: the language is the match.
        ("ca-ES", "ca"),
        ("de-AT", "de"),
        ("ar-MA", "ar"),
        ("es-419", "es"),
        ("nl-BE,nl;q=0.9", "nl"),
        ("it-CH", "it"),
        ("ar-Arab-MA", "ar"),
        ("DE-at", "de"),
        # The visitor's preferences, by q-value, not by the order of the header.
        ("de;q=0.5,ca;q=0.9", "ca"),
        ("en;q=0.1,ar-EG;q=0.8,fr;q=0.7", "ar"),
        ("zh-CN,ja;q=0.9,nl;q=0.2", "nl"),
        ("es;q=0,it", "it"),
        # Nothing we offer (or only refusals): the site's default.
        ("pt-BR,pt;q=0.9", "en"),
        ("zh-CN", "en"),
        ("ar;q=0", "en"),
    ],
)
def test_accept_language_picks_the_best_of_the_eight(app, header, expected):
    assert lang(app.get("/", headers={"Accept-Language": header})) == expected


def test_an_unknown_accept_language_falls_back_to_the_configured_default():
    request = SimpleNamespace(
        params={},
        cookies={},
        path="/",
        user=None,
        accept_language=create_accept_language_header("pt-BR"),
        registry={"partnerstate.settings": AppSettings(default_locale="ca")},
    )
    assert i18n.negotiate_locale(request) == "ca"


# --- direction: right-to-left languages ----------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "direction"),
    [("ar", "rtl"), ("ar-MA", "rtl"), ("ar_EG", "rtl"), ("en", "ltr"), ("fr", "ltr")]
    + [(code, "ltr") for code in ("es", "ca", "it", "de", "nl")]
    + [(None, "ltr"), ("", "ltr")],
)
def test_text_direction(locale, direction):
    assert i18n.text_direction(locale) == direction


def test_every_right_to_left_language_is_offered():
    assert set(i18n.LOCALES) >= i18n.RTL_LOCALES


@pytest.mark.parametrize("locale", sorted(i18n.LOCALES))
def test_every_page_says_its_language_and_direction(app, locale):
    page = app.get("/login", {"_LOCALE_": locale})
    html = page.html.select_one("html")
    assert html["lang"] == locale
    assert html["dir"] == ("rtl" if locale == "ar" else "ltr")


@pytest.mark.parametrize("path", ["/", "/api-explorer", "/no-such-page"])
def test_arabic_pages_are_right_to_left(app, path):
    page = app.get(path, headers={"Accept-Language": "ar"}, status="*")
    assert re.search(r'<html lang="ar" dir="rtl">', page.text), path


def test_the_outbox_is_right_to_left_in_arabic(official_app):
    page = official_app.get("/outbox", headers={"Accept-Language": "ar"})
    assert '<html lang="ar" dir="rtl">' in page.text


def test_a_403_page_is_right_to_left_in_arabic(member_app):
    page = member_app.get("/outbox", headers={"Accept-Language": "ar"}, status=403)
    assert '<html lang="ar" dir="rtl">' in page.text


def test_parameter_beats_cookie_and_accept_language(app):
    app.set_cookie("_LOCALE_", "en")
    page = app.get("/?_LOCALE_=fr", headers={"Accept-Language": "en"})
    assert lang(page) == "fr"
    assert "Prendre soin des communs, avec votre ville" in page.text


def test_cookie_beats_accept_language(app):
    app.set_cookie("_LOCALE_", "fr")
    assert lang(app.get("/", headers={"Accept-Language": "en"})) == "fr"


def test_cookie_beats_profile(app, db):
    user = factories.make_user(db, locale="fr")
    log_in(app, user.email)
    app.set_cookie("_LOCALE_", "en")
    assert lang(app.get("/")) == "en"


def test_profile_beats_accept_language(app, db):
    user = factories.make_user(db, locale="fr")
    log_in(app, user.email)
    assert "_LOCALE_" not in app.cookies
    page = app.get("/", headers={"Accept-Language": "en"})
    assert lang(page) == "fr"


def test_profile_without_language_falls_back_to_accept_language(app, db):
    user = factories.make_user(db, locale=None)
    log_in(app, user.email)
    assert lang(app.get("/", headers={"Accept-Language": "fr"})) == "fr"


@pytest.mark.parametrize("value", ["xx", "", "fr_FR", "../fr", "FR"])
def test_unknown_locale_parameter_is_ignored(app, value):
    assert lang(app.get("/", {"_LOCALE_": value}, headers={"Accept-Language": "fr"})) == "fr"


def test_unknown_locale_cookie_is_ignored(app):
    app.set_cookie("_LOCALE_", "klingon")
    assert lang(app.get("/")) == "en"


def test_default_locale_setting_is_the_last_resort():
    request = SimpleNamespace(
        params={},
        cookies={},
        path="/",
        user=None,
        accept_language=SimpleNamespace(lookup=lambda offers, default: default),
        registry={"partnerstate.settings": AppSettings(default_locale="fr")},
    )
    assert i18n.negotiate_locale(request) == "fr"


# --- a language chosen by the parameter sticks, as the switcher's does ----------------------


def test_the_parameter_sticks_for_the_next_click(app):
    app.get("/login?_LOCALE_=fr", headers={"Accept-Language": "en"})
    assert app.cookies["_LOCALE_"] == "fr"
    assert lang(app.get("/commons", headers={"Accept-Language": "en"})) == "fr"


def test_a_form_posted_from_a_page_opened_with_the_parameter_answers_in_that_language(app):
    page = app.get("/login?_LOCALE_=fr", headers={"Accept-Language": "en"})
    form = page.forms[0]
    form["email"] = "nobody@example.org"
    form["password"] = "wrong"
    answer = form.submit(headers={"Accept-Language": "en"}, expect_errors=True)
    assert lang(answer) == "fr"


def test_the_parameter_replaces_an_earlier_choice(app):
    app.set_cookie("_LOCALE_", "fr")
    app.get("/login?_LOCALE_=en")
    assert app.cookies["_LOCALE_"] == "en"


def test_the_parameter_is_remembered_in_a_signed_in_users_profile(member_app, db, member):
    member_app.get("/?_LOCALE_=fr")
    db.expire_all()
    assert db.get(type(member), member.id).locale == "fr"


@pytest.mark.parametrize("value", ["klingon", "FR", ""])
def test_an_unknown_parameter_is_not_remembered(app, value):
    app.get("/", {"_LOCALE_": value})
    assert "_LOCALE_" not in app.cookies


def test_api_answers_set_no_language_cookie(app):
    response = app.get("/api/v1/commons?_LOCALE_=fr")
    assert "Set-Cookie" not in response.headers


# --- the switcher -------------------------------------------------------------------------


def test_every_page_has_the_switcher_back_to_itself(app):
    page = app.get("/login")
    links = {a["hreflang"]: a["href"] for a in page.html.select("nav.language-nav a")}
    assert set(links) == set(i18n.LOCALES)
    assert links["fr"] == "http://localhost/language/fr?next=%2Flogin"
    # Each language named in itself, with its lang and hreflang (and its direction).
    for code, name in i18n.LOCALES.items():
        link = page.html.select_one(f"nav.language-nav a[hreflang={code}]")
        assert link["lang"] == code and link.get_text(strip=True) == name
        assert link["dir"] == ("rtl" if code == "ar" else "ltr")
    arabic = page.html.select_one("nav.language-nav a[hreflang=ar]")
    assert arabic.get_text() == "العربية"
    # Eight do not fit in the header's row: they are folded in a menu (no JavaScript)
    # whose summary names the current language in itself.
    menu = page.html.select_one("nav.language-nav details")
    assert menu.select("a") and not menu.has_attr("open")
    current = menu.summary.select_one("[lang]")
    assert current["lang"] == "en" and current.get_text(strip=True) == "English"


def test_the_switcher_sets_the_cookie_and_goes_back(app):
    response = app.get("/language/fr", {"next": "/login"})
    assert response.status_int == 303
    assert response.headers["Location"] == "http://localhost/login"
    assert app.cookies["_LOCALE_"] == "fr"
    page = response.follow()
    assert lang(page) == "fr"
    assert "Se connecter" in page.text
    current = page.html.select_one("nav.language-nav a[aria-current]")
    assert current["hreflang"] == "fr"


def test_the_switcher_keeps_the_query_string(app):
    page = app.get("/login?next=/profile")
    href = page.html.select_one("nav.language-nav a[hreflang=fr]")["href"]
    response = app.get(href)
    assert response.headers["Location"] == "http://localhost/login?next=/profile"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "http:evil.example",
        "evil.example",
        "javascript:alert(1)",
        "",
    ],
)
def test_the_switcher_only_redirects_to_local_paths(app, target):
    response = app.get("/language/fr", {"next": target})
    assert response.headers["Location"] == "http://localhost/"


def test_the_switcher_refuses_backslash_tricks(app):
    response = app.get("/language/fr", {"next": "/\\evil.example"})
    location = response.headers["Location"]
    assert location.startswith("http://localhost/")
    assert "evil.example" not in location.split("/")[2]


def test_the_switcher_without_next_goes_home(app):
    assert app.get("/language/en").headers["Location"] == "http://localhost/"


@pytest.mark.parametrize("locale", ["pt", "xx", "FR", "fr-CA", "ar-MA"])
def test_unknown_locale_in_the_switcher_is_404(app, locale):
    page = app.get(f"/language/{locale}", status=404)
    assert "_LOCALE_" not in app.cookies
    assert "<h1>" in page.text


def test_the_switcher_remembers_a_logged_in_users_choice(member_app, db, member):
    member_app.get("/language/fr", {"next": "/"})
    db.expire_all()
    assert db.get(type(member), member.id).locale == "fr"


def test_the_switcher_is_a_link_not_a_form(app):
    """It changes no data for anonymous visitors, so a plain GET link is fine (no JS)."""
    page = app.get("/")
    assert page.html.select("nav.language-nav form") == []


# --- Babel formatting ------------------------------------------------------------------------


def _request(locale: str, timezone: str = "Europe/Paris") -> SimpleNamespace:
    return SimpleNamespace(
        locale_name=locale, registry={"partnerstate.settings": AppSettings(timezone=timezone)}
    )


WHEN = dt.datetime(2026, 3, 5, 14, 30, tzinfo=dt.UTC)


def test_datetime_in_english_and_french_in_the_city_time_zone():
    english = i18n.format_datetime(_request("en"), WHEN)
    french = i18n.format_datetime(_request("fr"), WHEN)
    assert "Mar 5, 2026" in english and "3:30" in english and "PM" in english
    assert french.startswith("5 mars 2026") and "15:30" in french


def test_one_medium_format_per_locale_and_never_seconds():
    # Pages used to mix "Dec 6, 2026, 11:40:05 PM" (medium, UTC's day) and "12/6/26".
    moment = dt.datetime(2026, 12, 6, 23, 40, 5, tzinfo=dt.UTC)  # 00:40 on 7 Dec in Paris
    for format in ("short", "medium", "long", "full"):
        assert i18n.format_datetime(_request("en"), moment, format) == "Dec 7, 2026, 12:40\u202fAM"
        assert i18n.format_datetime(_request("fr"), moment, format) == "7 déc. 2026, 00:40"
    # The same words in reports, which format in the report's own language.
    assert i18n.datetime_text(moment, "fr", "Europe/Paris") == "7 déc. 2026, 00:40"
    assert i18n.datetime_text(moment.replace(tzinfo=None), "en", "UTC") == (
        "Dec 6, 2026, 11:40\u202fPM"
    )


def test_reports_write_dates_as_pages_do():
    from reports import render

    moment = dt.datetime(2026, 12, 6, 23, 40, 5, tzinfo=dt.UTC)
    context = {"locale": "fr", "timezone": "Europe/Paris"}
    template = render.environment().from_string(
        "{{ when|datetime }} | {{ when|datetime('full') }} | {{ when|date }} | {{ when|time }}"
    )
    assert template.render(when=moment, **context) == (
        "7 déc. 2026, 00:40 | 7 déc. 2026, 00:40 | 7 décembre 2026 | 00:40"
    )
    # Dates stored as ISO text in a charter's JSON read the same.
    assert template.render(when=moment.isoformat(), **context).startswith("7 déc. 2026, 00:40")


def test_datetime_follows_the_timezone_setting():
    assert "09:30" in i18n.format_datetime(_request("fr", "America/Montreal"), WHEN)


def test_date_formats():
    assert i18n.format_date(_request("en"), WHEN) == "March 5, 2026"
    assert i18n.format_date(_request("fr"), WHEN) == "5 mars 2026"
    assert i18n.format_date(_request("fr"), WHEN.date(), "short") == "05/03/2026"
    # Late in the evening UTC is already tomorrow in Paris.
    late = dt.datetime(2026, 3, 5, 23, 30, tzinfo=dt.UTC)
    assert i18n.format_date(_request("fr"), late) == "6 mars 2026"


def test_number_and_percent_formats():
    assert i18n.format_number(_request("en"), 1234567.5) == "1,234,567.5"
    french = i18n.format_number(_request("fr"), 1234567.5)
    assert french.replace("\u202f", " ").replace("\xa0", " ") == "1 234 567,5"
    assert i18n.format_percent(_request("en"), 0.256) == "26%"
    assert i18n.format_percent(_request("fr"), 0.256).replace("\xa0", " ") == "26 %"


def test_numbers_remembered_per_language_and_type():
    # Figures are cached (a results page writes a thousand): the cache must not mix
    # languages, nor equal values of different types.
    for _ in range(2):
        assert i18n.format_number(_request("en"), 1500) == "1,500"
        assert i18n.format_number(_request("fr"), 1500).replace("\u202f", " ") == "1 500"
        assert i18n.format_number(_request("de"), 1500) == "1.500"
        assert i18n.format_number(_request("en"), 2) == "2"
        assert i18n.format_number(_request("en"), Decimal("2.50")) == "2.5"
        assert i18n.format_number(_request("en"), 2.25) == "2.25"


def test_empty_values_format_as_nothing():
    request = _request("fr")
    assert i18n.format_datetime(request, None) == ""
    assert i18n.format_date(request, None) == ""
    assert i18n.format_number(request, None) == ""
    assert i18n.format_percent(request, None) == ""


def test_language_names():
    assert i18n.language_name("fr", "en") == "French"
    assert i18n.language_name("en", "fr") == "anglais"


def test_dates_on_a_page_follow_the_page_language(member_app, db, member):
    factories.make_token(db, member)
    english = member_app.get("/profile").html.select_one("table tbody td:nth-of-type(3)").text
    french = (
        member_app.get("/profile?_LOCALE_=fr").html.select_one("table tbody td:nth-of-type(3)").text
    )
    assert re.search(r"[A-Z][a-z]{2} \d{1,2}, \d{4}", english)
    assert re.search(
        r"\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}",
        french,
    ), french


# --- French pages ------------------------------------------------------------------------


def test_french_404_page(app):
    page = app.get("/nowhere?_LOCALE_=fr", status=404)
    assert lang(page) == "fr"
    assert "Page introuvable" in page.text
    assert "Il n’y a rien à cette adresse." in page.text


def test_french_404_from_accept_language(app):
    page = app.get("/nowhere", headers={"Accept-Language": "fr-FR"}, status=404)
    assert "Page introuvable" in page.text


def test_french_json_errors(app):
    response = app.get("/api/v1/nowhere", headers={"Accept-Language": "fr"}, status=404)
    assert response.json["error"]["message"] == "Introuvable."


def test_messages_inside_a_message_are_translated_too():
    from types import SimpleNamespace

    from pyramid.i18n import Localizer

    from partnerstate.i18n import _, load_translations, translate

    request = SimpleNamespace(localizer=Localizer("fr", load_translations("fr")))
    message = _("Only an adopted partnership has a charter; this one is “${status}”.",
                mapping={"status": _("Active"), "other": 3})  # fmt: skip
    assert translate(request, message).endswith("« En vigueur ».")


def test_french_form_errors_on_the_login_page(app):
    app.set_cookie("_LOCALE_", "fr")
    token = csrf_token(app)
    page = app.post("/login", {"email": "", "password": "", "csrf_token": token}, status=422)
    assert "Ce champ est obligatoire." in page.text
    # The summary's "field: error" follows French typography (a space before the colon).
    first = page.html.select_one(".error-summary li a").text
    assert first.endswith(" : Ce champ est obligatoire."), first


# --- the assembly's language: after Accept-Language, before the site default ---------------


@dataclass
class FrenchAssembly:
    """An assembly whose default language is French, a partnership in its vote, a meeting."""

    assembly: Any
    partnership: Any
    vote: Any
    meeting: Any


MEETING_START = dt.datetime(2030, 3, 10, 17, 30, tzinfo=dt.UTC)


@pytest.fixture
def french(db, official) -> FrenchAssembly:
    from assemblies import services as assemblies
    from deliberation.votes import services as votes
    from tests.assemblies.helpers import PARIS
    from tests.partnerstate.partnerships import helpers

    assembly = helpers.make_assembly(db, "Assemblée des communs", locale="fr")
    facilitator = factories.make_user(db)
    helpers.add_member(db, assembly, facilitator, "facilitator")
    partnership = helpers.make_partnership(db, official, assembly, status="deliberation")
    vote = votes.open_partnership_vote(db, partnership, facilitator)
    meeting = assemblies.schedule_meeting(
        db,
        assembly,
        facilitator,
        {"title": "Plénière", "starts_at": MEETING_START.isoformat(), "location": "Mairie",
         "agenda": ["Accueil"]},
        "fr",
        PARIS,
    )  # fmt: skip
    db.commit()
    return FrenchAssembly(assembly, partnership, vote, meeting)


def test_an_assembly_page_falls_back_to_the_assemblys_language(app, french):
    page = app.get(f"/assemblies/{french.assembly.id}")
    assert lang(page) == "fr"
    assert "Réunions à venir" in page.text
    # Babel's dates follow the page language.
    assert "10 mars 2030" in page.text


def test_a_partnership_page_falls_back_to_its_assemblys_language(app, french):
    page = app.get(f"/partnerships/{french.partnership.id}")
    assert lang(page) == "fr"
    assert "Délibération" in page.text


def test_a_vote_page_falls_back_to_its_assemblys_language(app, french):
    page = app.get(f"/votes/{french.vote.id}")
    assert lang(page) == "fr"
    assert "Options du bulletin" in page.text


def test_the_meeting_calendar_file_falls_back_to_the_assemblys_language(app, french):
    url = f"/assemblies/{french.assembly.id}/meetings/{french.meeting.id}.ics"
    event = icalendar.Calendar.from_ical(app.get(url).body).events[0]
    assert str(event["DESCRIPTION"]).startswith("Ordre du jour :\n1. Accueil")


def test_an_api_answer_falls_back_to_the_assemblys_language(app, french):
    response = app.get(f"/api/v1/votes/{french.vote.id}/results", status=409)
    assert response.json["error"]["message"].startswith("Les résultats")


def test_a_charter_page_falls_back_to_its_assemblys_language(app, db):
    from tests.reports.conftest import issue, make_scene

    scene = make_scene(db, locale="fr")
    charter_id = issue(app, db, scene).json["id"]
    assert lang(app.get(f"/charters/{charter_id}")) == "fr"


def test_accept_language_beats_the_assemblys_language(app, french):
    page = app.get(f"/assemblies/{french.assembly.id}", headers={"Accept-Language": "en"})
    assert lang(page) == "en"
    assert "Upcoming meetings" in page.text and "March 10, 2030" in page.text
    page = app.get(f"/partnerships/{french.partnership.id}", headers={"Accept-Language": "en-GB"})
    assert lang(page) == "en"


def test_the_cookie_and_the_profile_beat_the_assemblys_language(app, db, french):
    app.set_cookie("_LOCALE_", "en")
    assert lang(app.get(f"/votes/{french.vote.id}")) == "en"
    app.reset()
    user = factories.make_user(db, locale="en")
    log_in(app, user.email)
    assert "_LOCALE_" not in app.cookies
    assert lang(app.get(f"/assemblies/{french.assembly.id}")) == "en"


def test_a_signed_in_user_without_a_language_gets_the_assemblys(member_app, french):
    assert lang(member_app.get(f"/partnerships/{french.partnership.id}")) == "fr"


def test_pages_without_an_assembly_keep_the_site_default(app, french):
    assert lang(app.get("/commons")) == "en"
    assert lang(app.get("/assemblies")) == "en"
    # A partnership that does not exist has no assembly either.
    assert lang(app.get("/partnerships/999999", status=404)) == "en"


class _Context:
    """A route context whose assembly must not be looked at."""

    @property
    def assembly_id(self) -> int:
        raise AssertionError("the assembly was looked up although the visitor chose")


def _negotiating(accept: str, context: Any, lookup: Any = None) -> SimpleNamespace:
    registry: dict[str, Any] = {"partnerstate.settings": AppSettings(default_locale="en")}
    if lookup is not None:
        registry[i18n.ASSEMBLY_LOCALE_LOOKUP] = lookup
    return SimpleNamespace(
        params={},
        cookies={},
        path="/",
        user=None,
        accept_language=SimpleNamespace(lookup=lambda offers, default: accept or default),
        registry=registry,
        context=context,
        db="the session",
    )


def test_the_assembly_is_looked_up_only_when_nothing_else_decides():
    """No query for the assembly on requests whose language the visitor chose."""
    assert i18n.negotiate_locale(_negotiating("fr", _Context(), lambda db, id: "en")) == "fr"
    asked = []

    def lookup(db: Any, assembly_id: int) -> str:
        asked.append((db, assembly_id))
        return "fr"

    request = _negotiating("", SimpleNamespace(assembly_id=7), lookup)
    assert i18n.negotiate_locale(request) == "fr"
    assert asked == [("the session", 7)]


@pytest.mark.parametrize(
    ("context", "lookup"),
    [
        (None, lambda db, id: "fr"),  # the context is not known yet (e.g. a factory's 404)
        (object(), lambda db, id: "fr"),  # a context about no assembly
        (SimpleNamespace(assembly_id=None), lambda db, id: "fr"),
        (SimpleNamespace(assembly_id=7), None),  # the assemblies package is not included
        (SimpleNamespace(assembly_id=7), lambda db, id: None),  # no such assembly
        (SimpleNamespace(assembly_id=7), lambda db, id: "pt"),  # not an interface language
    ],
)
def test_without_a_usable_assembly_language_the_site_default_decides(context, lookup):
    assert i18n.negotiate_locale(_negotiating("", context, lookup)) == "en"
