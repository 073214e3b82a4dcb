"""The register's pages, through the browser's eyes (WebTest), for every role."""

from __future__ import annotations

import copy
import csv
import io
import re

import pytest
from sqlalchemy import func, select

from partnerstate.commons import services
from partnerstate.commons.models import Commons
from partnerstate.models import AuditEntry
from tests import factories
from tests.conftest import csrf_token, log_in
from tests.form_errors import field_errors
from tests.partnerstate.commons.helpers import FULL_BODY, make_commons, published

XSS = '<script>alert("x")</script>'


def _count(db) -> int:
    return db.scalar(select(func.count()).select_from(Commons))


def _form(**fields):
    """A minimal valid proposal as the HTML form posts it."""
    data = {
        "name_en": "Tool shed",
        "name_fr": "",
        "description_en": "Shared tools for the street.",
        "description_fr": "",
        "category": "making_repair",
        "nature": "material",
    }
    data.update(fields)
    return data


# --- the register page ---------------------------------------------------------------


def test_register_lists_published_commons_for_anyone(app, db, member, official):
    published(db, member, official, **copy.deepcopy(FULL_BODY))
    make_commons(db, member, name="Hidden proposal")
    page = app.get("/commons")
    assert "<h1>Register of the commons</h1>" in page.text
    assert "Fives community garden" in page.text
    assert "Hidden proposal" not in page.text
    assert "Commons found: 1" in page.text
    # Open data links and the map container with its data source.
    assert 'href="http://localhost/commons.csv' in page.text
    assert 'data-geojson="http://localhost/api/v1/commons.geojson' in page.text
    assert "commons-map.js" in page.text
    assert "/vendor/leaflet/leaflet.js" in page.text
    # Anonymous visitors are invited to log in rather than shown the button.
    assert "to propose a commons" in page.text
    assert "login?next=%2Fcommons%2Fnew" in page.text
    # No filter given: no complaint about filters either.
    assert "Not a valid choice" not in page.text
    assert "aria-invalid" not in page.text


def test_register_search_filters_and_pagination(app, db, member, official):
    published(
        db,
        member,
        official,
        name={"en": "Seed library", "fr": "Grainothèque"},
        description={"fr": "Semences paysannes."},
        category="food",
        district="Fives",
    )
    published(
        db,
        member,
        official,
        name="Repair café",
        description="Bikes.",
        category="making_repair",
        district="Moulins",
        nature="material",
    )
    assert "Seed library" in app.get("/commons?q=semences").text
    assert "Repair café" not in app.get("/commons?q=semences").text
    assert "Repair café" not in app.get("/commons?category=food").text
    assert "Seed library" not in app.get("/commons?district=Moulins").text
    assert "Seed library" in app.get("/commons?nature=material&sort=newest").text
    # Bad filter values are ignored, never an error.
    page = app.get("/commons?category=nope&sort=zzz&page=abc&status=bogus")
    assert page.status_int == 200
    assert "Seed library" in page.text


def test_register_pages_without_javascript(app, db, member, official):
    for n in range(23):
        published(db, member, official, name=f"Commons {n:02d}")
    first = app.get("/commons")
    assert "Commons 19" in first.text and "Commons 20" not in first.text
    assert "Page 1 of 2" in first.text
    second = first.click(description="Next page")
    assert "Commons 22" in second.text
    assert "Page 2 of 2" in second.text
    assert "Previous page" in second.text
    # A page past the end (an old link, a narrower search) goes to the last page.
    past = app.get("/commons", {"page": "7", "q": "Commons"}, status=302)
    assert "page=2" in past.location and "q=Commons" in past.location
    assert "Page 2 of 2" in past.follow().text
    narrowed = app.get("/commons", {"page": "2", "q": "Commons 05"}, status=302)
    assert "page=1" in narrowed.location
    assert "Commons 05" in narrowed.follow().text


