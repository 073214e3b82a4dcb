"""The register's vocabularies: complete, stable ids, and translated labels."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from partnerstate.commons import taxonomy as tx
from partnerstate.i18n import catalog_path


def test_the_twelve_domains_of_concepts_md():
    assert list(tx.DOMAINS) == [
        "food", "housing", "energy", "mobility", "water", "green_public_space", "culture",
        "knowledge_education", "care_health", "making_repair", "finance_currencies",
        "digital_data",
    ]  # fmt: skip


def test_other_axes():
    assert list(tx.NATURES) == ["material", "immaterial", "digital"]
    assert list(tx.INTERVENTIONS) == ["care", "shared_management", "regeneration"]
    assert list(tx.OWNERSHIPS) == ["municipal", "public", "private", "collective", "intangible"]
    assert list(tx.ACCESS_POLICIES) == ["open", "members", "booking"]
    assert list(tx.STATUSES) == ["proposed", "published", "rejected", "archived"]


def test_eight_ostrom_principles_scored_zero_to_three():
    assert len(tx.OSTROM_PRINCIPLES) == 8
    assert len(set(tx.OSTROM_IDS)) == 8
    assert (tx.OSTROM_MIN, tx.OSTROM_MAX) == (0, 3)
    assert sorted(tx.OSTROM_SCORE_LABELS) == [0, 1, 2, 3]


def test_ids_are_stable_snake_case():
    vocabularies = (tx.DOMAINS, tx.NATURES, tx.INTERVENTIONS, tx.OWNERSHIPS, tx.LEGAL_FORMS,
                    tx.DECISION_RULES, tx.ACCESS_POLICIES, tx.FEES_POLICIES, tx.OUTPUT_LICENCES,
                    tx.DATA_LICENCES, tx.SORTS, tx.BALANCE_DIMENSIONS)  # fmt: skip
    for vocabulary in vocabularies:
        for key in vocabulary:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", key), key
            # Ids fit the columns that store them.
            assert len(key) <= 20


def test_labels_have_french_translations():
    with catalog_path("fr").open("rb") as po_file:
        french = read_po(po_file, locale="fr")
    vocabularies = (tx.DOMAINS, tx.NATURES, tx.INTERVENTIONS, tx.STATUSES, tx.OWNERSHIPS,
                    tx.ACCESS_POLICIES, tx.BALANCE_DIMENSIONS, tx.REVISION_ACTIONS)  # fmt: skip
    for vocabulary in vocabularies:
        for label in vocabulary.values():
            message = french.get(str(label), context=label.context)
            assert message is not None and message.string, label
    assert french.get("Green and public space").string == "Espaces verts et publics"
