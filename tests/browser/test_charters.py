"""Charters, as the city, the commoners and anyone holding a printed copy meet them.

The demo city's charter (the Moulins library of things) awaits the commons'
signature, and stays so: the accessibility checks post its signing form, and its
partnership is the demo's one adopted partnership. So the commons' signatory
only opens its form here; the whole signing journey runs on a partnership this
module adopts through the pages (draft, deliberation, vote, close, issue).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.journeys import draft_partnership, flash, person, submit, unique

pytestmark = pytest.mark.browser

DEMO_TITLE = "Pacte pour la bibliothèque d'objets de Moulins"  # issued in French
PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(data: bytes) -> str:
    """The text of a PDF, whitespace collapsed (pdftotext, from poppler-utils)."""
    done = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


def check_pdf(page, link_name: str, *expected: str) -> None:
    """The link answers a PDF whose text holds ``expected``."""
    href = page.get_by_role("link", name=link_name).first.get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    data = response.body()
    assert data.startswith(b"%PDF-")
    if PDFTOTEXT:
        text = pdf_text(data)
        for part in expected:
            assert part in text, f"{part!r} not in the PDF of {href}"


def signature_rows(page):
    table = page.get_by_role("table", name="Signatures")
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader"))


def verify_by_typing(page, code: str) -> None:
    """Type a code in the register's verification form, as someone holding a printout."""
    page.goto("/charters")
    page.get_by_label("Verification code").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Verify").click()


def test_the_demo_charter_awaits_the_commons_signatory(browser, base_url):
    with person(browser, base_url, None) as visitor:
        visitor.goto("/charters")
        visitor.get_by_role("link", name=DEMO_TITLE).click()
        expect(visitor.get_by_role("heading", level=1)).to_have_text(DEMO_TITLE)
        expect(visitor.locator("main .meta .badge")).to_have_text("Awaiting signatures")
        city, commons = signature_rows(visitor).all()
        expect(city).to_contain_text("The city")
        expect(city).to_contain_text("Claire Martin")
        expect(commons).to_contain_text("Not signed yet")
        # Nobody signs without an account.
        expect(visitor.locator("main form[action$='/sign']")).to_have_count(0)
        code = visitor.locator("main code.sha").first.inner_text()
        assert re.fullmatch(r"[0-9a-f]{64}", code)
        check_pdf(visitor, "Download the charter (PDF/A)", "Moulins", "Claire Martin")

        # Anyone checks the printed code against the register: valid, one signature.
        verify_by_typing(visitor, code)
        expect(visitor).to_have_url(re.compile(f"/charters/verify/{code}$"))
        expect(visitor.get_by_role("status")).to_contain_text(
            "Valid: this code belongs to a charter of the register."
        )
        expect(visitor.get_by_role("link", name=DEMO_TITLE)).to_be_visible()
        expect(signature_rows(visitor).nth(1)).to_contain_text("Not signed yet")

        # A code one character off is not a charter of the register.
        wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
        verify_by_typing(visitor, wrong)
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Unknown verification code")
        expect(visitor.get_by_role("alert")).to_contain_text(
            "No charter of the register has this code."
        )
        expect(visitor.get_by_text(DEMO_TITLE)).to_have_count(0)
        response = visitor.request.get(f"/charters/verify/{wrong}")
        assert response.status == 404

    # The commons' signatory named at issuing (Louis Petit, account "membre") is offered
    # to sign for the commons only, with their name and role filled in.
    with person(browser, base_url, "membre") as signatory:
        signatory.goto("/charters")
        signatory.get_by_role("link", name=DEMO_TITLE).click()
        form = signatory.locator("main form[action$='/sign']")
        party = form.get_by_label("Party")
        expect(party.locator("option")).to_have_text(["The commons"])
        expect(form.get_by_label("Name")).to_have_value("Louis Petit")
        expect(form.get_by_label("Role")).to_have_value("Président de La Remise de Moulins")