def test_register_shows_rejected_on_request(app, db, member, official):
    commons = make_commons(db, member, name="Refused garden")
    services.reject(db, commons, official, "Not open to the public.")
    db.commit()
    page = app.get("/commons?status=rejected")
    assert "Refused garden" in page.text
    assert "Rejected" in page.text


def test_member_sees_own_proposals_official_sees_all(app, db, member, official):
    make_commons(db, member, name="My proposal")
    make_commons(db, factories.make_user(db), name="Someone else's")
    log_in(app, member.email)
    page = app.get("/commons?status=proposed")
    assert "My proposal" in page.text and "Someone else" not in page.text
    assert "Propose a commons" in page.text
    app.reset()
    log_in(app, official.email)
    page = app.get("/commons?status=proposed")
    assert "My proposal" in page.text and "Someone else" in page.text


def test_register_in_french(app, db, member, official):
    published(db, member, official, **copy.deepcopy(FULL_BODY))
    page = app.get("/commons?_LOCALE_=fr")
    assert '<html lang="fr" dir="ltr">' in page.text
    assert "Registre des communs" in page.text
    assert "Jardin partagé de Fives" in page.text
    assert "Alimentation" in page.text


def test_nav_links_to_the_register(app):
    home = app.get("/")
    assert 'href="http://localhost/commons"' in home.text


# --- the record page -----------------------------------------------------------------


def test_record_page_shows_every_group(app, db, member, official):
    commons = published(db, member, official, **copy.deepcopy(FULL_BODY))
    page = app.get(f"/commons/{commons.id}")
    text = page.text
    assert "<h1>Fives community garden</h1>" in text
    assert "<strong>raised beds</strong>" in text  # Markdown rendered
    for expected in (
        "Le jardin des Fives",
        "Fives",
        "12 rue Pierre Legrand",
        "Municipal",
        "Les Jardiniers de Fives",
        "Association",
        "Consent",
        "Open to anyone",
        "Pay what you can",
        "CC BY-SA 4.0",
        "ODbL",
        "Raised beds reachable",
        "Clearly defined boundaries",
        "A map of the plots.",
        "7 out of 24",
        "Validated and published",
        'data-lat="50.6305"',
    ):
        assert expected in text, expected
    assert '<th scope="row">Clearly defined boundaries' in text
    assert f'href="http://localhost/commons/{commons.id}?_LOCALE_=fr"' in text
    # Anyone: no action buttons.
    assert "Validate and publish" not in text
    assert f"/commons/{commons.id}/edit" not in text


def test_record_page_in_french(app, db, member, official):
    commons = published(db, member, official, **copy.deepcopy(FULL_BODY))
    page = app.get(f"/commons/{commons.id}?_LOCALE_=fr")
    assert "<h1>Jardin partagé de Fives</h1>" in page.text
    assert "<strong>bacs surélevés</strong>" in page.text
    assert "Autoévaluation d’Ostrom" in page.text
    assert "Tour d&#39;arrosage." in page.text


def test_text_shown_in_another_language_says_which(app, db, member, official):
    """WCAG 3.1.2: French text on an English page carries lang="fr", for screen readers."""
    commons = published(
        db,
        member,
        official,
        name={"fr": "Grainothèque du quartier"},
        summary={"fr": "Des graines à partager."},
        description={"en": "Seeds to share.", "fr": "Des graines à partager."},
    )
    english = app.get(f"/commons/{commons.id}").text
    assert '<h1 lang="fr">Grainothèque du quartier</h1>' in english
    assert '<p class="lead" lang="fr">Des graines à partager.</p>' in english
    assert '<div class="prose"><p>Seeds to share.</p>' in english
    listed = app.get("/commons").text
    assert 'lang="fr">Grainothèque du quartier</a>' in listed
    french = app.get(f"/commons/{commons.id}?_LOCALE_=fr").text
    assert "<h1>Grainothèque du quartier</h1>" in french


