"""Demo assembly: Lille's assembly of the commons, its people, a census and two meetings.

Run by ``partnerstate init --demo`` through ``partnerstate.demo.SEEDERS``, after the
accounts and the commons. Everything goes through the services and is found again
by name, so seeding twice changes nothing. Later seeders find the assembly in
``demo["assembly"]``.

The assembly counts only verified residents' votes: the facilitator and the two
members are verified (by the official), the observer is not, and the newcomer's
request to join waits for a decision. A small fictional census lets anyone try
the verification page (identifier ``LIL-0006``, postcode ``59800``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from assemblies import census, rules, services
from assemblies.models import Assembly, Meeting
from partnerstate.database import utcnow
from partnerstate.demo_texts import with_more_languages

# Spanish, Catalan, Italian, German and Dutch (Arabic for the name) come from demo_texts.
NAME = with_more_languages(
    {"fr": "Assemblée des communs de Lille", "en": "Lille Assembly of the Commons"}
)
DESCRIPTION = with_more_languages(
    {
        "fr": (
            "L'assemblée réunit celles et ceux qui font vivre les communs de Lille : jardins "
            "partagés, ateliers de réparation, tiers-lieux, données ouvertes. Elle les recense, "
            "délibère sur les partenariats public-communs proposés par la ville et tranche par "
            "un vote préférentiel.\n\n"
            "- Une **plénière** par mois, ouverte à toutes et tous\n"
            "- Seuls les **résidents vérifiés** votent (recensement ou code d'invitation)\n\n"
            "*Démonstration : vérifiez votre résidence avec l'identifiant LIL-0006 et le code "
            "postal 59800.*"
        ),
        "en": (
            "The assembly gathers everyone who keeps Lille's commons alive: shared gardens, "
            "repair workshops, third places, open data. It maps them, deliberates on the "
            "public–commons partnerships the city proposes and decides by ranked vote.\n\n"
            "- A monthly **plenary**, open to all\n"
            "- Only **verified residents** vote (census or invitation code)\n\n"
            "*Demo: verify your residence with identifier LIL-0006 and postcode 59800.*"
        ),
    }
)
CENSUS = "identifier;postcode\n" + "\n".join(
    f"LIL-{n:04d};{code}"
    for n, code in enumerate(["59000", "59000", "59800", "59260", "59160", "59800"], 1)
)
LILLE = ZoneInfo("Europe/Paris")
PAST_TITLE = with_more_languages({"fr": "Plénière de lancement", "en": "Opening plenary"})
NEXT_TITLE = with_more_languages(
    {"fr": "Plénière : le pacte du jardin de Fives", "en": "Plenary: the Fives garden pact"}
)


def _evening(days_from_today: int) -> str:
    """18:30 in Lille, ``days_from_today`` days from now (ISO text, with its offset)."""
    day = dt.datetime.now(LILLE).date() + dt.timedelta(days=days_from_today)
    return dt.datetime.combine(day, dt.time(18, 30), tzinfo=LILLE).isoformat()


def _find_assembly(db: Session) -> Assembly | None:
    for assembly in db.scalars(select(Assembly).where(Assembly.city == "Lille")):
        if assembly.name.get("fr") == NAME["fr"]:
            return assembly
    return None


def _find_meeting(db: Session, assembly: Assembly, title: dict[str, str]) -> Meeting | None:
    for meeting in db.scalars(select(Meeting).where(Meeting.assembly_id == assembly.id)):
        if meeting.title.get("fr") == title["fr"]:
            return meeting
    return None


def seed(db: Session, demo: dict[str, Any]) -> None:
    users = demo["users"]
    official = users["official"]
    assembly = _find_assembly(db)
    if assembly is None:
        assembly = services.create_assembly(
            db,
            NAME,
            "Lille",
            "fr",
            description=DESCRIPTION,
            quorum_percent=20,
            join_policy=rules.OPEN,
            requires_verification=True,
            creator=official,
        )
        services.import_census(db, assembly, census.parse_census(CENSUS), official)
    demo["assembly"] = assembly
    demo.setdefault("assemblies", {})["lille"] = assembly

    for key, role, verified in (
        ("facilitator", rules.FACILITATOR, True),
        ("member", rules.MEMBER, True),
        ("membre", rules.MEMBER, True),
        ("observer", rules.OBSERVER, False),
    ):
        user = users[key]
        if services.get_membership(db, assembly.id, user.id) is None:
            services.add_member(db, assembly, user, role, actor=official)
        if verified and not services.is_verified(db, assembly.id, user.id):
            services.verify_by_official(db, assembly, user, official)

    newcomer = users["newcomer"]
    if services.get_membership(db, assembly.id, newcomer.id) is None:
        services.request_to_join(
            db,
            assembly,
            newcomer,
            "I volunteer at the Wazemmes repair café and would like to take part.",
        )

    facilitator = users["facilitator"]
    if _find_meeting(db, assembly, PAST_TITLE) is None:
        past = services.schedule_meeting(
            db,
            assembly,
            facilitator,
            {
                "title": PAST_TITLE,
                "starts_at": _evening(-21),
                "location": "Maison Folie Wazemmes, 70 rue des Sarrazins, Lille",
                "agenda": [
                    "Tour de table des communs présents",
                    "Règles de l'assemblée : adhésion, vérification, quorum",
                    "Calendrier des prochaines plénières",
                ],
            },
            "fr",
            LILLE,
        )
        for key in ("facilitator", "member", "membre"):
            services.register_attendance(db, past, users[key], now=past.starts_at)
        services.record_minutes(
            db,
            past,
            facilitator,
            "Vingt-trois personnes présentes, quatorze communs représentés.\n\n"
            "1. **Règles** : adoptées par consentement ; quorum de 20 % pour les votes.\n"
            "2. **Calendrier** : une plénière par mois ; la prochaine examinera le pacte "
            "du jardin de Fives.\n",
            [users["facilitator"].id, users["member"].id, users["membre"].id],
            now=utcnow(),
        )
    if _find_meeting(db, assembly, NEXT_TITLE) is None:
        upcoming = services.schedule_meeting(
            db,
            assembly,
            facilitator,
            {
                "title": NEXT_TITLE,
                "starts_at": _evening(10),
                "location": "Maison Folie Moulins, 47/49 rue d'Arras, Lille",
                "online_url": "https://visio.example.org/assemblee-communs-lille",
                "agenda": [
                    "Présentation du projet de pacte par le service des espaces verts",
                    "Arguments pour et contre, propositions de versions alternatives",
                    "Ouverture du vote préférentiel",
                ],
            },
            "fr",
            LILLE,
        )
        services.register_attendance(db, upcoming, users["member"])
    db.flush()
