"""The register's rules, without a web server or a database (commons.validation)."""

from __future__ import annotations

import datetime as dt

import pytest

from partnerstate.commons import validation as rules
from partnerstate.commons.validation import InvalidRecord, clean, clean_reason, fold

BASE = {"name": "Jardin", "description": "Un jardin.", "category": "food"}


def errors(data, **kwargs):
    with pytest.raises(InvalidRecord) as caught:
        clean(data, "en", **kwargs)
    return caught.value.errors


def test_minimal_record():
    values = clean(BASE, "fr")
    assert values["name"] == {"fr": "Jardin"}
    assert values["description"] == {"fr": "Un jardin."}
    assert values["category"] == "food"
    assert values["nature"] == "material"


@pytest.mark.parametrize(
    ("category", "nature"),
    [("digital_data", "digital"), ("finance_currencies", "immaterial"), ("water", "material")],
)
def test_default_nature_follows_the_domain(category, nature):
    assert clean({**BASE, "category": category}, "en")["nature"] == nature


def test_explicit_nature_wins():
    assert clean({**BASE, "category": "digital_data", "nature": "material"}, "en")["nature"] == (
        "material"
    )


def test_all_problems_are_reported_at_once():
    found = errors({"name": "<b>x</b>", "category": "nope", "lat": 100, "lon": 0})
    assert set(found) == {"name", "description", "category", "lat"}


def test_texts_are_trimmed_and_empty_languages_dropped():
    values = clean({**BASE, "name": {"en": "  Garden ", "fr": "   "}}, "en")
    assert values["name"] == {"en": "Garden"}


@pytest.mark.parametrize("value", ["<script>x</script>", "<b>", "</p>", "<!-- c -->", "<?php"])
def test_markup_is_refused_in_plain_text(value):
    assert errors({**BASE, "name": value}) == {"name": rules._("HTML is not allowed here.")}


def test_comparisons_are_not_markup():
    assert clean({**BASE, "name": "a < b > c", "summary": "2<3"}, "en")["name"] == {
        "en": "a < b > c"
    }


def test_markdown_is_allowed_in_the_description_but_not_html():
    assert clean({**BASE, "description": "**bold** [link](https://x.org)"}, "en")
    assert "description" in errors({**BASE, "description": "<iframe src=x>"})


def test_error_remembers_which_language_broke_the_rule():
    with pytest.raises(InvalidRecord) as caught:
        clean({**BASE, "name": {"en": "ok", "fr": "<b>non</b>"}}, "en")
    assert caught.value.locales == {"name": "fr"}


@pytest.mark.parametrize(
    ("field", "maximum"),
    [("name", 200), ("summary", 500), ("description", 10_000), ("boundary", 2_000)],
)
def test_text_lengths(field, maximum):
    assert clean({**BASE, field: "x" * maximum}, "en")
    assert field in errors({**BASE, field: "x" * (maximum + 1)})


@pytest.mark.parametrize(
    ("lat", "lon", "bad"),
    [(90.0001, 0, "lat"), (-91, 0, "lat"), (0, 180.5, "lon"), (0, -181, "lon"),
     (float("nan"), 0, "lat"), (float("inf"), 0, "lat"), (True, 0, "lat"), ("1", 0, "lat")],
)  # fmt: skip
def test_coordinates_must_be_real(lat, lon, bad):
    assert bad in errors({**BASE, "lat": lat, "lon": lon})


@pytest.mark.parametrize(("lat", "lon"), [(90, 180), (-90, -180), (0, 0), (50.6292, 3.0573)])
def test_coordinates_at_the_edges(lat, lon):
    values = clean({**BASE, "lat": lat, "lon": lon}, "en")
    assert (values["latitude"], values["longitude"]) == (float(lat), float(lon))


def test_a_point_needs_both_coordinates():
    assert "lon" in errors({**BASE, "lat": 50})
    assert "lat" in errors({**BASE, "lon": 3})
    # An update may give one coordinate when the other is already stored.
    assert clean({"lat": 51}, "en", partial=True, current={"longitude": 3.0})["latitude"] == 51.0
    assert "lat" in errors({"lat": None}, partial=True, current={"latitude": 1.0, "longitude": 3.0})


def test_private_ownership_needs_consent():
    assert "owner_consent" in errors({**BASE, "ownership": "private"})
    assert clean({**BASE, "ownership": "private", "owner_consent": True}, "en")
    assert "owner_consent" in errors(
        {"owner_consent": False}, partial=True, current={"ownership": "private"}
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("contact_email", "not-an-email"), ("contact_email", "a@b"), ("contact_phone", "call me"),
     ("website", "javascript:alert(1)"), ("website", "www.example.org"),
     ("website", "https://x.org/<script>")],
)  # fmt: skip
def test_contact_formats(field, value):
    assert field in errors({**BASE, field: value})


def test_contact_formats_accepted():
    values = clean(
        {**BASE, "contact_email": "a@b.org", "contact_phone": "+33 (0)3 20-00.00", "website":
         "HTTPS://x.org/path?q=1"},
        "en",
    )  # fmt: skip
    assert values["contact_email"] == "a@b.org"


