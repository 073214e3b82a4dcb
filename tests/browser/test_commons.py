"""The register of the commons, as a new user meets it: propose, validate, find, read."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.journeys import flash, person, submit, unique

pytestmark = pytest.mark.browser


def test_a_proposed_commons_is_validated_then_found_and_read(browser, base_url):
    word = unique("Seedlibrary").split()[1]  # a word only this commons has
    name = f"Bois-Blancs seed library {word}"

    # A member opens the form from the register; sent empty, it says what is missing.
    with person(browser, base_url, "member") as member:
        member.goto("/commons")
        member.get_by_role("link", name="Propose a commons").click()
        expect(member.get_by_role("heading", level=1)).to_have_text("Propose a commons")
        assert_accessible(member)
        submit(member)
        summary = member.get_by_role("alert")
        expect(summary).to_contain_text("Please correct the following:")
        # Each error links to its field, and the field says it is invalid.
        first_error = summary.get_by_role("link").first
        target = first_error.get_attribute("href")
        assert target and target.startswith("#")
        expect(member.locator(target)).to_have_attribute("aria-invalid", "true")
        assert_accessible(member)

        # Then valid: names, a summary, a description with Markdown, a place, a self-assessment.
        member.locator("#name_en").fill(name)
        member.locator("#summary_en").fill("Take seeds, give seeds back.")
        member.locator("#description_en").fill(f"Heirloom **{word}** seeds to borrow and return.")
        member.get_by_label("Domain").select_option("food")
        member.get_by_label("Nature").select_option("material")
        member.get_by_label("Latitude").fill("50.6345")
        member.get_by_label("Longitude").fill("3.0296")
        member.get_by_label("District").fill("Bois-Blancs")
        member.locator("#ostrom_boundaries_score").select_option("3")
        member.locator("#ostrom_boundaries_evidence_en").fill("A list of the seed keepers.")
        member.locator("#ostrom_monitoring_score").select_option("1")
        submit(member)
        expect(flash(member)).to_contain_text("Your proposal awaits an official's validation.")
        expect(member).to_have_url(re.compile(r"/commons/\d+$"))
        record_path = "/commons/" + member.url.rsplit("/", 1)[1]
        expect(member.get_by_role("heading", level=1)).to_have_text(name)

    # Not public yet: a visitor's search does not find it.
    with person(browser, base_url, None) as visitor:
        visitor.goto(f"/commons?q={word}")
        expect(visitor.get_by_role("link", name=name)).to_have_count(0)

    # An official validates it from its page.
    with person(browser, base_url, "official") as official:
        official.goto(record_path)
        assert_accessible(official)
        submit(official, f"main form[action$='{record_path}/validate']")
        expect(flash(official)).to_contain_text("The commons is validated and published.")

    # Anyone finds it now: search by a word of its description, with the keyboard.
    with person(browser, base_url, None) as visitor:
        visitor.goto("/commons")
        expect(visitor.locator("#commons-map")).to_have_class(re.compile("leaflet-container"))
        search = visitor.get_by_role("searchbox", name="Search")
        search.fill(word)
        with visitor.expect_navigation():
            search.press("Enter")
        expect(visitor.get_by_role("heading", name="Commons found: 1")).to_be_visible()
        results = visitor.locator(".register-results li h3 a")
        expect(results).to_have_text([name])
        # The map (Leaflet, fed by the GeoJSON of the same search) shows its marker.
        expect(
            visitor.locator(f"#commons-map .leaflet-marker-icon[title='{name}']")
        ).to_be_visible()
        assert_accessible(visitor)

        # The list works without the search too: the new record is on one of its pages.
        visitor.goto("/commons?sort=name")
        expect(visitor.locator(".register-results li").first).to_be_visible()
        expect(visitor.locator("#commons-map .leaflet-marker-icon").first).to_be_visible()

        # Its page shows the Markdown description and the Ostrom profile.
        visitor.goto(f"/commons?q={word}")
        visitor.get_by_role("link", name=name).click()
        expect(visitor).to_have_url(re.compile(re.escape(record_path) + "$"))
        expect(visitor.locator("main strong", has_text=word)).to_be_visible()
        ostrom = visitor.get_by_role("table", name="Ostrom self-assessment")
        boundaries = ostrom.get_by_role("row").filter(has_text="Clearly defined boundaries")
        expect(boundaries).to_contain_text("3 –")
        expect(boundaries).to_contain_text("A list of the seed keepers.")
        expect(ostrom.get_by_role("row").filter(has_text="Accountable monitoring")).to_contain_text(
            "1 –"
        )
        expect(ostrom.locator("tfoot")).to_contain_text("4 out of 24")
        expect(
            visitor.locator(f"#commons-map .leaflet-marker-icon[title='{name}']")
        ).to_be_visible()
        assert_accessible(visitor)
