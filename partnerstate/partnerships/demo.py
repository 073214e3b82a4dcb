"""Demo partnerships: one in deliberation (the Fives shared garden), one draft (the repair café).

Runs after the commons and assemblies seeders; puts ``demo["partnerships"]`` by
key (``garden``, ``repair``) for the seeders that follow (the debate, the votes).
Idempotent: a partnership is found again by its commons and English title.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from partnerstate.database import utcnow
from partnerstate.demo_texts import localized
from partnerstate.partnerships import services
from partnerstate.partnerships.models import Partnership


def _t(en: str, fr: str) -> dict[str, str]:
    # English and French here; Spanish, Catalan, Italian, German, Dutch from demo_texts.
    return localized(en, fr)


GARDEN = {
    "title": _t("Pact for the Fives shared garden", "Pacte pour le jardin partagé de Fives"),
    "type": "ordinary",
    "purpose": _t(
        "The city lends the plot behind the Fives-Cail halls to the neighbours who "
        "garden it, so that it stays **open to everyone**: a place to grow food, learn and "
        "meet, in a district with few green spaces.",
        "La ville prête la parcelle derrière les halles de Fives-Cail aux voisins qui la "
        "cultivent, pour qu'elle reste **ouverte à toutes et tous** : un lieu pour cultiver, "
        "apprendre et se rencontrer, dans un quartier pauvre en espaces verts.",
    ),
    "objectives": _t(
        "- Keep the twenty raised beds and the compost corner running all year\n"
        "- Open the garden every Saturday morning\n"
        "- Run six workshops a year with the primary school next door",
        "- Faire vivre toute l'année les vingt bacs et le coin compost\n"
        "- Ouvrir le jardin tous les samedis matin\n"
        "- Animer six ateliers par an avec l'école primaire voisine",
    ),
    "city_commitments": [
        {
            "kind": "space",
            "description": _t(
                "Use of the 1,200 m² plot free of rent",
                "Mise à disposition gratuite de la parcelle",
            ),
            "quantity": "1 200 m²",
        },
        {
            "kind": "utilities_maintenance",
            "description": _t(
                "A water connection, and the fence repaired once a year",
                "Un branchement d'eau, et la clôture réparée une fois par an",
            ),
        },
        {
            "kind": "insurance",
            "description": _t(
                "Civil liability insurance for the volunteers",
                "Assurance responsabilité civile des bénévoles",
            ),
        },
        {
            "kind": "training",
            "description": _t(
                "A first-aid and tool-safety course for ten volunteers a year",
                "Une formation aux premiers secours et à la sécurité des outils pour dix "
                "bénévoles par an",
            ),
            "quantity": "10",
        },
    ],
    "commons_commitments": [
        {
            "description": _t(
                "Keep the garden open to everyone on Saturday mornings",
                "Ouvrir le jardin à toutes et tous le samedi matin",
            )
        },
        {"description": _t("Publish a yearly community balance", "Publier un bilan annuel")},
        {"description": _t("No exclusive use of any bed", "Aucun usage exclusif d'un bac")},
    ],  # fmt: skip
    "access_rules": _t(
        "Anyone may visit during opening hours; beds are shared by rota.",
        "Chacun peut venir aux heures d'ouverture ; les bacs sont partagés par roulement.",
    ),
    "governance": _t(
        "A monthly open meeting decides by consent; the assembly's ranked vote settles "
        "what consent cannot.",
        "Une réunion ouverte mensuelle décide par consentement ; le vote préférentiel de "
        "l'assemblée tranche ce que le consentement ne peut pas.",
    ),
    "output_licence": "cc_by_sa",
    "duration_months": 36,
    "evaluation": _t(
        "A community balance each spring, presented to the assembly.",
        "Un bilan communautaire chaque printemps, présenté à l'assemblée.",
    ),
    "dispute_resolution": _t(
        "Conciliation by a committee of three (one named by each party, one jointly), "
        "with a non-binding proposal within 30 days.",
        "Conciliation par un comité de trois membres (un désigné par chaque partie, un "
        "conjointement), avec une proposition non contraignante sous 30 jours.",
    ),
}

REPAIR = {
    "title": _t("Pact for the Wazemmes repair café", "Pacte pour le repair café de Wazemmes"),
    "type": "ordinary",
    "purpose": _t(
        "Fix things together instead of throwing them away.",
        "Réparer ensemble plutôt que jeter.",
    ),
    "city_commitments": [
        {
            "kind": "space",
            "description": _t(
                "The hall of the Wazemmes library every other Sunday",
                "La salle de la médiathèque de Wazemmes un dimanche sur deux",
            ),
        },
        {
            "kind": "tools_equipment",
            "description": _t("Two soldering stations on loan", "Deux stations de soudure en prêt"),
        },
    ],
    "commons_commitments": [
        {"description": _t("Repairs free of charge", "Des réparations gratuites")},
    ],
    "duration_months": 12,
}


def _find(db: Session, commons_id: int, title: str) -> Partnership | None:
    for partnership in db.scalars(select(Partnership).where(Partnership.commons_id == commons_id)):
        if partnership.title.get("en") == title:
            return partnership
    return None


def _assembly(demo: dict[str, Any]) -> Any:
    if demo.get("assembly") is not None:
        return demo["assembly"]
    assemblies = demo.get("assemblies") or {}
    return next(iter(assemblies.values()), None)


def seed(db: Session, demo: dict[str, Any]) -> None:
    """The garden's pact in deliberation (for two weeks more), the repair café's in draft."""
    official = demo["users"]["official"]
    assembly = _assembly(demo)
    commons = demo.get("commons") or {}
    found = demo.setdefault("partnerships", {})
    if assembly is None:
        return
    for key, body, open_it in (("garden", GARDEN, True), ("repair", REPAIR, False)):
        if key not in commons:
            continue
        partnership = _find(db, commons[key].id, body["title"]["en"])
        if partnership is None:
            partnership = services.draft(
                db, official, assembly.id, commons[key].id, body, locale="en"
            )
            if open_it:
                services.open_deliberation(
                    db, partnership, official, utcnow() + dt.timedelta(days=14)
                )
            db.flush()
        found[key] = partnership
