"""The demo charter issued in each of the eight languages, read back from its PDF.

Each PDF must read in its own language (no English heading left in a translated
charter), embed every font it uses, identify itself as PDF/A-3b, print its
verification code and carry ``charter.json``. A language whose catalog does not yet
translate the charter's headings fails here, naming what is missing.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from sqlalchemy.orm import sessionmaker

from partnerstate import demo
from partnerstate.i18n import LOCALES, RTL_LOCALES
from reports import charter, render, services
from tests.catalogs import translated_msgids
from tests.conftest import bearer
from tests.reports import pdfs

#: The charter's fixed headings, as the template and the builder word them in English.
TEMPLATE_HEADINGS = (
    "The parties",
    "For the city",
    "For the commons",
    "Signatures",
    "Annexes",
    "Verify this charter",
    "Verification code (SHA-256)",
    "Partner-state clause",
    "Annex 1 — Location of the commons",
    "Annex 2 — The full result of the vote",
)
ENGLISH_HEADINGS = tuple(str(h) for h in charter.HEADINGS.values()) + TEMPLATE_HEADINGS
# Bidi controls pdftotext puts around right-to-left runs (RLE…PDF, isolates, marks).
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ARABIC = re.compile("[\u0600-\u06ff]")
HARAKAT = re.compile("[\u064b-\u065f\u0670]")
# pdftotext writes the lam-alef ligature backwards in right-to-left lines ("ال" for
# "لا"): both sides of a comparison put every lam + alef pair in that order.
LAM_ALEF = re.compile("\u0644([\u0627\u0623\u0625\u0622])")


def comparable(text: str) -> str:
    return LAM_ALEF.sub(lambda m: m.group(1) + "\u0644", pdfs.flat(text))


def text_of(pdf: bytes) -> str:
    return comparable(BIDI_CONTROLS.sub("", pdfs.text(pdf)))


def _issue_everywhere(db: Any) -> dict[str, tuple[dict[str, Any], str, bytes]]:
    """Seed the demo city and issue its charter in every language not issued yet."""
    demo.seed(db)
    from partnerstate.partnerships.models import Partnership
    from reports import demo as reports_demo

    title = reports_demo.THINGS["title"]["en"]
    partnership = next(p for p in db.query(Partnership) if p.title.get("en") == title)
    official = next(c for c in services.for_partnership(db, partnership.id)).issued_by
    issued = {}
    for locale in LOCALES:
        item = services.current_charter(db, partnership.id, locale)
        if item is None:
            item = services.issue(
                db,
                partnership,
                official,
                services.IssueRequest(
                    locale=locale,
                    city_signatory_name="Claire Martin",
                    commons_signatory_name="Louis Petit",
                ),
                base_url=demo.DEFAULT_SITE_URL,
            )
        issued[locale] = (item.content, item.sha256, services.issued_pdf(db, item))
    return issued


@pytest.fixture(scope="module")
def charters(engine: Any) -> dict[str, tuple[dict[str, Any], str, bytes]]:
    """The demo charter in the eight languages, issued once for the module.

    Rolled back at once: the tests read plain data, and an open transaction would
    keep SQLite locked for the other tests of the module.
    """
    connection = engine.connect()
    outer = connection.begin()
    session = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")()
    try:
        return _issue_everywhere(session)
    finally:
        session.close()
        outer.rollback()
        connection.close()


def embedded_font_problems(pdf: bytes) -> list[str]:
    """Every font of every page (and of the page's form XObjects) without a font file."""
    problems: list[str] = []
    seen: set[int] = set()

    def walk(resources: Any) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            if id(font) in seen:
                continue
            seen.add(id(font))
            fonts = [f.get_object() for f in font.get("/DescendantFonts", [])] or [font]
            for item in fonts:
                descriptor = item.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor is not None else {}
                if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    problems.append(str(item.get("/BaseFont") or font.get("/BaseFont")))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in pdfs.reader(pdf).pages:
        walk(page.get("/Resources"))
    return problems


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in pdfs.reader(pdf).pages:
        for font in (page["/Resources"].get_object().get("/Font") or {}).values():
            names.add(str(font.get_object().get("/BaseFont")))
    return names


def charter_title_in(locale: str, charters: dict[str, Any]) -> str:
    return charters[locale][0]["title"]


@pytest.mark.parametrize("locale", list(LOCALES))
def test_the_demo_charter_reads_in_its_language(charters, locale):
    content, sha, pdf = charters[locale]
    assert content["locale"] == locale
    # The PDF's metadata: the pact's title, and its type in the charter's language.
    info = pdfs.reader(pdf).metadata
    assert info.title == content["title"]
    assert content["type_label"] in info.subject
    assert content["type_label"] == render.translate(locale, charter.TYPE_LABELS["ordinary"])
    text = text_of(pdf)
    assert "\ufffd" not in text
    headings = [article["heading"] for article in content["articles"]]
    if locale == "en":
        for english in ENGLISH_HEADINGS[: len(charter.HEADINGS)]:
            if english in headings:
                assert english in text
        assert "Verify this charter" in text
        return
    known = translated_msgids(locale)
    untranslated = [h for h in ENGLISH_HEADINGS if h not in known]
    assert not untranslated, f"the {locale} catalog does not translate: {untranslated}"
    # Where a translation happens to be the English word ("Signatures" in French) it may
    # appear; any other English heading in the text is English left behind.
    left = [h for h in ENGLISH_HEADINGS if h in text and render.translate(locale, h) != h]
    assert not left, f"English headings in the {locale} charter: {left}"
    for heading in headings:
        assert comparable(heading) in text
    # A standard clause: the body text is in the language too.
    clause = comparable(render.translate(locale, charter.AMENDMENT))
    if locale in RTL_LOCALES:
        # pdftotext may give a wrapped right-to-left sentence's lines in either order
        # and a word's vowel marks apart: each word must be there.
        bare = HARAKAT.sub("", text)
        missing = [w for w in HARAKAT.sub("", clause).split() if w.strip("،.") not in bare]
        assert not missing, missing
    else:
        assert clause in text
    # What the demo's users wrote, in this language too (es, ca, it, de, nl and ar).
    assert comparable(content["title"]) in text
    assert content["title"] != charter_title_in("en", charters) or locale == "en"
    if locale in RTL_LOCALES:
        assert ARABIC.search(text)


@pytest.mark.parametrize("locale", list(LOCALES))
def test_the_demo_charter_is_an_archival_pdf_with_its_code(charters, locale):
    content, sha, pdf = charters[locale]
    assert embedded_font_problems(pdf) == []
    xmp = pdfs.xmp(pdf)
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    assert "B" in xmp.split("pdfaid:conformance")[1][:5]
    assert sha in text_of(pdf).replace(" ", "")
    attached = pdfs.attachments(pdf)["charter.json"]
    assert hashlib.sha256(attached).hexdigest() == sha == charter.digest(content)


def test_an_arabic_charter_is_set_in_arabic_fonts(charters):
    """Arabic glyphs come from Noto Naskh/Sans Arabic, never from a fallback font."""
    content, sha, pdf = charters["ar"]
    names = font_names(pdf)
    assert any("Naskh-Arabic" in name for name in names), names
    html = services.charter_report.CHARTER.render_html(
        services.charter_report.charter_data(content, sha, demo.DEFAULT_SITE_URL)
    )
    assert '<html lang="ar" dir="rtl">' in html
    # The code and the address stay left to right inside the right-to-left page.
    assert f'<p class="url" dir="ltr">{demo.DEFAULT_SITE_URL}/charters/verify/{sha}</p>' in html
    png = pdfs.first_page_png(pdf, "charter-ar")
    assert png.read_bytes().startswith(b"\x89PNG")


def test_an_arabic_charter_is_issued_by_the_api_and_verifies(app, db):
    from tests.reports.conftest import make_scene

    scene = make_scene(db)
    body = app.post_json(
        f"/api/v1/partnerships/{scene.partnership.id}/charter",
        {"locale": "ar"},
        headers=bearer(db, scene.official),
        status=201,
    ).json
    assert body["locale"] == "ar"
    pdf = app.get(f"/api/v1/charters/{body['id']}/pdf").body
    code = hashlib.sha256(pdfs.attachments(pdf)["charter.json"]).hexdigest()
    assert code == body["sha256"]
    verdict = app.get(f"/api/v1/charters/verify/{code}").json
    assert verdict["valid"] is True and verdict["locale"] == "ar"
    page = app.get(f"/charters/verify/{code}", {"_LOCALE_": "ar"})
    assert code in page.text


def test_the_api_document_offers_every_language_for_a_charter():
    from importlib.resources import files

    import yaml

    document = yaml.safe_load((files("partnerstate") / "openapi.yaml").read_text("utf-8"))
    path = document["paths"]["/api/v1/partnerships/{id}/charter"]["post"]
    schema = path["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["locale"]["enum"] == list(LOCALES)


def test_the_review_of_an_arabic_charter_reads_right_to_left_on_an_english_page(app, db):
    from partnerstate.partnerships.models import Partnership
    from reports import demo as reports_demo
    from tests.conftest import csrf_token, log_in

    demo.seed(db)
    db.commit()
    title = reports_demo.THINGS["title"]["en"]
    partnership = next(p for p in db.query(Partnership) if p.title.get("en") == title)
    official = demo.ACCOUNTS[0]
    log_in(app, official.email, official.password)
    url = f"/partnerships/{partnership.id}/charter/new"
    page = app.get(url, {"_LOCALE_": "en"})
    # The pact is written in every language: Arabic is offered.
    assert 'value="ar"' in page.text
    review = app.post(
        url,
        {
            "csrf_token": csrf_token(app, url),
            "locale": "ar",
            "city_signatory_name": "Claire Martin",
            "commons_signatory_name": "Louis Petit",
        },
    )
    assert '<html lang="en"' in review.text
    assert 'class="charter-review" lang="ar" dir="rtl"' in review.text
    assert reports_demo.THINGS["title"]["ar"] in review.text
    article = render.translations("ar").gettext("Article %(number)s") % {"number": 1}
    assert f"<h3>{article} — " in review.text


def test_an_arabic_vote_report_is_right_to_left_in_arabic_fonts(app, db):
    """The other reports share the charter's fonts and direction (reports/types)."""
    from deliberation.votes import services as votes
    from tests.reports.conftest import make_scene

    scene = make_scene(db, status="deliberation")
    # The proposal's title in Arabic too: the options, and so the report, have Arabic text.
    scene.partnership.title = {**scene.partnership.title, "ar": "حديقة مشتركة في مستودع الترام"}
    db.commit()
    vote = votes.open_partnership_vote(db, scene.partnership, scene.official)
    db.commit()
    ids = [option.id for option in vote.options]
    votes.cast_ballot(db, vote, scene.member, [ids[0], ids[-1]])
    votes.close_vote(db, vote, scene.official)
    db.commit()
    pdf = app.get(f"/votes/{vote.id}/report.pdf", {"_LOCALE_": "ar"}).body
    assert embedded_font_problems(pdf) == []
    assert any("Arabic" in name for name in font_names(pdf)), font_names(pdf)
    text = text_of(pdf)
    assert comparable("حديقة مشتركة في مستودع الترام") in text
    assert vote.tie_break_seed in text.replace(" ", "")
