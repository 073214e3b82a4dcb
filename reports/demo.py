"""Demo charter: the Moulins library of things' pact, adopted by vote and signed by the city.

Runs after the commons, assemblies and partnerships seeders. It drafts a pact for
the library of things, lets the assembly deliberate and vote on it (the members rank
it above "no partnership"), issues its charter in the assembly's language and
records the city's signature — the commons' signature is left for a visitor to
add, so the whole journey can be tried. Idempotent: the partnership is found
again by its commons and English title, and nothing is done once it has a charter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from partnerstate.database import utcnow
from partnerstate.demo import DEFAULT_SITE_URL
from partnerstate.demo_texts import localized
from partnerstate.partnerships.models import Partnership


def _t(en: str, fr: str) -> dict[str, str]:
    # English and French here; Spanish, Catalan, Italian, German, Dutch from demo_texts.
    return localized(en, fr)


THINGS = {
    "title": _t(
        "Pact for the Moulins library of things", "Pacte pour la bibliothèque d'objets de Moulins"
    ),
    "type": "ordinary",
    "purpose": _t(
        "Lend rather than buy: the city hosts the library of things in a former shop, the "
        "neighbours keep its 600 objects in good repair and lend them to **every resident**.",
        "Prêter plutôt qu'acheter : la ville héberge la bibliothèque d'objets dans une "
        "ancienne boutique, les voisins entretiennent ses 600 objets et les prêtent à "
        "**toutes et tous**.",
    ),
    # Markdown, as officials type it in the form: the charter prints it as a list.
    "governance": _t(
        "The members of La Remise meet every quarter and decide by consent:\n\n"
        "1. which objects to buy, repair or retire;\n"
        "2. the opening hours;\n"
        "3. the lending rules, published on [the library's page](https://laremise.example).",
        "Les membres de La Remise se réunissent chaque trimestre et décident par "
        "consentement :\n\n"
        "1. des objets à acheter, réparer ou retirer ;\n"
        "2. des horaires d'ouverture ;\n"
        "3. des règles de prêt, publiées sur [la page de la bibliothèque]"
        "(https://laremise.example).",
    ),
    "city_commitments": [
        {
            "kind": "space",
            "description": _t(
                "The former shop at rue d'Arras, for a symbolic euro a year",
                "L'ancienne boutique de la rue d'Arras, pour un euro symbolique par an",
            ),
            "quantity": "85 m²",
        },
        {
            "kind": "insurance",
            "description": _t(
                "Civil liability insurance for the volunteers who lend and repair",
                "Une assurance responsabilité civile pour les bénévoles qui prêtent et réparent",
            ),
        },
        {
            "kind": "communication",
            "description": _t(
                "The library announced in the city's magazine and on its website",
                "La bibliothèque annoncée dans le magazine et sur le site de la ville",
            ),
        },
    ],
    "commons_commitments": [
        {
            "description": _t(
                "Open at least three afternoons a week, for every resident",
                "Ouvrir au moins trois après-midi par semaine, pour tous les habitants",
            )
        },
        {
            "description": _t(
                "Keep a public inventory of the objects and their state",
                "Tenir un inventaire public des objets et de leur état",
            )
        },
    ],
    "duration_months": 24,
}


def _find(db: Session, commons_id: int, title: str) -> Partnership | None:
    query = select(Partnership).where(Partnership.commons_id == commons_id)
    return next((p for p in db.scalars(query) if p.title.get("en") == title), None)


def seed(db: Session, demo: dict[str, Any]) -> None:
    from deliberation.votes import services as votes
    from partnerstate.partnerships import services as partnerships
    from reports import services

    users = demo["users"]
    official = users["official"]
    assembly = demo.get("assembly")
    things = (demo.get("commons") or {}).get("things")
    if assembly is None or things is None:
        return
    partnership = _find(db, things.id, THINGS["title"]["en"])
    if partnership is None:
        partnership = partnerships.draft(db, official, assembly.id, things.id, THINGS, locale="en")
        partnerships.open_deliberation(db, partnership, official, utcnow() + dt.timedelta(days=7))
        vote = votes.open_partnership_vote(db, partnership, official)
        proposal, status_quo = vote.options[0].id, vote.options[-1].id
        for key in ("facilitator", "member", "membre"):
            votes.cast_ballot(db, vote, users[key], [proposal, status_quo])
        votes.close_vote(db, vote, official)
        db.flush()
    demo.setdefault("partnerships", {})["things"] = partnership
    if partnership.status != "adopted" or services.for_partnership(db, partnership.id):
        return
    charter = services.issue(
        db,
        partnership,
        official,
        services.IssueRequest(
            city_department="Direction de l'économie circulaire",
            city_signatory_name=official.display_name.split(" (")[0],
            city_signatory_role="Adjointe à l'économie circulaire",
            commons_signatory_name="Louis Petit",
            commons_signatory_role="Président de La Remise de Moulins",
            commons_signatory=users.get("membre"),
        ),
        base_url=demo.get("site_url", DEFAULT_SITE_URL),
    )
    services.sign(
        db,
        charter,
        official,
        party="city",
        name=official.display_name.split(" (")[0],
        role="Adjointe à l'économie circulaire",
        place="Lille",
    )
    demo["charter"] = charter