def test_rejected_record_shows_reasons_to_anyone(app, db, member, official):
    commons = make_commons(db, member, name="Members-only club")
    services.reject(db, commons, official, "Access is restricted to members who pay.")
    db.commit()
    page = app.get(f"/commons/{commons.id}")
    assert "This nomination was rejected" in page.text
    assert "Access is restricted to members who pay." in page.text


def test_proposed_record_is_private(app, db, member, official):
    commons = make_commons(db, member)
    response = app.get(f"/commons/{commons.id}")
    assert response.status_int == 303 and "/login" in response.location
    log_in(app, factories.make_user(db).email)
    app.get(f"/commons/{commons.id}", status=403)


def test_unknown_record_is_404(app):
    app.get("/commons/987654", status=404)
    app.get("/commons/987654/edit", status=404)
    app.get("/commons/abc", status=404)


# --- proposing -----------------------------------------------------------------------


def test_anonymous_is_sent_to_login(app):
    response = app.get("/commons/new")
    assert response.status_int == 303
    assert "/login?next=" in response.location


def test_member_proposes_through_the_form(app, db, member):
    log_in(app, member.email)
    token = csrf_token(app, "/commons/new")
    fields = _form(
        name_fr="Cabane à outils",
        lat="50.63",
        lon="3.06",
        district="Fives",
        ostrom_boundaries_score="2",
        ostrom_boundaries_evidence_en="A list.",
        aliases="Tool hut\nLa cabane",
        access="open",
        decision_rule="consensus",
    )
    response = app.post("/commons/new", {**fields, "csrf_token": token})
    assert response.status_int == 303
    page = response.follow()
    assert "Your proposal awaits" in page.text
    commons = db.scalars(select(Commons)).one()
    assert commons.status == "proposed"
    assert commons.name == {"en": "Tool shed", "fr": "Cabane à outils"}
    assert commons.aliases == ["Tool hut", "La cabane"]
    assert commons.latitude == 50.63
    assert commons.access_policy == "open"
    assert commons.decision_rule == "consensus"
    assert commons.ostrom == {"boundaries": {"score": 2, "evidence": {"en": "A list."}}}
    # The proposer sees the edit link, not the decision buttons.
    assert f"/commons/{commons.id}/edit" in page.text
    assert "Validate and publish" not in page.text


def test_member_proposes_in_french(app, db, member):
    app.set_cookie("_LOCALE_", "fr")
    log_in(app, member.email)
    token = csrf_token(app, "/commons/new")
    fields = {
        "name_fr": "Jardin des Moulins",
        "description_fr": "Un potager partagé.",
        "category": "food",
        "nature": "material",
        "csrf_token": token,
    }
    response = app.post("/commons/new", fields)
    assert response.status_int == 303
    commons = db.scalars(select(Commons)).one()
    assert commons.name == {"fr": "Jardin des Moulins"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name_en": ""}, "This field is required."),
        ({"category": ""}, "This field is required."),
        ({"category": "weapons"}, "Not a valid choice"),
        ({"lat": "95", "lon": "3"}, "Must be between -90 and 90."),
        ({"lat": "north", "lon": "3"}, "Enter a number, such as 20 or 33.5"),
        ({"lat": "50"}, "Give both latitude and longitude, or neither."),
        ({"name_en": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"name_fr": XSS}, "HTML is not allowed here."),
        ({"description_en": '<img src=x onerror="alert(1)">'}, "HTML is not allowed; use Markdown"),
        ({"website": "javascript:alert(1)"}, "Enter a web address starting with http"),
        ({"ownership": "private"}, "needs its owner&#39;s consent"),
        ({"ostrom_monitoring_score": "7"}, "Not a valid choice"),
        (
            {"ostrom_monitoring_score": "1", "ostrom_monitoring_evidence_fr": "<b>"},
            "HTML is not allowed here.",
        ),
    ],
)
def test_bad_proposal_redisplays_the_form_and_stores_nothing(app, db, member, fields, message):
    log_in(app, member.email)
    token = csrf_token(app, "/commons/new")
    response = app.post("/commons/new", {**_form(**fields), "csrf_token": token}, status=422)
    assert "Please correct the following:" in response.text
    assert message in response.text
    assert "<script>alert" not in response.text
    assert 'onerror="alert' not in response.text
    assert _count(db) == 0


