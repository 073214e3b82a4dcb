"""What is read character by character stays left to right on Arabic pages.

Addresses, links, codes: the ``|ltr`` filter isolates them in ``<bdi dir="ltr">``,
inputs and blocks carry ``dir="ltr"``.
"""

from __future__ import annotations

from markupsafe import Markup

from partnerstate.templating import lang_attributes, ltr_filter
from tests.conftest import log_in
from tests.partnerstate.commons.helpers import published


def test_the_filter_isolates_and_escapes():
    assert ltr_filter("K7QH-3MZC") == Markup('<bdi dir="ltr">K7QH-3MZC</bdi>')
    assert ltr_filter("<b>") == Markup('<bdi dir="ltr">&lt;b&gt;</bdi>')
    assert ltr_filter(None) == "" and ltr_filter("") == ""


def test_text_in_a_language_says_its_direction():
    assert lang_attributes("ar") == Markup(' lang="ar" dir="rtl"')
    assert lang_attributes("fr") == Markup(' lang="fr" dir="ltr"')
    assert lang_attributes('x" onclick="') == Markup(' lang="x&#34; onclick=&#34;" dir="ltr"')


def test_a_commons_links_and_address_read_left_to_right_in_arabic(app, db, member, official):
    commons = published(
        db,
        member,
        official,
        website="https://garden.example.org/about",
        governance={"rules_url": "https://garden.example.org/rules"},
        contact_email="garden@example.org",
    )
    page = app.get(f"/commons/{commons.id}", {"_LOCALE_": "ar"})
    assert page.html.html["dir"] == "rtl"
    for href in ("https://garden.example.org/about", "https://garden.example.org/rules"):
        assert page.html.select_one(f"a[href='{href}']")["dir"] == "ltr"
    mail = page.html.select_one("a[href^='mailto:']")
    if mail is not None:  # shown to those who may see it
        assert mail["dir"] == "ltr"


def test_email_and_url_inputs_are_left_to_right(app, member):
    log_in(app, member.email)
    page = app.get("/commons/new", {"_LOCALE_": "ar"})
    for name in ("contact_email", "contact_phone", "website", "rules_url"):
        assert page.html.select_one(f"#{name}")["dir"] == "ltr", name
    login = app.get("/profile", {"_LOCALE_": "ar"})
    assert all(field["dir"] == "ltr" for field in login.html.select("input[type=email]"))
