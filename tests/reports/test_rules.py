"""Small rules of charters that need no database: scans, file names, references, CSS."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from reports import render, services


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n...\n%%EOF\n", True),
        (b"\xef\xbb\xbf%PDF-1.4 body %%EOF", True),  # a BOM or junk before the header
        (b"%PDF-1.4 truncated", False),
        (b"\x89PNG\r\n\x1a\n%%EOF", False),
        (b"", False),
        (b"<html>%PDF-%%EOF", True),  # header within the first KiB, as readers accept
    ],
)
def test_looks_like_pdf(data, expected):
    assert services.looks_like_pdf(data) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("signed.pdf", "signed.pdf"),
        ("C:\\Users\\a\\signed copy.pdf", "signed copy.pdf"),
        ("/etc/passwd", "passwd"),
        ('bad"name<>.pdf', "badname.pdf"),
        ("x" * 300 + ".pdf", "x" * 200),
        ("", ""),
    ],
)
def test_clean_filename(name, expected):
    assert services._clean_filename(name) == expected


def test_reference_is_the_year_and_the_partnership_number():
    assert services.reference_for(SimpleNamespace(id=7), dt.date(2026, 3, 1)) == "2026-0007"
    assert services.reference_for(SimpleNamespace(id=12345), dt.date(2027, 1, 1)) == "2027-12345"


def _charter(status="awaiting_signatures", city=None, commons=None, signed=()):
    signatures = [SimpleNamespace(party=p) for p in signed]
    item = SimpleNamespace(
        status=status,
        city_signatory_id=city,
        commons_signatory_id=commons,
        signatures=signatures,
    )
    item.signatory_id = lambda party: city if party == "city" else commons
    item.signature_for = lambda party: next((s for s in signatures if s.party == party), None)
    return item


def test_who_may_sign_for_which_party():
    official = SimpleNamespace(id=1, is_official=True)
    signatory = SimpleNamespace(id=2, is_official=False)
    other = SimpleNamespace(id=3, is_official=False)
    item = _charter(commons=2)
    assert services.parties_to_sign(item, official) == ["city", "commons"]
    assert services.parties_to_sign(item, signatory) == ["commons"]
    assert services.parties_to_sign(item, other) == []
    assert services.parties_to_sign(item, None) == []
    assert services.parties_to_sign(_charter(commons=2, signed=["commons"]), signatory) == []
    assert services.parties_to_sign(_charter(status="signed"), official) == []


def test_page_counter_follows_the_translated_word_order(monkeypatch):
    class Reversed:
        def gettext(self, message):
            return "${pages} pages, this is ${page}" if "${page}" in message else message

    monkeypatch.setattr(render, "translations", lambda locale: Reversed())
    css = render.page_counter_css({"locale": "xx"})
    assert str(css) == 'counter(pages) " pages, this is " counter(page)'


def test_page_counter_in_english_and_french():
    assert str(render.page_counter_css({"locale": "en"})) == (
        '"Page " counter(page) " of " counter(pages)'
    )
    assert str(render.page_counter_css({"locale": "fr"})) == (
        '"Page " counter(page) " sur " counter(pages)'
    )


def test_qr_codes_encode_the_verification_address():
    url = "https://city.example/charters/verify/" + "a" * 64
    assert render.qr_png_data_uri(url).startswith("data:image/png;base64,")
    svg = str(render.qr_svg_inline(url))
    assert svg.startswith("<svg") and "viewBox" in svg and url in svg
    # Kept per address (a charter page draws its code on every view): never another's.
    assert str(render.qr_svg_inline(url)) == svg
    other = str(render.qr_svg_inline(url.replace("a", "b")))
    assert other != svg and url.replace("a", "b") in other
    assert type(render.qr_svg_inline(url)).__name__ == "Markup"


def test_dates_in_reports_follow_the_report_language():
    context = {"locale": "fr", "timezone": "Europe/Paris"}
    assert render.date_filter(context, "2026-03-20") == "20 mars 2026"
    assert render.datetime_filter(context, "2026-03-12T23:30:00+00:00").startswith("13 mars 2026")
    assert render.date_filter(context, None) == ""
    assert render.date_filter(context, "not a date") == ""
    assert render.number_filter({"locale": "fr"}, 1234.5) == "1\u202f234,5"