def test_an_unreadable_number_is_explained_in_french(app, db, member):
    # WTForms' own words would be "N'est pas un flottant valide".
    log_in(app, member.email)
    token = csrf_token(app, "/commons/new")
    fields = {**_form(lat="nord", lon="3"), "csrf_token": token}
    response = app.post("/commons/new?_LOCALE_=fr", fields, status=422)
    assert field_errors(response)["lat"] == ["Saisissez un nombre, par exemple 20 ou 33,5."]


def test_every_problem_of_a_proposal_shows_at_once(app, db, member):
    # An unreadable date and latitude used to hide the rules' seven other problems.
    log_in(app, member.email)
    token = csrf_token(app, "/commons/new")
    fields = _form(
        established_on="someday",
        lat="abc",
        lon="200",
        name_en="<b>Tool shed</b>",
        description_en='<img src=x onerror="alert(1)">',
        contact_email="nobody",
        website="javascript:alert(1)",
        rules_url="ftp://rules",
        active_members="-3",
        ostrom_monitoring_score="7",
    )
    response = app.post("/commons/new", {**fields, "csrf_token": token}, status=422)
    errors = field_errors(response)
    assert set(errors) == {
        "established_on", "lat", "lon", "name_en", "description_en", "contact_email",
        "website", "rules_url", "active_members", "ostrom_monitoring_score",
    }  # fmt: skip
    # The form's own message only, where it could not read the input.
    assert errors["lat"] == ["Enter a number, such as 20 or 33.5."]
    assert errors["lon"] == ["Must be between -180 and 180."]
    assert errors["active_members"] == ["Must be between 0 and 10000000."]
    assert _count(db) == 0


def test_every_problem_of_an_edit_shows_at_once(app, db, member):
    commons = make_commons(db, member)
    log_in(app, member.email)
    token = csrf_token(app, f"/commons/{commons.id}/edit")
    fields = _form(lat="north", lon="3", name_en=XSS, website="example.org")
    response = app.post(f"/commons/{commons.id}/edit", {**fields, "csrf_token": token}, status=422)
    errors = field_errors(response)
    assert errors["lat"] == ["Enter a number, such as 20 or 33.5."]
    assert errors["name_en"] == ["HTML is not allowed here."]
    assert "http" in errors["website"][0]
    assert "lon" not in errors
    db.refresh(commons)
    assert commons.name == {"en": "Repair café"}


def test_form_errors_in_french(app, db, member):
    log_in(app, member.email)
    token = csrf_token(app, "/commons/new?_LOCALE_=fr")
    response = app.post(
        "/commons/new?_LOCALE_=fr",
        {**_form(name_en="", lat="95", lon="3"), "csrf_token": token},
        status=422,
    )
    assert "Ce champ est obligatoire." in response.text
    assert "Doit être compris entre -90 et 90." in response.text


def test_post_without_csrf_is_refused(app, db, member):
    log_in(app, member.email)
    app.post("/commons/new", _form(), status=400)
    assert _count(db) == 0


def test_official_proposal_is_published_at_once(app, db, official):
    log_in(app, official.email)
    token = csrf_token(app, "/commons/new")
    response = app.post("/commons/new", {**_form(), "csrf_token": token})
    assert "published in the register" in response.follow().text
    assert db.scalars(select(Commons.status)).one() == "published"


# --- editing -------------------------------------------------------------------------


