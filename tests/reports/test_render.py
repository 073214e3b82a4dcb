"""Real charter PDFs, read back: text, PDF/A identification, attachments, language."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import warnings

import pytest

from reports import charter, charter_report, registry, render, sample
from tests.reports import pdfs

BASE = "https://city.example"


@pytest.fixture(scope="module")
def english():
    content = sample.sample_content("en", BASE)
    sha = charter.digest(content)
    return content, sha, charter_report.render_charter(content, sha, BASE)


@pytest.fixture(scope="module")
def french():
    content = sample.sample_content("fr", BASE)
    sha = charter.digest(content)
    signatures = [
        {
            "party": "city",
            "name": "Claire Martin",
            "role": "Adjointe à la nature en ville",
            "place": "Lille",
            "signed_at": dt.datetime(2026, 3, 25, 10, 30, tzinfo=dt.UTC).isoformat(),
        }
    ]
    return content, sha, charter_report.render_charter(content, sha, BASE, signatures)


def test_the_charter_names_the_commons_and_every_commitment(english):
    content, sha, pdf = english
    text = pdfs.text(pdf)
    assert "Moulins shared garden" in text
    assert "Shared garden of the Moulins, with the schools" in text
    for article in content["articles"]:
        for item in article["commitments"]:
            assert pdfs.flat(item["text"]) in text, item["text"]
            assert item["number"] in text
    for commitment in sample.CITY_COMMITMENTS + sample.COMMONS_COMMITMENTS:
        assert pdfs.flat(commitment.description["en"]) in text


def test_every_page_carries_the_verification_code_and_page_x_of_y(english):
    _, sha, pdf = english
    reader = pdfs.reader(pdf)
    total = len(reader.pages)
    assert total >= 5
    for number in range(1, total + 1):
        page_text = pdfs.text(pdf, number)
        assert sha in page_text.replace(" ", ""), f"no code on page {number}"
        assert f"Page {number} of {total}" in page_text


def test_articles_follow_the_sections_and_the_partner_state_clause_stands_out(english):
    content, _, pdf = english
    text = pdfs.text(pdf)
    for article in content["articles"]:
        assert f"Article {article['number']} {article['heading']}" in text
    assert "PARTNER-STATE CLAUSE" in text
    assert "The city's enabling commitments" in text
    # The work plan is filled in the sample; breaches are not, so that article is absent.
    assert "Objectives, actions and work plan" in text
    assert "Breaches and exclusion" not in text


def test_signature_blocks_and_annexes(english):
    _, _, pdf = english
    text = pdfs.text(pdf)
    assert "SIGNATURES" in text
    assert "For the city" in text and "For the commons" in text
    assert "Claire Martin" in text and "Yusuf Demir" in text
    assert "Annex 1 — Location of the commons" in text
    assert "50.622200, 3.070600" in text
    assert "Annex 2 — The full result of the vote" in text
    assert "Pairwise matrix" in text
    assert "87 ballots of 140 members" in text


def test_pdfa_identification_is_in_the_xmp_metadata(english):
    _, _, pdf = english
    xmp = pdfs.xmp(pdf)
    assert "pdfaid:part" in xmp
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    assert "B" in xmp.split("pdfaid:conformance")[1][:5]
    assert pdf.startswith(b"%PDF-")


def test_the_canonical_json_is_attached_and_hashes_to_the_code(english):
    content, sha, pdf = english
    attached = pdfs.attachments(pdf)
    assert set(attached) == {"charter.json"}
    assert hashlib.sha256(attached["charter.json"]).hexdigest() == sha
    assert json.loads(attached["charter.json"]) == content


def test_pdf_metadata(english):
    content, sha, pdf = english
    info = pdfs.reader(pdf).metadata
    assert info.title == content["title"]
    assert info.author == "City of Lille"
    assert sha in info.get("/Keywords", "")


def test_a_french_charter_is_in_french(french):
    content, sha, pdf = french
    text = pdfs.text(pdf)
    assert "Jardin partagé des Moulins, avec les écoles" in text
    assert "Prête la parcelle du 12 rue d'Arras sans loyer pendant toute la durée." in text
    assert "Article 1 Principes" in text
    assert "Code de vérification" in text
    assert "Page 1 sur" in text
    assert "CLAUSE DE L'ÉTAT PARTENAIRE" in text
    assert "20 mars 2026" in text
    assert "Partnership" not in text and "Verification code" not in text
    assert "Signatures" in text or "SIGNATURES" in text


def test_recorded_signatures_are_printed_and_attached(french):
    _, sha, pdf = french
    text = pdfs.text(pdf)
    assert "Claire Martin" in text
    assert "Lille" in text
    assert "25 mars 2026" in text
    attached = pdfs.attachments(pdf)
    assert hashlib.sha256(attached["charter.json"]).hexdigest() == sha
    assert json.loads(attached["signatures.json"])[0]["name"] == "Claire Martin"


def test_page_one_as_png_for_a_human(english, french):
    for name, (_, _, pdf) in (("charter-en", english), ("charter-fr", french)):
        png = pdfs.first_page_png(pdf, name)
        assert png.read_bytes().startswith(b"\x89PNG")


def test_reports_never_fetch_remote_resources():
    html = '<html><body><img src="https://example.org/x.png"><p>ok</p></body></html>'
    pdf = render.html_to_pdf(html, archival=False)
    assert "ok" in pdfs.text(pdf)


def test_css_string_escapes_quotes_and_closing_tags():
    assert render.css_string('a"b\\c</style>') == '"a\\"b\\\\c\\3C /style>"'


def test_the_registry_lists_folder_types_and_the_charter():
    names = registry.names()
    assert "charter" in names
    with pytest.raises(registry.UnknownReport):
        registry.get("nope")


def test_an_archival_pdf_leaves_no_file_open_and_keeps_its_srgb_output_intent():
    # WeasyPrint opened its sRGB profile for every PDF/A and never closed it: a
    # ResourceWarning on every render, which html_to_pdf used to hide. The layer
    # that calls WeasyPrint is checked itself, with nothing filtered around it.
    from weasyprint import HTML

    fetcher = render._data_only_fetcher()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf = render._write_pdf(
            HTML(string="<p>Text</p>", url_fetcher=fetcher),
            (),
            (),
            fetcher,
            {"pdf_variant": render.PDF_VARIANT},
        )
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    intents = pdfs.reader(pdf).trailer["/Root"]["/OutputIntents"]
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert "sRGB" in intent["/OutputConditionIdentifier"]
    assert intent["/DestOutputProfile"].get_object().get_data().startswith(b"\x00\x00")


def test_what_users_wrote_is_printed_as_markdown(english):
    # The purpose and the work plan are Markdown, as typed in the forms: the PDF used
    # to print the asterisks and run a numbered list into one paragraph.
    content, sha, pdf = english
    printed = pdfs.text(pdf)
    assert "**" not in printed
    assert "open to schools and to every resident who wishes to learn" in printed
    # A link cannot be clicked on paper: its address follows its text.
    assert "the association's site (https://jardins-moulins.example/rules)" in printed
    html = render.render_html(
        charter_report.TEMPLATE,
        charter_report.charter_data(content, sha, BASE).context,
        "en",
    )
    assert "<strong>every resident</strong>" in html
    work_plan = html.split("Objectives, actions and work plan", 1)[1].split("</article>", 1)[0]
    assert work_plan.count("<li>") == 4
    assert "<ol>" in work_plan


def test_markdown_in_the_pdf_is_sanitized():
    content = sample.sample_content("en", BASE)
    purpose = next(a for a in content["articles"] if a["key"] == "purpose")
    purpose["paragraphs"][0] = {
        "markdown": "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x>"
    }
    html = render.render_html(
        charter_report.TEMPLATE,
        charter_report.charter_data(content, charter.digest(content), BASE).context,
        "en",
    )
    assert "<script" not in html
    assert "<img src=x" not in html and '<img src="x"' not in html
    assert 'href="javascript' not in html