def test_aliases():
    assert clean({**BASE, "aliases": ["A", " ", "B "]}, "en")["aliases"] == ["A", "B"]
    assert clean({**BASE, "aliases": "A\nB"}, "en")["aliases"] == ["A", "B"]
    assert "aliases" in errors({**BASE, "aliases": [str(n) for n in range(11)]})
    assert "aliases" in errors({**BASE, "aliases": ["x" * 201]})
    assert "aliases" in errors({**BASE, "aliases": 3})


def test_dates():
    assert clean({**BASE, "established_on": "2020-01-31"}, "en")["established_on"] == dt.date(
        2020, 1, 31
    )
    assert "established_on" in errors({**BASE, "established_on": "31/01/2020"})
    assert "established_on" in errors({**BASE, "established_on": "0999-01-01"})
    future = (dt.date.today() + dt.timedelta(days=800)).isoformat()
    assert "established_on" in errors({**BASE, "established_on": future})


def test_members_count():
    assert clean({**BASE, "active_members": 0}, "en")["active_members"] == 0
    assert "active_members" in errors({**BASE, "active_members": 2.5})
    assert "active_members" in errors({**BASE, "active_members": 10_000_001})


def test_governance_text_or_object():
    values = clean({**BASE, "governance": "By consent."}, "fr")
    assert values["governance"] == {"fr": "By consent."}
    values = clean(
        {**BASE, "governance": {"decision_rule": "consensus", "access": "booking", "fees": "free",
                                "inclusion": "Ramps.", "rules_url": "https://x.org/rules"}},
        "en",
    )  # fmt: skip
    assert values["decision_rule"] == "consensus"
    assert values["access_policy"] == "booking"
    assert values["fees_policy"] == "free"
    assert values["inclusion_measures"] == {"en": "Ramps."}
    assert values["rules_url"] == "https://x.org/rules"
    assert "governance.colour" in errors({**BASE, "governance": {"colour": "red"}})
    assert "governance" in errors({**BASE, "governance": 3})


def test_ostrom_assessment():
    values = clean(
        {**BASE, "ostrom": {"boundaries": {"score": 3, "evidence": "Map."}, "monitoring": 1,
                            "nested_layers": None}},
        "en",
    )  # fmt: skip
    assert values["ostrom"] == {
        "boundaries": {"score": 3, "evidence": {"en": "Map."}},
        "monitoring": {"score": 1, "evidence": {}},
    }
    assert rules.ostrom_total(values["ostrom"]) == 4
    assert rules.ostrom_total({}) is None
    for bad in ({"boundaries": {"score": 4}}, {"boundaries": {"score": -1}},
                {"boundaries": {"score": 1.5}}, {"boundaries": {}}, {"boundaries": "high"},
                {"boundaries": {"score": True}}):  # fmt: skip
        assert any(key.startswith("ostrom.boundaries") for key in errors({**BASE, "ostrom": bad}))
    assert "ostrom.luck" in errors({**BASE, "ostrom": {"luck": {"score": 1}}})


def test_area_polygon():
    ring = [[3.0, 50.0], [3.1, 50.0], [3.1, 50.1], [3.0, 50.0]]
    assert clean({**BASE, "area": {"type": "Polygon", "coordinates": [ring]}}, "en")["area"]
    for bad in (
        {"type": "Polygon", "coordinates": [ring[:3]]},
        {"type": "Polygon", "coordinates": [[*ring[:3], [3.2, 50.0]]]},  # not closed
        {"type": "Polygon", "coordinates": [[[200, 0], [1, 1], [1, 2], [200, 0]]]},
        {"type": "Polygon", "coordinates": [ring, ring]},  # holes are not supported
        {"type": "LineString", "coordinates": ring},
    ):
        assert "area" in errors({**BASE, "area": bad})


def test_unknown_language_key():
    assert "name" in errors({**BASE, "name": {"english": "Garden"}})
    assert clean({**BASE, "name": {"pt-BR": "Horta"}}, "en")["name"] == {"pt-BR": "Horta"}


def test_partial_update_checks_only_what_is_given():
    assert clean({"district": "Fives"}, "en", partial=True) == {"district": "Fives"}
    assert "name" in errors({"name": ""}, partial=True)
    assert "category" in errors({"category": None}, partial=True)
    assert "nature" in errors({"nature": None}, partial=True)


def test_reasons():
    assert clean_reason("  Not open.  ") == "Not open."
    for bad in (None, "", "   ", "<b>x</b>", "x" * 2001, 3):
        with pytest.raises(InvalidRecord):
            clean_reason(bad)


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Grainothèque", "grainotheque"), ("ÉCOLE", "ecole"), ("Œuvre", "œuvre"),
     ("Straße", "strasse"), ("café", "cafe")],
)  # fmt: skip
def test_fold(text, folded):
    assert fold(text) == folded
