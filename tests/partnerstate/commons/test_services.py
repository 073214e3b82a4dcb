"""The register's services against a real database (SQLite or PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from partnerstate.commons import services
from partnerstate.commons.models import Commons, CommonsRevision
from partnerstate.commons.services import RegisterQuery, StateConflict
from partnerstate.commons.validation import InvalidRecord
from partnerstate.i18n import LOCALES
from partnerstate.models import AuditEntry
from tests import factories
from tests.partnerstate.commons.helpers import make_commons, published


def test_member_proposal_is_proposed_with_a_first_revision(db, member):
    commons = make_commons(db, member, name={"en": "Garden", "fr": "Jardin"})
    assert commons.status == "proposed"
    assert commons.proposer_id == member.id
    assert commons.published_at is None
    assert [r.action for r in commons.revisions] == ["created"]
    assert commons.sort_name == "garden"
    assert "jardin" in commons.search_text and "garden" in commons.search_text


def test_official_proposal_is_published_and_audited(db, official):
    commons = make_commons(db, official)
    assert commons.status == "published"
    assert commons.published_at is not None
    assert commons.decided_by_id == official.id
    assert [r.action for r in commons.revisions] == ["created", "validated"]
    assert db.scalars(select(AuditEntry.action)).all() == ["commons.validate"]


def test_invalid_proposal_stores_nothing(db, member):
    with pytest.raises(InvalidRecord):
        services.propose(db, member, {"name": "x"}, "en")
    db.flush()
    assert db.scalar(select(func.count()).select_from(Commons)) == 0


def test_update_records_only_real_changes(db, member):
    commons = make_commons(db, member, district="Fives")
    assert services.update(db, commons, member, {"district": "Fives"}, "en") == {}
    changes = services.update(
        db, commons, member, {"district": "Moulins", "name": "Repair café"}, "en"
    )
    assert changes == {"district": {"old": "Fives", "new": "Moulins"}}
    assert [r.action for r in commons.revisions] == ["created", "edited"]
    # A proposer's own edits are not official decisions: no audit entry.
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_update_keeps_search_text_in_step(db, member):
    commons = make_commons(db, member, description="Bikes")
    services.update(db, commons, member, {"description": {"en": "Bikes", "fr": "Vélos"}}, "en")
    assert "velos" in commons.search_text


def test_dates_in_history_are_json(db, member):
    commons = make_commons(db, member)
    services.update(db, commons, member, {"established_on": "2020-02-02"}, "en")
    db.commit()
    revision = db.scalars(select(CommonsRevision).where(CommonsRevision.action == "edited")).one()
    assert revision.changes == {"established_on": {"old": None, "new": "2020-02-02"}}


def test_decision_rules(db, member, official):
    commons = make_commons(db, member)
    services.reject(db, commons, official, "Closed club.")
    assert (commons.status, commons.rejection_reason) == ("rejected", "Closed club.")
    with pytest.raises(StateConflict):
        services.reject(db, commons, official, "Again.")
    with pytest.raises(StateConflict):
        services.archive(db, commons, official, "Gone.")
    services.validate(db, commons, official)  # a reconsidered nomination
    assert commons.status == "published" and commons.rejection_reason is None
    services.validate(db, commons, official)  # harmless
    services.archive(db, commons, official, "Closed in 2025.")
    assert commons.status == "archived"
    with pytest.raises(StateConflict):
        services.validate(db, commons, official)
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["commons.reject", "commons.validate", "commons.archive"]


def test_balance_requires_publication_and_valid_scores(db, member, official):
    commons = make_commons(db, member)
    good = {"year": 2023, "rootedness": 1, "social_return": 2, "internal_democracy": 3,
            "care": 4}  # fmt: skip
    with pytest.raises(StateConflict):
        services.record_balance(db, commons, member, good, "en")
    services.validate(db, commons, official)
    with pytest.raises(InvalidRecord) as caught:
        services.record_balance(db, commons, member, {**good, "care": -1, "notes": "<b>"}, "en")
    assert set(caught.value.errors) == {"care", "notes"}
    balance = services.record_balance(db, commons, member, good, "en")
    assert (balance.year, balance.care) == (2023, 4)


# --- search -----------------------------------------------------------------------------


@pytest.fixture
def register(db, member, official):
    return {
        "garden": published(db, member, official, name={"en": "Garden", "fr": "Jardin"},
                            description={"fr": "Légumes et compost"}, category="food",
                            district="Fives", ostrom={"boundaries": {"score": 2}}),
        "repair": published(db, member, official, name="Repair café", description="Bikes 100%",
                            category="making_repair", district="Moulins"),
        "wifi": published(db, member, official, name="Wifi", description="Mesh_net",
                          category="digital_data", district="Fives"),
        "proposal": make_commons(db, member, name="Proposal garden", category="food"),
    }  # fmt: skip


def _names(db, viewer=None, shown="en", **query):
    records, _more = services.search(db, RegisterQuery(**query), viewer)
    return [r.display_name(shown) for r in records]


def test_search_words_in_any_language_without_accents(db, register):
    assert _names(db, q="légumes") == ["Garden"]
    assert _names(db, q="LEGUMES compost") == ["Garden"]
    assert _names(db, q="jardin") == ["Garden"]
    assert _names(db, q="cafe") == ["Repair café"]
    assert _names(db, q="garden") == ["Garden"]  # the proposal is not published


def test_search_takes_wildcards_literally(db, register):
    assert _names(db, q="100%") == ["Repair café"]
    assert _names(db, q="%") == ["Repair café"]
    assert _names(db, q="bike_") == []  # "_" would match the "s" of "bikes"
    assert _names(db, q="mesh_") == ["Wifi"]


def test_filters_and_counts(db, register):
    assert _names(db, category="food") == ["Garden"]
    assert _names(db, district="Fives") == ["Garden", "Wifi"]
    assert _names(db, nature="digital") == ["Wifi"]
    assert services.count(db, RegisterQuery(district="Fives")) == 2
    assert services.districts(db) == ["Fives", "Moulins"]


def test_proposals_visible_to_officials_and_proposer_only(db, register, member, official):
    assert _names(db, None, status="proposed") == []
    assert _names(db, factories.make_user(db), status="proposed") == []
    assert _names(db, member, status="proposed") == ["Proposal garden"]
    assert _names(db, official, status="proposed") == ["Proposal garden"]


def test_pagination(db, register):
    page, more = services.search(db, RegisterQuery(), limit=2)
    assert [r.display_name("en") for r in page] == ["Garden", "Repair café"] and more
    page, more = services.search(db, RegisterQuery(), limit=2, offset=2)
    assert [r.display_name("en") for r in page] == ["Wifi"] and not more


def test_ostrom_sort_puts_unassessed_last(db, register):
    assert _names(db, sort="ostrom")[0] == "Garden"


def test_search_runs_a_fixed_number_of_queries(db, engine, register):
    """No N+1: one query for a page of results, whatever its size."""
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        records, _ = services.search(db, RegisterQuery(), limit=20)
        for record in records:
            record.display_name("en"), record.category, record.district, record.summary
    finally:
        event.remove(engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, selects


# --- "Name (A to Z)" in the reader's language and collation ----------------------------


@pytest.fixture
def multilingual(db, member, official):
    for en, fr in [
        ("Gate", "Portail"),
        ("Grocery", "Épicerie"),
        ("Garden", "Jardin"),
        ("Water", "Eau"),
        ("Zebra crossing", "Zèbre"),
    ]:
        published(db, member, official, name={"en": en, "fr": fr})
    db.flush()


def test_names_sort_by_the_name_shown_in_the_readers_language(db, multilingual):
    assert _names(db, locale="fr", shown="fr") == ["Eau", "Épicerie", "Jardin", "Portail", "Zèbre"]
    assert _names(db, locale="en", shown="en") == [
        "Garden",
        "Gate",
        "Grocery",
        "Water",
        "Zebra crossing",
    ]


def test_a_name_missing_in_the_readers_language_sorts_as_shown(db, member, official):
    # The English name is shown to a French reader who has no French one; it sorts as such.
    for name in [{"en": "Bakery"}, {"en": "Zinc", "fr": "Atelier"}, {"en": "Kitchen"}]:
        published(db, member, official, name=name)
    assert _names(db, locale="fr", shown="fr") == ["Atelier", "Bakery", "Kitchen"]


def test_a_renamed_commons_moves_in_the_order(db, member, official, multilingual):
    water = db.scalars(select(Commons).where(Commons.sort_name == "water")).one()
    services.update(db, water, official, {"name": {"fr": "Verger"}}, "fr")
    db.flush()
    assert _names(db, locale="fr", shown="fr")[-2:] == ["Verger", "Zèbre"]


def test_the_collation_is_the_languages_own():
    from partnerstate.commons.collation import sort_key

    # Spanish puts ñ after n; French and English read ñ as n.
    assert sort_key("es", "ñu") > sort_key("es", "nube")
    assert sort_key("fr", "ñu") < sort_key("fr", "nube")
    # Accents and case come after the letters themselves.
    assert sort_key("fr", "Épicerie") < sort_key("fr", "Jardin") < sort_key("fr", "jardins")


def test_records_loaded_without_keys_get_them_and_then_list(db, member, official):
    from partnerstate.commons.models import CommonsSortKey

    published(db, member, official, name={"en": "Water", "fr": "Eau"})
    garden = published(db, member, official, name={"en": "Garden", "fr": "Jardin"})
    # As after a bulk load, or when a language is added: no key in that language.
    db.delete(garden.sort_keys["fr"])
    db.flush()
    db.expire_all()
    assert _names(db, locale="fr", shown="fr") == ["Eau"]
    assert services.fill_missing_sort_keys(db) == 1
    assert services.fill_missing_sort_keys(db) == 0
    assert _names(db, locale="fr", shown="fr") == ["Eau", "Jardin"]
    assert db.scalar(select(func.count()).select_from(CommonsSortKey)) == 2 * len(LOCALES)


def test_an_unknown_language_sorts_by_the_neutral_name(db, multilingual):
    assert _names(db, locale="xx")[:2] == ["Garden", "Gate"]