def test_proposer_edits_until_validation(app, db, member, official):
    commons = make_commons(db, member, **{"district": "Fives"})
    log_in(app, member.email)
    page = app.get(f"/commons/{commons.id}/edit")
    assert 'value="Repair café"' in page.text
    assert 'value="Fives"' in page.text
    token = csrf_token(app, f"/commons/{commons.id}/edit")
    response = app.post(
        f"/commons/{commons.id}/edit",
        {
            **_form(
                name_en="Repair café Fives",
                description_en="Bikes too.",
                category="making_repair",
                district="Fives",
            ),
            "csrf_token": token,
        },
    )
    assert response.status_int == 303
    db.refresh(commons)
    assert commons.name == {"en": "Repair café Fives"}
    history = response.follow().text
    assert "Edited" in history and "Name" in history
    services.validate(db, commons, official)
    db.commit()
    app.get(f"/commons/{commons.id}/edit", status=403)


def test_edit_with_bad_input_changes_nothing(app, db, member):
    commons = make_commons(db, member)
    log_in(app, member.email)
    token = csrf_token(app, f"/commons/{commons.id}/edit")
    response = app.post(
        f"/commons/{commons.id}/edit", {**_form(name_en=XSS), "csrf_token": token}, status=422
    )
    assert "HTML is not allowed here." in response.text
    assert "<script>alert" not in response.text
    db.refresh(commons)
    assert commons.name == {"en": "Repair café"}


def test_other_member_cannot_edit(app, db, member):
    commons = make_commons(db, member)
    log_in(app, factories.make_user(db).email)
    app.get(f"/commons/{commons.id}/edit", status=403)


def test_official_edits_any_record(app, db, member, official):
    commons = published(db, member, official)
    log_in(app, official.email)
    token = csrf_token(app, f"/commons/{commons.id}/edit")
    app.post(
        f"/commons/{commons.id}/edit",
        {
            **_form(
                name_en="Repair café", description_en="We fix things together.", district="Wazemmes"
            ),
            "csrf_token": token,
        },
        status=303,
    )
    db.refresh(commons)
    assert commons.district == "Wazemmes"


# --- decisions -----------------------------------------------------------------------


def test_official_validates_from_the_record_page(app, db, member, official):
    commons = make_commons(db, member)
    log_in(app, official.email)
    page = app.get(f"/commons/{commons.id}")
    assert "Validate and publish" in page.text
    token = csrf_token(app, f"/commons/{commons.id}")
    response = app.post(f"/commons/{commons.id}/validate", {"csrf_token": token})
    assert "validated and published" in response.follow().text
    db.refresh(commons)
    assert commons.status == "published"
    assert db.scalars(select(AuditEntry.action)).all() == ["commons.validate"]


def test_member_cannot_validate_or_reject(app, db, member):
    commons = make_commons(db, member)
    log_in(app, member.email)
    token = csrf_token(app, "/commons/new")
    app.post(f"/commons/{commons.id}/validate", {"csrf_token": token}, status=403)
    app.post(f"/commons/{commons.id}/reject", {"csrf_token": token, "reason": "x"}, status=403)
    db.refresh(commons)
    assert commons.status == "proposed"


def test_official_rejects_with_reasons(app, db, member, official):
    commons = make_commons(db, member)
    log_in(app, official.email)
    token = csrf_token(app, f"/commons/{commons.id}")
    empty = app.post(
        f"/commons/{commons.id}/reject", {"csrf_token": token, "reason": ""}, status=422
    )
    assert "Give the reasons for this decision." in empty.text
    db.refresh(commons)
    assert commons.status == "proposed"
    response = app.post(
        f"/commons/{commons.id}/reject",
        {"csrf_token": token, "reason": f"Not a commons {XSS}"},
        status=422,
    )
    assert "<script>alert" not in response.text
    response = app.post(
        f"/commons/{commons.id}/reject", {"csrf_token": token, "reason": "It is a private shop."}
    )
    page = response.follow()
    assert "It is a private shop." in page.text
    db.refresh(commons)
    assert commons.status == "rejected"
    assert db.scalars(select(AuditEntry.action)).all() == ["commons.reject"]


