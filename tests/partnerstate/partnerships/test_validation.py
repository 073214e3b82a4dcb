"""The rules of a partnership's text, without a database."""

from __future__ import annotations

import pytest

from partnerstate.partnerships import validation, vocabulary
from partnerstate.partnerships.errors import Invalid


def clean(data, locale="en", current=None, creating=False):
    return validation.clean(data, locale, current=current, creating=creating)


def errors_of(data, **kwargs):
    with pytest.raises(Invalid) as raised:
        clean(data, **kwargs)
    return raised.value.fields


def test_plain_strings_are_in_the_given_language():
    values = clean({"title": " Garden pact ", "purpose": "Grow food"}, locale="fr")
    assert values == {"title": {"fr": "Garden pact"}, "purpose": {"fr": "Grow food"}}


def test_a_plain_string_changes_one_language_and_keeps_the_others():
    current = {"title": {"en": "Garden pact", "fr": "Pacte du jardin"}}
    assert clean({"title": "Pacte des jardins"}, locale="fr", current=current)["title"] == {
        "en": "Garden pact",
        "fr": "Pacte des jardins",
    }
    # A blank string clears that language only.
    assert clean({"title": ""}, locale="fr", current=current)["title"] == {"en": "Garden pact"}
    # ... but the last language of the title cannot go.
    assert "title" in errors_of({"title": ""}, current={"title": {"en": "Garden pact"}})


def test_an_object_replaces_every_language():
    current = {"title": {"en": "Garden pact", "fr": "Pacte du jardin"}}
    assert clean({"title": {"en": "New"}}, current=current)["title"] == {"en": "New"}


def test_title_is_required_on_creation():
    assert errors_of({"purpose": "x"}, creating=True) == {"title": "This field is required."}
    assert errors_of({"title": "  "}, creating=True)["title"] == "This field is required."


@pytest.mark.parametrize(
    "title", ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "<b>bold</b>"]
)
def test_html_is_refused_in_plain_fields(title):
    assert "title" in errors_of({"title": title})
    assert "city_commitments.0.description" in errors_of(
        {"city_commitments": [{"kind": "space", "description": title}]}
    )


def test_markdown_fields_accept_anything_textual():
    # Rendering sanitizes them; storing keeps what was written.
    text = "Grow <em>food</em> [x](javascript:alert(1))"
    assert clean({"purpose": text})["purpose"] == {"en": text}


def test_a_comparison_is_not_html():
    assert clean({"title": "Costs < 5000 a year"})["title"] == {"en": "Costs < 5000 a year"}


def test_lengths():
    assert "title" in errors_of({"title": "x" * (validation.MAX_TITLE + 1)})
    assert "purpose" in errors_of({"purpose": "x" * (validation.MAX_TEXT + 1)})


def test_unknown_language_keys_are_refused():
    assert "title" in errors_of({"title": {"not a language": "x"}})
    assert "title" in errors_of({"title": {"en": 5}})
    assert "title" in errors_of({"title": 5})


def test_city_commitments_are_typed_and_numbered_by_position():
    values = clean(
        {
            "city_commitments": [
                {"kind": "space", "description": "The old hall, rent-free", "quantity": "120 m²"},
                {"kind": "Utilities and maintenance", "description": "Water and electricity"},
                {"kind": "legal-support", "description": "A jurist 2 days a month", "quantity": 2},
            ]
        }
    )
    assert values["city_commitments"] == [
        {"kind": "space", "description": {"en": "The old hall, rent-free"}, "quantity": "120 m²"},
        {
            "kind": "utilities_maintenance",
            "description": {"en": "Water and electricity"},
            "quantity": None,
        },
        {
            "kind": "staff_support",
            "description": {"en": "A jurist 2 days a month"},
            "quantity": "2",
        },
    ]


def test_commitment_problems_are_named_by_position():
    fields = errors_of(
        {
            "city_commitments": [
                {"kind": "space", "description": "ok"},
                {"kind": "magic", "description": ""},
            ]
        }
    )
    assert set(fields) == {"city_commitments.1.kind", "city_commitments.1.description"}
    assert "Space" in fields["city_commitments.1.kind"].mapping["allowed"]


def test_translating_a_commitment_keeps_its_other_languages():
    current = {
        "city_commitments": [{"kind": "space", "description": {"en": "The hall"}, "quantity": None}]
    }
    values = clean(
        {"city_commitments": [{"kind": "space", "description": "La salle"}]},
        locale="fr",
        current=current,
    )
    assert values["city_commitments"][0]["description"] == {"en": "The hall", "fr": "La salle"}


def test_commons_commitments_accept_plain_strings():
    values = clean(
        {"commons_commitments": ["Keep it open to all", {"description": "Report yearly"}]}
    )
    assert values["commons_commitments"] == [
        {"description": {"en": "Keep it open to all"}},
        {"description": {"en": "Report yearly"}},
    ]


def test_too_many_commitments():
    items = [{"kind": "space", "description": "x"}] * (validation.MAX_COMMITMENTS + 1)
    assert "city_commitments" in errors_of({"city_commitments": items})


@pytest.mark.parametrize(
    ("months", "ok"),
    [(1, True), (120, True), (0, False), (121, False), ("12", False), (True, False), (None, True)],
)
def test_duration(months, ok):
    if ok:
        assert clean({"duration_months": months})["duration_months"] == months
    else:
        assert "duration_months" in errors_of({"duration_months": months})


def test_type_and_licence_vocabularies():
    assert clean({"type": "civic_use"})["kind"] == "civic_use"
    assert "type" in errors_of({"type": "huge"})
    assert clean({"output_licence": "peer_production"})["output_licence"] == "peer_production"
    assert clean({"output_licence": None})["output_licence"] is None
    assert "output_licence" in errors_of({"output_licence": "mine"})


def test_every_problem_is_reported_at_once():
    fields = errors_of({"title": "<b>x</b>", "type": "huge", "duration_months": 0})
    assert set(fields) == {"title", "type", "duration_months"}


@pytest.mark.parametrize("alias", sorted(vocabulary.COMMITMENT_KIND_ALIASES))
def test_every_alias_is_a_known_kind(alias):
    assert vocabulary.commitment_kind(alias) in vocabulary.COMMITMENT_KINDS


def test_reasons():
    assert validation.clean_reason("  end of term ") == "end of term"
    with pytest.raises(Invalid):
        validation.clean_reason(" ")
    with pytest.raises(Invalid):
        validation.clean_reason("<a href=x>", field="note")
    assert validation.clean_reason("", required=False) == ""
