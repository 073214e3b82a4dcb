"""Charter pages: list, one charter, verification, issuing, signing, the scan — every role."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from reports.models import Charter
from tests import factories
from tests.conftest import csrf_token, log_in
from tests.form_errors import field_errors
from tests.reports.conftest import MINIMAL_PDF, form_token, issue, make_scene, sign


def _charter(app, db, scene, **body):
    return db.get(Charter, issue(app, db, scene, **body).json["id"])


def test_the_public_list(app, db, scene):
    empty = app.get("/charters")
    assert "No charter has been issued yet" in empty.text
    item = _charter(app, db, scene)
    page = app.get("/charters")
    assert item.title in page.text
    assert f"/charters/{item.id}" in page.text
    assert 'lang="en"' in page.text
    assert app.get("/charters?page=2").status_int == 200
    assert app.get("/charters?page=x").status_int == 200


def test_the_list_shows_the_commons_name_without_reading_the_charters_text(app, db, engine, scene):
    item = _charter(app, db, scene)
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        page = app.get("/charters")
        app.get("/api/v1/charters")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert item.content["commons"]["name"] in page.text
    # Each charter's text is kilobytes of JSON; a list reads only the name out of it.
    whole = re.compile(r"charters\.content(,\s*charters\.|\s+FROM)")  # the column itself
    assert not [s for s in statements if whole.search(s)]


def test_the_nav_links_to_charters(app):
    assert 'href="http://localhost/charters"' in app.get("/").text


def test_anonymous_visitors_see_a_charter_and_its_code_but_no_forms(app, db, scene):
    item = _charter(app, db, scene)
    page = app.get(f"/charters/{item.id}")
    assert item.sha256 in page.text
    assert "<svg" in page.text and 'class="qr"' in page.text
    assert f"/charters/{item.id}/charter.pdf" in page.text
    assert "Awaiting signatures" in page.text
    assert "Record the signature" not in page.text
    assert "File the scan" not in page.text
    app.get("/charters/999999", status=404)


def test_the_pdf_downloads(app, db, scene):
    item = _charter(app, db, scene)
    pdf = app.get(f"/charters/{item.id}/charter.pdf")
    assert pdf.content_type == "application/pdf"
    assert pdf.body.startswith(b"%PDF-")
    assert "charter-" in pdf.headers["Content-Disposition"]
    assert app.get(f"/charters/{item.id}/issued.pdf").body == pdf.body


def test_an_official_signs_through_the_page(app, db, scene):
    item = _charter(app, db, scene)
    log_in(app, scene.official.email)
    page = app.get(f"/charters/{item.id}")
    assert "Record the signature" in page.text
    token = form_token(page)
    url = f"/charters/{item.id}/sign"
    form = {"csrf_token": token, "party": "city", "name": "Claire Martin", "role": "Mayor",
            "place": "Lille"}  # fmt: skip
    done = app.post(url, form, status=303).follow()
    assert "The signature was recorded." in done.text
    assert "Claire Martin" in done.text
    form.update(party="commons", name="Yusuf Demir", csrf_token=form_token(done))
    signed = app.post(url, form, status=303).follow()
    assert "Both parties have signed" in signed.text
    assert "Record the signature" not in signed.text
    # Signing again once both signed: a conflict, shown on the page.
    again = app.post(url, {**form, "party": "city"}, status=422)
    assert "Please correct the following" in again.text
    db.expire_all()
    assert db.get(Charter, item.id).status == "signed"
    assert scene.partnership.status == "active"


def test_the_sign_form_refuses_bad_input(app, db, scene):
    item = _charter(app, db, scene)
    log_in(app, scene.official.email)
    token = form_token(app.get(f"/charters/{item.id}"))
    page = app.post(
        f"/charters/{item.id}/sign", {"csrf_token": token, "party": "city", "name": ""}, status=422
    )
    assert "This field is required." in page.text
    app.post(
        f"/charters/{item.id}/sign",
        {"csrf_token": token, "party": "mayor", "name": "X"},
        status=422,
    )
    app.post(f"/charters/{item.id}/sign", {"party": "city", "name": "X"}, status=400)
    assert db.get(Charter, item.id).signatures == []


def test_signing_a_party_twice_says_it_has_signed(app, db, scene):
    # The form used to answer "Not a valid choice" on the party.
    item = _charter(app, db, scene)
    log_in(app, scene.official.email)
    url = f"/charters/{item.id}/sign"
    form = {"csrf_token": form_token(app.get(f"/charters/{item.id}")), "party": "city",
            "name": "Claire Martin"}  # fmt: skip
    app.post(url, form, status=303)
    again = app.post(url, {**form, "name": "Claire Martin, again"}, status=422)
    assert field_errors(again) == {"party": ["This party has already signed the charter."]}
    assert "Not a valid choice" not in again.text
    blank = app.post(url, {**form, "party": "commons", "name": "   "}, status=422)
    assert field_errors(blank) == {"name": ["This field is required."]}
    # A missing name no longer hides that the party has signed.
    both = app.post(url, {**form, "name": ""}, status=422)
    assert field_errors(both) == {
        "party": ["This party has already signed the charter."],
        "name": ["This field is required."],
    }
    db.expire_all()
    assert [s.name for s in db.get(Charter, item.id).signatures] == ["Claire Martin"]


def test_a_signatory_may_not_sign_for_the_other_party(app, db, scene):
    signatory = factories.make_user(db, name="Yusuf Demir")
    item = _charter(app, db, scene, commons={"signatory_email": signatory.email})
    log_in(app, signatory.email)
    token = form_token(app.get(f"/charters/{item.id}"))
    page = app.post(
        f"/charters/{item.id}/sign",
        {"csrf_token": token, "party": "city", "name": "Yusuf Demir"},
        status=403,
    )
    assert "Only an official or this party" in field_errors(page)["party"][0]
    assert db.get(Charter, item.id).signatures == []
    # Still a 403 when another field is wrong too (a blank name).
    app.post(
        f"/charters/{item.id}/sign",
        {"csrf_token": token, "party": "city", "name": ""},
        status=403,
    )


def test_a_member_may_not_sign_and_anonymous_is_sent_to_log_in(app, db, scene):
    item = _charter(app, db, scene)
    anonymous = app.post(
        f"/charters/{item.id}/sign",
        {"csrf_token": csrf_token(app, "/login"), "party": "city", "name": "X"},
        status=303,
    )
    assert "/login" in anonymous.location
    log_in(app, scene.member.email)
    page = app.get(f"/charters/{item.id}")
    assert "Record the signature" not in page.text
    app.post(
        f"/charters/{item.id}/sign",
        {"csrf_token": csrf_token(app, "/profile"), "party": "city", "name": "X"},
        status=403,
    )


def test_a_named_signatory_sees_their_party_prefilled(app, db, scene):
    signatory = factories.make_user(db, name="Yusuf Demir")
    item = _charter(app, db, scene, commons={"signatory_email": signatory.email,
                                             "signatory_role": "Co-chair"})  # fmt: skip
    log_in(app, signatory.email)
    page = app.get(f"/charters/{item.id}")
    assert 'value="Yusuf Demir"' in page.text
    assert 'value="Co-chair"' in page.text
    assert (
        '<option selected value="commons">' in page.text or 'value="commons" selected' in page.text
    )
    assert 'value="city"' not in page.text


def test_filing_the_scan_through_the_page(app, db, scene):
    item = _charter(app, db, scene)
    log_in(app, scene.official.email)
    page = app.get(f"/charters/{item.id}")
    token = form_token(page)
    url = f"/charters/{item.id}/scans"
    bad = app.post(
        url,
        {"csrf_token": token},
        upload_files=[("file", "scan.jpg", b"\xff\xd8\xff not a pdf", "image/jpeg")],
        status=422,
    )
    assert "The signed scan must be a PDF file." in bad.text or "Upload a PDF file." in bad.text
    missing = app.post(url, {"csrf_token": token}, status=422)
    assert "Choose the PDF file of the scan." in missing.text
    done = app.post(
        url,
        {"csrf_token": token},
        upload_files=[("file", "C:\\scans\\signed.pdf", MINIMAL_PDF, "application/pdf")],
        status=303,
    ).follow()
    scan = db.get(Charter, item.id).scans[0]
    assert scan.filename == "signed.pdf"
    assert scan.sha256 in done.text
    assert app.get(f"/charters/{item.id}/scans/{scan.id}.pdf").body == MINIMAL_PDF
    app.get(f"/charters/{item.id}/scans/999999.pdf", status=404)


def test_a_member_may_not_file_a_scan(app, db, scene):
    item = _charter(app, db, scene)
    log_in(app, scene.member.email)
    token = csrf_token(app, "/profile")
    app.post(
        f"/charters/{item.id}/scans",
        {"csrf_token": token},
        upload_files=[("file", "signed.pdf", MINIMAL_PDF, "application/pdf")],
        status=403,
    )


# --- verification --------------------------------------------------------------------------------


def test_the_public_verification_page(app, db, scene):
    item = _charter(app, db, scene)
    sign(app, db, scene.official, item.id, place="Lille")
    page = app.get(f"/charters/verify/{item.sha256}")
    assert "Valid: this code belongs to a charter of the register." in page.text
    assert "Claire Martin" in page.text and "Lille" in page.text
    assert f"/charters/{item.id}/charter.pdf" in page.text
    assert "Awaiting signatures" in page.text


def test_unknown_and_malformed_codes_say_so_with_a_404(app, db, scene):
    item = _charter(app, db, scene)
    for code in ("0" * 64, "nonsense", item.sha256[:-1]):
        page = app.get(f"/charters/verify/{code}", status=404)
        assert "No charter of the register has this code." in page.text
        assert item.title not in page.text


def test_the_verification_form_redirects_to_the_code(app, db, scene):
    item = _charter(app, db, scene)
    response = app.get("/charters/verify", {"code": f"  {item.sha256.upper()} "}, status=303)
    assert response.location.endswith(f"/charters/verify/{item.sha256}")
    assert app.get("/charters/verify", {"code": "x"}, status=303).follow(status=404)


@pytest.mark.parametrize("query", [{}, {"code": ""}, {"code": "   "}])
def test_the_verification_form_sent_empty_asks_for_the_code(app, db, scene, query):
    # It used to redirect to /charters/verify/-, a 404 "Unknown verification code".
    item = _charter(app, db, scene)
    page = app.get("/charters/verify", query, status=422)
    assert field_errors(page) == {"code": ["Enter the verification code printed on the charter."]}
    field = page.html.select_one("input#code")
    assert field["aria-invalid"] == "true" and field["aria-describedby"] == "code-error"
    assert page.html.select_one(".error-summary a[href='#code']") is not None
    assert "Unknown verification code" not in page.text
    assert item.title in page.text  # the list page, with its register


# --- issuing through the page ---------------------------------------------------------------------


SIGNATORIES = {
    "city_signatory_name": "Claire Martin",
    "city_signatory_role": "Deputy mayor",
    "commons_signatory_name": "Yusuf Demir",
}


def test_an_official_issues_through_the_page(app, db, scene):
    log_in(app, scene.official.email)
    url = f"/partnerships/{scene.partnership.id}/charter/new"
    page = app.get(url)
    assert "Issue the charter" in page.text
    token = form_token(page)
    bad = app.post(url, {"csrf_token": token, "locale": "en", **SIGNATORIES,
                         "city_signatory_email": "nobody@example.org"}, status=422)  # fmt: skip
    assert "There is no account with this email." in bad.text
    form = {"csrf_token": token, "locale": "en", **SIGNATORIES}
    review = app.post(url, form)
    assert db.scalars(select(Charter)).all() == []  # the review issues nothing
    done = app.post(url, {**form, "confirm": "1"}, status=303).follow()
    item = db.scalars(select(Charter)).one()
    assert item.locale == "en"
    assert item.content["parties"]["city"]["signatory"]["name"] == "Claire Martin"
    assert item.sha256 in done.text
    assert "Review the charter" in review.text
    conflict = app.post(url, {**form, "confirm": "1"}, status=409)
    assert "already issued" in conflict.text


def test_an_empty_issue_form_issues_nothing(app, db, scene):
    # It used to issue a permanent charter with no signatories, in the default language.
    log_in(app, scene.official.email)
    url = f"/partnerships/{scene.partnership.id}/charter/new"
    token = form_token(app.get(url))
    for extra in ({}, {"confirm": "1"}):
        empty = app.post(url, {"csrf_token": token, **extra}, status=422)
        errors = field_errors(empty)
        assert errors["city_signatory_name"] == ["This field is required."]
        assert errors["commons_signatory_name"] == ["This field is required."]
        assert "locale" in errors
    assert db.scalars(select(Charter)).all() == []


def test_the_review_shows_the_text_as_printed_then_issues_it(app, db, scene):
    log_in(app, scene.official.email)
    url = f"/partnerships/{scene.partnership.id}/charter/new"
    form = {"csrf_token": form_token(app.get(url)), "locale": "en", **SIGNATORIES}
    review = app.post(url, form)
    assert review.status_int == 200
    for expected in ("Review the charter", "Claire Martin, Deputy mayor", "Yusuf Demir",
                     "English", "Article 1", "enabling commitments",
                     "The old tram depot, rent-free (400 m²)"):  # fmt: skip
        assert expected in review.text, expected
    # The review carries every value to the confirmation, and "Change" brings the form back.
    assert 'name="confirm"' in review.text
    assert 'type="hidden" name="city_signatory_name" value="Claire Martin"' in review.text
    edit = app.post(url, {**form, "edit": "1"})
    assert 'value="Claire Martin"' in edit.text
    assert "Review the charter" in edit.text
    assert db.scalars(select(Charter)).all() == []
    app.post(url, {**form, "confirm": "1"}, status=303)
    assert db.scalars(select(Charter)).one().locale == "en"


def test_only_languages_the_text_is_written_in_are_offered(app, db, scene):
    # The partnership's text exists in English only: French is not offered, and the
    # page names what is missing; a French charter sent anyway is refused.
    partnership = scene.partnership
    assert "fr" not in partnership.title
    log_in(app, scene.official.email)
    url = f"/partnerships/{partnership.id}/charter/new"
    page = app.get(url)
    assert 'value="en"' in page.text
    assert 'value="fr"' not in page.text
    assert "missing Title, Purpose and general interest" in page.text
    refused = app.post(
        url,
        {"csrf_token": form_token(page), "locale": "fr", "confirm": "1", **SIGNATORIES},
        status=422,
    )
    assert field_errors(refused)["locale"] == ["The adopted text is not written in this language."]
    assert db.scalars(select(Charter)).all() == []


def test_every_problem_of_the_issue_form_shows_at_once(app, db, scene):
    # A malformed email used to hide that the other one has no account.
    log_in(app, scene.official.email)
    url = f"/partnerships/{scene.partnership.id}/charter/new"
    token = form_token(app.get(url))
    bad = app.post(
        url,
        {"csrf_token": token, "locale": "en", "city_signatory_email": "not an email",
         "commons_signatory_email": "nobody@example.org", **SIGNATORIES},
        status=422,
    )  # fmt: skip
    assert field_errors(bad) == {
        "city_signatory_email": ["Enter a valid email address."],
        "commons_signatory_email": ["There is no account with this email."],
    }
    assert db.scalars(select(Charter)).all() == []


def test_members_may_not_issue_through_the_page(app, db, scene):
    url = f"/partnerships/{scene.partnership.id}/charter/new"
    assert "/login" in app.get(url, status=303).location
    log_in(app, scene.member.email)
    app.get(url, status=403)


def test_the_issue_page_of_a_partnership_not_adopted(app, db):
    scene = make_scene(db, status="deliberation")
    log_in(app, scene.official.email)
    url = f"/partnerships/{scene.partnership.id}/charter/new"
    page = app.get(url)
    assert "Only a partnership the assembly has adopted" in page.text
    app.post(url, {"csrf_token": csrf_token(app, "/profile"), "locale": "en"}, status=409)
    app.get("/partnerships/999999/charter/new", status=404)


def test_the_partnership_page_lists_its_charter_and_offers_issuing(app, db, scene):
    url = f"/partnerships/{scene.partnership.id}"
    assert "Issue the charter" not in app.get(url).text
    log_in(app, scene.official.email)
    assert f"/partnerships/{scene.partnership.id}/charter/new" in app.get(url).text
    item = _charter(app, db, scene)
    page = app.get(url)
    assert f"/charters/{item.id}" in page.text


def test_a_draft_partnership_page_has_no_charter_section(app, db):
    scene = make_scene(db, status="draft")
    log_in(app, scene.official.email)
    assert "charters-heading" not in app.get(f"/partnerships/{scene.partnership.id}").text


def test_the_commons_page_lists_its_charters(app, db, scene):
    item = _charter(app, db, scene)
    page = app.get(f"/commons/{scene.commons.id}")
    assert f"/charters/{item.id}" in page.text


def test_the_home_page_lists_charters_awaiting_the_persons_signature(app, db, scene):
    """The named signatory (and officials) see the charter on the home page until signed."""

    def charters_section():
        page = app.get("/")
        found = re.search(r'aria-labelledby="section-charters">(.*?)</section>', page.text, re.S)
        return found.group(1)

    signatory = scene.member
    body = {"locale": "en", "commons": {"signatory_email": signatory.email}}
    charter_id = issue(app, db, scene, **body).json["id"]
    log_in(app, signatory.email)
    assert f"/charters/{charter_id}" in charters_section()
    log_in(app, scene.facilitator.email)
    assert "No charter is waiting for your signature." in charters_section()
    log_in(app, scene.official.email)
    assert f"/charters/{charter_id}" in charters_section()

    sign(app, db, signatory, charter_id, name="Mia Member", party="commons")
    log_in(app, signatory.email)
    assert f"/charters/{charter_id}" not in charters_section()
    # The city has not signed yet: officials still see it.
    log_in(app, scene.official.email)
    assert f"/charters/{charter_id}" in charters_section()