def test_an_adopted_partnership_is_chartered_signed_and_verified(browser, base_url):
    title = unique("Pact for the Faubourg pantry")

    with (
        person(browser, base_url, "official") as official,
        person(browser, base_url, "member") as member,
        person(browser, base_url, "membre") as signatory,
    ):
        # The city drafts the pact and opens it to deliberation, then to the vote.
        partnership_path = draft_partnership(official, title)
        submit(official, "main form[action$='/open_deliberation']")
        official.get_by_role("link", name="Open the vote…").click()
        submit(official)
        expect(official.get_by_role("heading", level=1)).to_have_text(title)
        vote_path = re.sub(r"^https?://[^/]+", "", official.url)

        # Two members of the assembly rank the pact above the status quo.
        for voter in (member, signatory):
            voter.goto(vote_path)
            voter.locator(".ballot-option:not(.status-quo) select").select_option("1")
            voter.locator(".ballot-option.status-quo select").select_option("2")
            submit(voter, "main form.ballot")
            expect(flash(voter)).to_contain_text("Your ballot was recorded.")

        # The official closes the vote: adopted.
        official.goto(vote_path)
        official.get_by_role("link", name="Close the vote and publish the results…").click()
        submit(official)
        expect(flash(official)).to_have_text("The vote is closed and the results are published.")

        # The charter, in English, names the commons' signatory by their account.
        official.goto(partnership_path)
        official.get_by_role("link", name="Issue the charter").click()
        official.get_by_label("Language of the charter").select_option("en")
        official.get_by_label("City department").fill("Food and solidarity")
        official.get_by_label("Signatory for the city").fill("Claire Martin")
        official.get_by_label("Role of the city's signatory").fill("Deputy mayor")
        official.get_by_label("Signatory for the commons").fill("Louis Petit")
        official.get_by_label("Role of the commons' signatory").fill("Pantry coordinator")
        official.get_by_label("Account of the commons' signatory").fill(
            "membre@demo.partnerstate.org"
        )
        submit(official)
        # The review step: the text as it will be printed; nothing is issued yet.
        expect(official.get_by_role("heading", level=1)).to_have_text("Review the charter")
        expect(official.locator("main")).to_contain_text("Claire Martin, Deputy mayor")
        with official.expect_navigation():
            official.get_by_role("button", name="Issue the charter").click()
        expect(flash(official)).to_have_text("The charter was issued. Print it and have it signed.")
        expect(official.get_by_role("heading", level=1)).to_have_text(title)
        charter_path = re.sub(r"^https?://[^/]+", "", official.url)
        code = official.locator("main code.sha").first.inner_text()

        # The city signs first.
        form = official.locator("main form[action$='/sign']")
        form.get_by_label("Party").select_option(label="The city")
        form.get_by_label("Name").fill("Claire Martin")
        form.get_by_label("Role").fill("Deputy mayor")
        form.get_by_label("Place").fill("Lille town hall")
        submit(official, "main form[action$='/sign']")
        expect(flash(official)).to_have_text("The signature was recorded.")

        # The commons' signatory signs with their own account: one party, fields filled.
        signatory.goto(charter_path)
        form = signatory.locator("main form[action$='/sign']")
        expect(form.get_by_label("Party").locator("option")).to_have_text(["The commons"])
        expect(form.get_by_label("Name")).to_have_value("Louis Petit")
        expect(form.get_by_label("Role")).to_have_value("Pantry coordinator")
        form.get_by_label("Place").fill("Faubourg pantry")
        submit(signatory, "main form[action$='/sign']")
        expect(flash(signatory)).to_have_text("Both parties have signed: the charter is signed.")
        expect(signatory.locator("main .meta .badge")).to_have_text("Signed")
        city, commons = signature_rows(signatory).all()
        expect(city).to_contain_text("Claire Martin")
        expect(city).to_contain_text("Lille town hall")
        expect(commons).to_contain_text("Louis Petit")
        expect(commons).to_contain_text("Pantry coordinator")
        expect(signatory.locator("main form[action$='/sign']")).to_have_count(0)
        assert_accessible(signatory)
        # The PDF now carries both signatures; the verification code did not change.
        check_pdf(signatory, "Download the charter (PDF/A)", title, "Louis Petit", "Deputy mayor")
        expect(signatory.locator("main code.sha").first).to_have_text(code)

        # The partnership moved on.
        signatory.goto(partnership_path)
        expect(signatory.locator(".charters-panel")).to_contain_text("Signed")

    # Scanning the QR code opens the verification page: valid, both signatures.
    with person(browser, base_url, None) as visitor:
        visitor.goto(charter_path)
        visitor.locator(f"main a[href$='/charters/verify/{code}']").click()
        expect(visitor.get_by_role("status")).to_contain_text(
            "Valid: this code belongs to a charter of the register."
        )
        expect(visitor.locator("main .badge")).to_have_text("Signed")
        city, commons = signature_rows(visitor).all()
        expect(city).to_contain_text("Claire Martin")
        expect(commons).to_contain_text("Louis Petit")