def test_official_archives(app, db, member, official):
    commons = published(db, member, official)
    log_in(app, official.email)
    token = csrf_token(app, f"/commons/{commons.id}")
    response = app.post(
        f"/commons/{commons.id}/archive", {"csrf_token": token, "reason": "Closed."}
    )
    assert "archived" in response.follow().text
    db.refresh(commons)
    assert commons.status == "archived"


# --- balance -------------------------------------------------------------------------


def test_proposer_reports_a_balance(app, db, member, official):
    commons = published(db, member, official)
    log_in(app, member.email)
    assert "Report a community balance" in app.get(f"/commons/{commons.id}").text
    token = csrf_token(app, f"/commons/{commons.id}/balance")
    bad = app.post(
        f"/commons/{commons.id}/balance",
        {
            "csrf_token": token,
            "year": "2024",
            "rootedness": "150",
            "social_return": "1",
            "internal_democracy": "1",
            "care": "1",
        },
        status=422,
    )
    assert "Must be between 0 and 100." in bad.text
    # A missing year no longer hides the scores' problems.
    bad = app.post(
        f"/commons/{commons.id}/balance",
        {"csrf_token": token, "year": "", "rootedness": "150", "social_return": "x",
         "internal_democracy": "1", "care": "-1"},
        status=422,
    )  # fmt: skip
    errors = field_errors(bad)
    assert errors["year"] == ["This field is required."]
    assert errors["rootedness"] == errors["care"] == ["Must be between 0 and 100."]
    assert errors["social_return"] == ["Not a valid integer value."]
    assert "internal_democracy" not in errors
    response = app.post(
        f"/commons/{commons.id}/balance",
        {
            "csrf_token": token,
            "year": "2024",
            "rootedness": "70",
            "social_return": "60",
            "internal_democracy": "80",
            "care": "75",
            "notes": "A good year.",
        },
    )
    page = response.follow()
    assert "70/100" in page.text and "A good year." in page.text


def test_stranger_cannot_report_a_balance(app, db, member, official):
    commons = published(db, member, official)
    log_in(app, factories.make_user(db).email)
    app.get(f"/commons/{commons.id}/balance", status=403)


# --- open data -----------------------------------------------------------------------


def test_csv_export(app, db, member, official):
    body = copy.deepcopy(FULL_BODY)
    body["summary"] = {"en": '=HYPERLINK("http://evil")', "fr": "Des potagers."}
    garden = published(db, member, official, **body)
    make_commons(db, member, name="Proposal")
    response = app.get("/commons.csv")
    assert response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == str(garden.id)
    assert row["name_en"] == "Fives community garden"
    assert row["name_fr"] == "Jardin partagé de Fives"
    assert row["category"] == "food" and row["category_label"] == "Food"
    assert row["latitude"] == "50.6305" and row["district"] == "Fives"
    assert row["ostrom_boundaries"] == "3" and row["ostrom_score"] == "7"
    assert row["summary_en"].startswith("'=")  # formulas are defused
    assert app.get("/commons.csv?_LOCALE_=fr").text.count("Alimentation") == 1
    assert len(list(csv.DictReader(io.StringIO(app.get("/commons.csv?q=zzz").text)))) == 0


# --- safety --------------------------------------------------------------------------


