"""The charter's canonical content (pure: no database, no web)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

import pytest

from reports import charter, render, sample

DECISION = charter.Decision(
    vote_id=9,
    method="schulze",
    options=(charter.VoteOption(1, "Proposal"), charter.VoteOption(2, "No", True)),
    winner_option_id=1,
    ballots=30,
    electorate=50,
    quorum_percent=25,
    quorum_met=True,
    closed_at=dt.datetime(2026, 1, 5, 17, 0, tzinfo=dt.UTC),
    result_url="https://city.example/votes/9",
    result={"method": "schulze", "winners": ["1"], "rounds": []},
)


def build(partnership=None, decision="default", locale="en", **kwargs):
    proposal = partnership or charter.PartnershipText(
        id=1,
        title="Repair café",
        purpose="Fix things together.",
        city_commitments=(charter.Commitment("A room every Tuesday.", "space"),),
        commons_commitments=(charter.Commitment("Open to all."),),
        duration_months=24,
    )
    if decision == "default":
        decision = DECISION
    return charter.build_content(
        proposal,
        charter.Parties(
            "City of Ghent", "Commons office", charter.Signatory("An Peeters", "Alderman")
        ),
        charter.CommonsRecord(id=4, name={"en": "Repair café", "fr": "Café réparation"}),
        decision,
        locale=locale,
        reference="2026-0001",
        issued_on=dt.date(2026, 1, 10),
        translate=lambda message, mapping=None: render.translate(locale, message, mapping),
        **kwargs,
    )


def test_canonical_json_is_sorted_compact_utf8():
    data = {"b": 1, "a": {"é": [1, 2]}}
    assert charter.canonical_json(data) == '{"a":{"é":[1,2]},"b":1}'.encode()
    assert charter.digest(data) == hashlib.sha256(charter.canonical_json(data)).hexdigest()


def test_digest_does_not_depend_on_key_order_or_a_json_round_trip():
    content = sample.sample_content("en")
    reordered = json.loads(json.dumps(content, sort_keys=False, indent=3))
    shuffled = dict(reversed(list(reordered.items())))
    assert charter.digest(shuffled) == charter.digest(content)


def test_content_changes_change_the_code():
    content = sample.sample_content("en")
    changed = json.loads(json.dumps(content))
    changed["articles"][0]["paragraphs"][0] += "."
    assert charter.digest(changed) != charter.digest(content)


def test_canonical_json_refuses_values_json_cannot_hold():
    with pytest.raises(ValueError):
        charter.canonical_json({"x": float("nan")})


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("A" * 64, "a" * 64),
        (" " + "0" * 64 + "\n", "0" * 64),
        ("g" * 64, None),
        ("a" * 63, None),
        ("", None),
        (None, None),
        ("../" + "a" * 61, None),
    ],
)
def test_normalize_code(code, expected):
    assert charter.normalize_code(code) == expected


def test_articles_are_numbered_and_commitments_are_numbered_items():
    content = build()
    numbers = [a["number"] for a in content["articles"]]
    assert numbers == list(range(1, len(numbers) + 1))
    city = next(a for a in content["articles"] if a["key"] == "city_commitments")
    assert city["commitments"] == [
        {
            "number": f"{city['number']}.1",
            "text": "A room every Tuesday.",
            "kind": "space",
            "kind_label": "Space",
        }
    ]
    assert city["section"] == 7


def test_empty_optional_sections_are_left_out_and_numbering_closes_up():
    content = build()
    keys = [a["key"] for a in content["articles"]]
    for optional in ("objectives", "access", "resources", "outputs", "liability", "breaches"):
        assert optional not in keys
    for required in ("principles", "commons", "purpose", "city_commitments", "commons_commitments",
                     "governance", "duration", "monitoring", "transparency", "disputes",
                     "amendment", "end", "decision"):  # fmt: skip
        assert required in keys
    # Sections keep their order from CONCEPTS.md.
    sections = [a["section"] for a in content["articles"]]
    assert sections == sorted(sections)


def test_optional_sections_appear_when_the_partnership_fills_them():
    proposal = charter.PartnershipText(
        id=1,
        title="T",
        purpose="P",
        objectives="Plant trees.\n\nWater them.",
        access_rules={"fr": "Ouvert le samedi."},
        output_licence="CC BY-SA 4.0",
    )
    content = build(proposal, fallback_locale="fr")
    by_key = {a["key"]: a for a in content["articles"]}
    # What users wrote is kept whole, as Markdown source (the PDF renders it).
    assert by_key["objectives"]["paragraphs"] == [{"markdown": "Plant trees.\n\nWater them."}]
    assert by_key["access"]["paragraphs"] == [{"markdown": "Ouvert le samedi."}]  # French
    assert "CC BY-SA 4.0" in by_key["outputs"]["paragraphs"][0]
    assert by_key["city_commitments"]["paragraphs"] == ["No specific commitment is recorded."]


def test_without_a_decision_there_is_no_decision_article():
    content = build(decision=None)
    assert content["decision"] is None
    assert "decision" not in [a["key"] for a in content["articles"]]


def test_decision_is_recorded_as_text_and_data():
    content = build()
    decision = next(a for a in content["articles"] if a["key"] == "decision")
    text = " ".join(decision["paragraphs"])
    assert "January 5, 2026" in text
    assert "30 of 50 members voted (turnout 60%)" in text
    assert "The quorum of 25% was met." in text
    assert "“Proposal” won" in text
    assert "https://city.example/votes/9" in text
    assert content["decision"]["winner"] == {"id": 1, "label": "Proposal"}
    assert content["decision"]["turnout"] == {"ballots": 30, "electorate": 50}


def test_paper_ballots_never_lift_the_turnout_above_100_percent():
    # The demo election: 3 members online out of 3, and 39 paper ballots from the room.
    decision = dataclasses.replace(DECISION, ballots=42, electorate=3, paper=39)
    content = build(decision=decision)
    article = next(a for a in content["articles"] if a["key"] == "decision")
    text = " ".join(article["paragraphs"])
    assert "3 of 3 members voted (turnout 100%)" in text
    assert "39 paper ballots counted in the room were added to them" in text
    assert "1,400" not in text
    assert content["decision"]["turnout"] == {
        "ballots": 42, "electorate": 3, "online": 3, "paper": 39
    }  # fmt: skip


def test_apply_alternative_overrides_only_the_fields_it_sets():
    proposal = charter.PartnershipText(
        id=1,
        title="Original",
        purpose="Original purpose",
        city_commitments=(charter.Commitment("Room", "space"),),
        duration_months=12,
    )
    amended = charter.apply_alternative(
        proposal,
        {
            "title": "Amended",
            "purpose": "",
            "duration_months": None,
            "city_commitments": [
                {"kind": "insurance", "description": "Insure", "quantity": "1 policy"}
            ],
            "unknown": "ignored",
            "id": 99,
        },
    )
    assert amended.title == "Amended"
    assert amended.purpose == "Original purpose"
    assert amended.duration_months == 12
    assert amended.id == 1
    assert amended.city_commitments == (
        charter.Commitment("Insure", "insurance", quantity="1 policy"),
    )
    assert charter.apply_alternative(proposal, None) is proposal


def test_commitment_quantity_is_part_of_the_text():
    proposal = charter.PartnershipText(
        id=1,
        title="T",
        purpose="P",
        city_commitments=(charter.Commitment("A room", "space", quantity="120 m²"),),
    )
    city = next(a for a in build(proposal)["articles"] if a["key"] == "city_commitments")
    assert city["commitments"][0]["text"] == "A room (120 m²)"


def test_content_is_plain_json():
    content = sample.sample_content("fr")
    assert json.loads(charter.canonical_json(content)) == content


def test_french_content_is_in_french():
    content = sample.sample_content("fr")
    assert content["title"] == "Jardin partagé des Moulins, avec les écoles"
    assert content["commons"]["name"] == "Jardin partagé des Moulins"
    city = next(a for a in content["articles"] if a["key"] == "city_commitments")
    assert city["commitments"][0]["text"].startswith("Prête la parcelle")
    assert content["locale"] == "fr"


def test_dataclasses_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        charter.Signatory().name = "x"  # type: ignore[misc]


def test_missing_translations_name_every_text_not_written_in_a_language():
    proposal = charter.PartnershipText(
        id=1,
        title={"en": "Garden", "fr": "Jardin"},
        purpose={"en": "Grow **together**."},
        governance={"en": " ", "fr": ""},  # nothing written in any language
        city_commitments=(
            charter.Commitment({"en": "Lends the plot", "fr": "Prête la parcelle"}, "space"),
            charter.Commitment({"en": "Pays for water"}, "utilities"),
        ),
        commons_commitments=(charter.Commitment("Keeps it open"),),  # plain text: any language
    )
    assert charter.missing_translations(proposal, "en") == []
    assert charter.missing_translations(proposal, "fr") == [
        ("purpose", 0),
        ("city_commitments", 2),
    ]
