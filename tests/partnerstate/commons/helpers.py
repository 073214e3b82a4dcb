"""Helpers for the commons register's tests: valid records built through the services."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from partnerstate.commons import services

FULL_BODY: dict[str, Any] = {
    "name": {"en": "Fives community garden", "fr": "Jardin partagé de Fives"},
    "summary": {
        "en": "Vegetable beds for the neighbourhood.",
        "fr": "Des potagers pour le quartier.",
    },
    "description": {
        "en": "Twenty **raised beds** tended by neighbours; compost and seed swaps.",
        "fr": "Vingt **bacs surélevés** cultivés par les voisins ; compost et trocs de graines.",
    },
    "aliases": ["Le jardin des Fives"],
    "established_on": "2016-04-01",
    "category": "food",
    "nature": "material",
    "intervention": "care",
    "address": "12 rue Pierre Legrand, 59800 Lille",
    "lat": 50.6305,
    "lon": 3.0858,
    "district": "Fives",
    "boundary": {"en": "The fenced plot behind the school.", "fr": "La parcelle clôturée."},
    "ownership": "municipal",
    "owner_name": "City of Lille",
    "stewards": "Les Jardiniers de Fives",
    "legal_form": "association",
    "contact_email": "jardin@example.org",
    "contact_phone": "+33 3 20 00 00 00",
    "website": "https://jardin.example.org",
    "active_members": 35,
    "governance": {
        "description": {"en": "Monthly open meeting, consent.", "fr": "Réunion mensuelle."},
        "decision_rule": "consent",
        "rules_url": "https://jardin.example.org/rules",
        "access": "open",
        "fees": "pay_what_you_can",
        "fees_details": "5 euros a year if you can.",
        "inclusion": "Raised beds reachable from a wheelchair.",
    },
    "output_licence": "cc_by_sa",
    "data_licence": "odbl",
    "ostrom": {
        "boundaries": {"score": 3, "evidence": "A map of the plots."},
        "local_rules": {"score": 2, "evidence": {"en": "Watering rota.", "fr": "Tour d'arrosage."}},
        "collective_choice": {"score": 2},
    },
}


def make_commons(
    db: Session,
    author: Any,
    name: Any = "Repair café",
    description: Any = "We fix things together.",
    category: str = "making_repair",
    locale: str = "en",
    commit: bool = True,
    **fields: Any,
) -> Any:
    """A commons proposed by ``author`` (published at once when an official)."""
    data = {"name": name, "description": description, "category": category, **fields}
    commons = services.propose(db, author, data, locale)
    if commit:
        db.commit()
    return commons


def published(db: Session, author: Any, official: Any, **fields: Any) -> Any:
    commons = make_commons(db, author, commit=False, **fields)
    if commons.status != "published":
        services.validate(db, commons, official)
    db.commit()
    return commons