def test_script_never_reaches_a_page(app, db, member, official):
    """Markdown is sanitized; what cannot be stored through the API is inserted directly."""
    commons = published(
        db,
        member,
        official,
        name="Safe name",
        description="[click](javascript:alert(1)) and **bold**",
    )
    commons.name = {"en": XSS}
    commons.district = XSS
    commons.description = {"en": f"{XSS} [x](javascript:alert(1)) <img src=x onerror=alert(1)>"}
    commons.ostrom = {"boundaries": {"score": 1, "evidence": {"en": XSS}}}
    services.refresh_derived(commons)
    db.commit()
    for path in (f"/commons/{commons.id}", "/commons", f"/commons/{commons.id}?_LOCALE_=fr"):
        text = app.get(path).text
        assert "<script>alert" not in text, path
        assert 'href="javascript:' not in text, path
        assert "onerror=" not in text or "onerror=alert(1)&gt;" in text, path
    assert "&lt;script&gt;" in app.get(f"/commons/{commons.id}").text


def test_leaflet_is_served_locally(app):
    response = app.get("/vendor/leaflet/leaflet.js")
    assert response.status_int == 200
    assert "Leaflet" in response.text[:2000]
    assert app.get("/vendor/leaflet/leaflet.css").status_int == 200
    assert app.get("/vendor/leaflet/images/marker-icon.png").status_int == 200
    assert app.get("/static/commons-map.js").status_int == 200
    csp = app.get("/commons").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp


def test_select_options_are_translated(app, db, member):
    page = app.get("/commons?_LOCALE_=fr")
    assert ">Tous les domaines</option>" in page.text
    assert '<option value="food">Alimentation</option>' in page.text
    assert 'value="published">Publié</option>' in page.text.replace("selected ", "")
    assert "Effacer les filtres" not in page.text  # no filter was given
    assert "Effacer les filtres" in app.get("/commons?category=food&_LOCALE_=fr").text
    log_in(app, member.email)
    form = app.get("/commons/new?_LOCALE_=fr")
    assert '<option value="green_public_space">Espaces verts et publics</option>' in form.text
    assert '<option value="2">2 – en place</option>' in form.text
    assert '<option value="booking">Sur réservation</option>' in form.text


def test_error_summary_follows_the_page_order(app, db, member):
    log_in(app, member.email)
    token = csrf_token(app, "/commons/new")
    response = app.post(
        "/commons/new", {**_form(name_en="", category=""), "csrf_token": token}, status=422
    )
    summary = response.text.split("error-summary", 1)[1].split("</div>", 1)[0]
    assert summary.index("#name_en") < summary.index("#category")


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_form_marks_the_required_fields(app, db, member, locale):
    """ "Fields marked * are required": the domain, and the name and description in the
    page's language, carry the mark and aria-required; optional fields do not."""
    log_in(app, member.email)
    page = app.get(f"/commons/new?_LOCALE_={locale}").text
    for field_id in ("category", f"name_{locale}", f"description_{locale}"):
        label = re.search(rf'<label for="{field_id}">(.*?)</label>', page, re.S).group(1)
        assert 'class="required-mark" aria-hidden="true">*</span>' in label, field_id
        control = re.search(rf'<(?:input|select|textarea)[^>]*id="{field_id}"[^>]*>', page).group(0)
        assert 'aria-required="true"' in control, field_id
    other = "fr" if locale == "en" else "en"
    for optional in ("address", "website", f"name_{other}"):
        label = re.search(rf'<label for="{optional}">(.*?)</label>', page, re.S).group(1)
        assert "required-mark" not in label, optional
        control = re.search(rf'<(?:input|select|textarea)[^>]*id="{optional}"[^>]*>', page).group(0)
        assert "aria-required" not in control, optional


def test_name_a_to_z_sorts_as_a_french_reader_reads(app, db, member, official):
    # Sorted by the English names, French readers saw "Portail, Épicerie, Jardin".
    for en, fr in [("Gate", "Portail"), ("Grocery", "Épicerie"), ("Garden", "Jardin")]:
        published(db, member, official, name={"en": en, "fr": fr})
    page = app.get("/commons?sort=name&_LOCALE_=fr")
    names = [h3.text.strip() for h3 in page.html.select("ol.commons-list h3")]
    assert names == ["Épicerie", "Jardin", "Portail"]
