"""Demo commons: a dozen real-looking commons of Lille, in English and French.

Run by ``partnerstate init --demo`` through ``partnerstate.demo.SEEDERS``. Records
go through the services (so they carry their history and audit entries) and are
found again by name, so seeding twice changes nothing. Later seeders find them in
``demo["commons"]`` by short key (``garden``, ``energy``…).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from partnerstate.commons import services
from partnerstate.commons import taxonomy as tx
from partnerstate.commons.models import Commons
from partnerstate.commons.validation import fold
from partnerstate.demo_texts import localized


def _ostrom(*scores: int, evidence: dict[str, tuple[str, str]] | None = None) -> dict[str, Any]:
    """Eight scores in the order of the principles; evidence as {principle: (en, fr)}."""
    evidence = evidence or {}
    result: dict[str, Any] = {}
    for principle, score in zip(tx.OSTROM_IDS, scores, strict=True):
        entry: dict[str, Any] = {"score": score}
        if principle in evidence:
            en, fr = evidence[principle]
            entry["evidence"] = {"en": en, "fr": fr}
        result[principle] = entry
    return result


def _t(en: str, fr: str) -> dict[str, str]:
    # English and French here; Spanish, Catalan, Italian, German, Dutch from demo_texts.
    return localized(en, fr)


# Each entry: short key, who proposes it, what happens to it, and the API body.
COMMONS: list[dict[str, Any]] = [
    {
        "key": "garden",
        "by": "member",
        "decision": "validate",
        "body": {
            "name": _t("Fives shared garden", "Jardin partagé de Fives"),
            "summary": _t(
                "Twenty raised beds, a compost corner and a seed swap on a former wasteland.",
                "Vingt bacs potagers, un coin compost et une grainothèque sur une ancienne friche.",
            ),
            "description": _t(
                "Neighbours grow vegetables together on a plot the city lends behind the "
                "Fives-Cail halls.\n\n- **Open garden** every Saturday morning\n- Compost "
                "collected from 60 households\n- Workshops with the primary school next door",
                "Les voisins cultivent ensemble une parcelle prêtée par la ville derrière les "
                "halles de Fives-Cail.\n\n- **Jardin ouvert** tous les samedis matin\n- Compost "
                "collecté auprès de 60 foyers\n- Ateliers avec l'école primaire voisine",
            ),
            "aliases": ["Le jardin de la rue Pierre-Legrand"],
            "established_on": "2016-04-02",
            "category": "food",
            "nature": "material",
            "intervention": "care",
            "address": "Rue Pierre-Legrand, 59800 Lille",
            "lat": 50.6312,
            "lon": 3.0868,
            "district": "Fives",
            "boundary": _t(
                "The fenced plot (1,200 m²) between the school and the railway embankment.",
                "La parcelle clôturée (1 200 m²) entre l'école et le talus ferroviaire.",
            ),
            "ownership": "municipal",
            "owner_name": "Ville de Lille",
            "stewards": "Les Jardiniers de Fives",
            "legal_form": "association",
            "contact_email": "jardin-fives@example.org",
            "website": "https://jardin-fives.example.org",
            "active_members": 42,
            "governance": {
                "description": _t(
                    "An open meeting on the first Monday of each month decides by consent; "
                    "a rota shares the watering.",
                    "Une réunion ouverte le premier lundi du mois décide par consentement ; "
                    "un planning répartit l'arrosage.",
                ),
                "decision_rule": "consent",
                "rules_url": "https://jardin-fives.example.org/charte",
                "access": "open",
                "fees": "pay_what_you_can",
                "fees_details": _t("5 euros a year, if you can.", "5 euros par an, si possible."),
                "inclusion": _t(
                    "Two beds at wheelchair height; tools lent on site.",
                    "Deux bacs à hauteur de fauteuil ; outils prêtés sur place.",
                ),
            },
            "output_licence": "cc_by_sa",
            "data_licence": "odbl",
            "ostrom": _ostrom(
                3,
                3,
                2,
                2,
                1,
                2,
                2,
                1,
                evidence={
                    "boundaries": (
                        "A map of the plots and a list of gardeners.",
                        "Un plan des parcelles et la liste des jardiniers.",
                    ),
                    "conflict_resolution": (
                        "Two volunteer mediators meet within a week.",
                        "Deux médiateurs bénévoles reçoivent sous huit jours.",
                    ),
                },
            ),  # fmt: skip
        },
        "balance": {
            "year": 2024,
            "rootedness": 80,
            "social_return": 70,
            "internal_democracy": 75,
            "care": 85,
            "notes": _t(
                "Harvest shared with the food pantry.",
                "Récolte partagée avec l'épicerie solidaire.",
            ),
        },  # fmt: skip
    },
    {
        "key": "repair",
        "by": "facilitator",
        "decision": "validate",
        "body": {
            "name": _t("Wazemmes repair café", "Repair café de Wazemmes"),
            "summary": _t(
                "Volunteers help you fix lamps, bikes, clothes and phones, every other Sunday.",
                "Des bénévoles vous aident à réparer lampes, vélos, vêtements et téléphones, "
                "un dimanche sur deux.",
            ),
            "description": _t(
                "Bring what is broken, leave with it repaired and with the know-how. Spare parts "
                "come from donations; repair guides are published under a free licence.",
                "Apportez ce qui est cassé, repartez avec l'objet réparé et le savoir-faire. Les "
                "pièces viennent de dons ; les fiches de réparation sont sous licence libre.",
            ),
            "established_on": "2014-10-12",
            "category": "making_repair",
            "nature": "material",
            "intervention": "shared_management",
            "address": "Place de la Nouvelle-Aventure, 59000 Lille",
            "lat": 50.6259,
            "lon": 3.0522,
            "district": "Wazemmes",
            "ownership": "municipal",
            "owner_name": "Ville de Lille (maison de quartier)",
            "stewards": "Les Bricoleurs de Wazemmes",
            "legal_form": "informal",
            "contact_email": "repair-wazemmes@example.org",
            "active_members": 18,
            "governance": {
                "description": _t(
                    "Decisions by consensus at the end of each session.",
                    "Décisions au consensus à la fin de chaque séance.",
                ),
                "decision_rule": "consensus",
                "access": "open",
                "fees": "free",
            },
            "output_licence": "cc_by_sa",
            "ostrom": _ostrom(2, 3, 3, 1, 1, 2, 1, 2),
        },
    },
    {
        "key": "energy",
        "by": "official",
        "decision": None,
        "body": {
            "name": _t("Lille Rooftops solar cooperative", "Coopérative solaire des Toits lillois"),
            "summary": _t(
                "Citizens own solar panels on eight school roofs and share the income.",
                "Des habitants possèdent les panneaux solaires de huit écoles et en partagent "
                "les revenus.",
            ),
            "description": _t(
                "A community energy cooperative (SCIC) in which residents, the city and local "
                "firms each hold shares. **412 kWp** installed; part of the surplus funds energy "
                "advice for low-income households.",
                "Une coopérative citoyenne d'énergie (SCIC) dont habitants, ville et entreprises "
                "locales sont sociétaires. **412 kWc** installés ; une part des excédents finance "
                "des conseils en énergie pour les ménages modestes.",
            ),
            "established_on": "2019-06-21",
            "category": "energy",
            "nature": "material",
            "intervention": "shared_management",
            "address": "Hôtel de Ville, Place Augustin-Laurent, 59000 Lille",
            "lat": 50.6311,
            "lon": 3.0710,
            "district": "Moulins",
            "ownership": "collective",
            "owner_name": "SCIC Toits lillois",
            "stewards": "SCIC Toits lillois",
            "legal_form": "cooperative",
            "contact_email": "contact@toits-lillois.example.org",
            "website": "https://toits-lillois.example.org",
            "active_members": 640,
            "governance": {
                "description": _t(
                    "General assembly, one member one vote, in four colleges.",
                    "Assemblée générale, une personne une voix, en quatre collèges.",
                ),
                "decision_rule": "majority",
                "access": "members",
                "fees": "membership_fee",
                "fees_details": _t("One share of 50 euros.", "Une part sociale de 50 euros."),
            },
            "output_licence": "cc_by",
            "data_licence": "licence_ouverte",
            "ostrom": _ostrom(3, 2, 3, 3, 2, 2, 3, 3),
        },
        "balance": {
            "year": 2024,
            "rootedness": 65,
            "social_return": 75,
            "internal_democracy": 80,
            "care": 60,
            "notes": _t(
                "Two new roofs; energy advice for 90 households.",
                "Deux nouveaux toits ; conseils à 90 ménages.",
            ),
        },  # fmt: skip
    },
    {
        "key": "opendata",
        "by": "official",
        "decision": None,
        "body": {
            "name": _t("Citizen open data portal", "Portail citoyen de données ouvertes"),
            "summary": _t(
                "Maps and datasets collected by residents: trees, benches, accessibility.",
                "Cartes et jeux de données relevés par les habitants : arbres, bancs, "
                "accessibilité.",
            ),
            "description": _t(
                "Residents map what the official data misses, with OpenStreetMap and a shared "
                "data catalogue. Everything is downloadable; the software is free.",
                "Les habitants cartographient ce que les données officielles oublient, avec "
                "OpenStreetMap et un catalogue partagé. Tout est téléchargeable ; le logiciel "
                "est libre.",
            ),
            "category": "digital_data",
            "nature": "digital",
            "intervention": "shared_management",
            "ownership": "intangible",
            "stewards": "Collectif Données Lilloises",
            "legal_form": "association",
            "website": "https://donnees.example.org",
            "active_members": 75,
            "governance": {"decision_rule": "consent", "access": "open", "fees": "free"},
            "output_licence": "gpl",
            "data_licence": "odbl",
            "ostrom": _ostrom(1, 2, 3, 2, 1, 2, 2, 2),
        },
    },
    {
        "key": "things",
        "by": "membre",
        "decision": "validate",
        "body": {
            "name": _t("Moulins library of things", "Bibliothèque d'objets de Moulins"),
            "summary": _t(
                "Borrow a drill, a raclette set or a tent instead of buying one.",
                "Empruntez une perceuse, un appareil à raclette ou une tente au lieu d'en acheter.",
            ),
            "description": _t(
                "Some 600 objects, lent for a week, in a former shop the city rents out for a "
                "symbolic euro.",
                "Quelque 600 objets prêtés pour une semaine, dans une ancienne boutique que la "
                "ville loue pour un euro symbolique.",
            ),
            "category": "making_repair",
            "nature": "material",
            "intervention": "shared_management",
            "address": "Rue d'Arras, 59000 Lille",
            "lat": 50.6188,
            "lon": 3.0689,
            "district": "Moulins",
            "ownership": "municipal",
            "stewards": "La Remise de Moulins",
            "legal_form": "association",
            "active_members": 310,
            "governance": {
                "decision_rule": "majority",
                "access": "booking",
                "fees": "sliding_scale",
            },  # fmt: skip
            "ostrom": _ostrom(3, 2, 2, 3, 2, 1, 2, 1),
        },
    },
    {
        "key": "housing",
        "by": "official",
        "decision": None,
        "body": {
            "name": _t("Les Tisserands cohousing", "Habitat participatif Les Tisserands"),
            "summary": _t(
                "Fourteen homes, a shared laundry, guest room and garden, owned in common.",
                "Quatorze logements, une buanderie, une chambre d'amis et un jardin communs.",
            ),
            "description": _t(
                "A housing cooperative in a former textile mill: no one may sell their flat for "
                "profit, and one home is kept for a refugee family.",
                "Une coopérative d'habitants dans une ancienne filature : personne ne revend "
                "son logement avec plus-value, et un logement est réservé à une famille "
                "réfugiée.",
            ),
            "established_on": "2021-09-01",
            "category": "housing",
            "nature": "material",
            "intervention": "regeneration",
            "address": "Rue du Faubourg-de-Roubaix, 59800 Lille",
            "lat": 50.6402,
            "lon": 3.0858,
            "district": "Saint-Maurice Pellevoisin",
            "ownership": "collective",
            "owner_name": "Coopérative Les Tisserands",
            "stewards": "Coopérative Les Tisserands",
            "legal_form": "cooperative",
            "active_members": 31,
            "governance": {
                "decision_rule": "consent",
                "access": "members",
                "fees": "membership_fee",
            },  # fmt: skip
            "ostrom": _ostrom(3, 3, 3, 2, 2, 3, 2, 2),
        },
    },
    {
        "key": "pantry",
        "by": "member",
        "decision": "validate",
        "body": {
            "name": _t("Faubourg community pantry", "Épicerie solidaire du Faubourg"),
            "summary": _t(
                "Fresh food at a third of the price, run by those who shop there.",
                "Des produits frais au tiers du prix, gérée par celles et ceux qui y font leurs "
                "courses.",
            ),
            "description": _t(
                "A food bank turned into a shared pantry: shoppers volunteer three hours a "
                "month and decide what is stocked.",
                "Une banque alimentaire devenue épicerie partagée : les clients donnent trois "
                "heures par mois et décident de ce qui est proposé.",
            ),
            "category": "food",
            "nature": "material",
            "intervention": "care",
            "address": "Faubourg de Béthune, 59000 Lille",
            "lat": 50.6168,
            "lon": 3.0354,
            "district": "Faubourg de Béthune",
            "ownership": "public",
            "owner_name": "Lille Métropole Habitat",
            "stewards": "Association L'Épi du Faubourg",
            "legal_form": "association",
            "active_members": 120,
            "governance": {
                "decision_rule": "majority",
                "access": "members",
                "fees": "sliding_scale",
            },  # fmt: skip
            "ostrom": _ostrom(2, 3, 2, 2, 1, 2, 1, 2),
        },
    },
    {
        "key": "wifi",
        "by": "member",
        "decision": None,
        "body": {
            "name": _t("Bois-Blancs free wifi", "Wifi libre de Bois-Blancs"),
            "summary": _t(
                "A mesh network on the rooftops of the island, free for every household.",
                "Un réseau maillé sur les toits de l'île, gratuit pour chaque foyer.",
            ),
            "description": _t(
                "Volunteers install antennas on balconies; each node relays the others. The "
                "network is neutral and logs nothing.",
                "Des bénévoles installent des antennes sur les balcons ; chaque nœud relaie les "
                "autres. Le réseau est neutre et ne conserve aucun journal.",
            ),
            "category": "digital_data",
            "nature": "digital",
            "intervention": "shared_management",
            "address": "Quai de l'Ouest, 59000 Lille",
            "lat": 50.6345,
            "lon": 3.0296,
            "district": "Bois-Blancs",
            "ownership": "collective",
            "stewards": "Bois-Blancs Réseau Libre",
            "legal_form": "informal",
            "active_members": 25,
            "governance": {"decision_rule": "consensus", "access": "open", "fees": "free"},
            "output_licence": "peer_production",
            "ostrom": _ostrom(1, 2, 3, 1, 0, 2, 1, 2),
        },
    },
    {
        "key": "seeds",
        "by": "membre",
        "decision": None,
        "body": {
            "name": _t("Vieux-Lille seed library", "Grainothèque du Vieux-Lille"),
            "summary": _t(
                "Take seeds in spring, bring back seeds from your harvest in autumn.",
                "Prenez des graines au printemps, rapportez celles de votre récolte à l'automne.",
            ),
            "description": _t(
                "Local and heirloom varieties kept in a cabinet at the library, with sowing "
                "workshops.",
                "Des variétés locales et anciennes conservées dans une armoire de la "
                "médiathèque, avec des ateliers de semis.",
            ),
            "category": "food",
            "nature": "material",
            "intervention": "care",
            "address": "Rue de la Monnaie, 59800 Lille",
            "lat": 50.6415,
            "lon": 3.0627,
            "district": "Vieux-Lille",
            "ownership": "municipal",
            "stewards": "Les Semeurs du Vieux-Lille",
            "legal_form": "informal",
            "governance": {"access": "open", "fees": "free"},
            "output_licence": "copyfair",
            "ostrom": _ostrom(2, 2, 2, 1, 0, 1, 1, 1),
        },
    },
    {
        "key": "tools",
        "by": "facilitator",
        "decision": "validate",
        "body": {
            "name": _t("Rue Royale tool shed", "Cabane à outils de la rue Royale"),
            "summary": _t(
                "Garden and DIY tools in a courtyard shed, for the street's residents.",
                "Outils de jardin et de bricolage dans une cabane de cour, pour les habitants "
                "de la rue.",
            ),
            "description": _t(
                "A private owner lends the courtyard; residents keep the keys by rota.",
                "Une propriétaire prête la cour ; les habitants gardent les clés à tour de rôle.",
            ),
            "category": "making_repair",
            "nature": "material",
            "intervention": "care",
            "address": "Rue Royale, 59800 Lille",
            "lat": 50.6408,
            "lon": 3.0563,
            "district": "Vieux-Lille",
            "ownership": "private",
            "owner_name": "Mme Delattre",
            "owner_consent": True,
            "owner_consent_on": "2023-03-15",
            "stewards": "Voisins de la rue Royale",
            "legal_form": "informal",
            "active_members": 14,
            "governance": {"decision_rule": "consensus", "access": "members", "fees": "free"},
            "ostrom": _ostrom(3, 3, 2, 2, 1, 3, 1, 0),
        },
    },
    {
        "key": "timebank",
        "by": "official",
        "decision": None,
        "body": {
            "name": _t("Lille-Sud time bank", "Accorderie de Lille-Sud"),
            "summary": _t(
                "An hour of help given is an hour of help received, whatever the service.",
                "Une heure de service rendue vaut une heure reçue, quel que soit le service.",
            ),
            "description": _t(
                "Members exchange lifts, homework help, sewing or paperwork in hours, not euros.",
                "Les membres échangent covoiturage, aide aux devoirs, couture ou démarches en "
                "heures, pas en euros.",
            ),
            "category": "finance_currencies",
            "nature": "immaterial",
            "intervention": "shared_management",
            "address": "Boulevard de Belfort, 59000 Lille",
            "lat": 50.6089,
            "lon": 3.0651,
            "district": "Lille-Sud",
            "ownership": "intangible",
            "stewards": "Accorderie de Lille-Sud",
            "legal_form": "association",
            "active_members": 230,
            "governance": {"decision_rule": "majority", "access": "members", "fees": "free"},
            "ostrom": _ostrom(3, 2, 2, 2, 2, 2, 2, 3),
        },
    },
    {
        "key": "school",
        "by": "facilitator",
        "decision": None,
        "body": {
            "name": _t("Bonte school coworking", "Tiers-lieu de l'ancienne école Bonte"),
            "summary": _t(
                "A closed primary school turned into desks, a fab lab and a canteen.",
                "Une école primaire fermée devenue bureaux partagés, fab lab et cantine.",
            ),
            "description": _t(
                "Proposed for a civic-use declaration: the building stays public, an open "
                "assembly writes its rules.",
                "Proposé pour une déclaration d'usage civique : le bâtiment reste public, une "
                "assemblée ouverte en écrit les règles.",
            ),
            "category": "knowledge_education",
            "nature": "material",
            "intervention": "regeneration",
            "address": "Rue Bonte-Pollet, 59000 Lille",
            "lat": 50.6262,
            "lon": 3.0401,
            "district": "Vauban-Esquermes",
            "ownership": "municipal",
            "stewards": "Collectif Bonte",
            "legal_form": "informal",
            "active_members": 55,
            "governance": {
                "decision_rule": "consent",
                "access": "booking",
                "fees": "sliding_scale",
            },  # fmt: skip
            "ostrom": _ostrom(2, 1, 3, 1, 0, 1, 1, 1),
        },
    },
    {
        "key": "padel",
        "by": "newcomer",
        "decision": "reject",
        "reason": _t(
            "Access is reserved to paying members and nothing is shared with the neighbourhood; "
            "a private sports club is not a commons.",
            "L'accès est réservé aux membres payants et rien n'est partagé avec le quartier ; un "
            "club sportif privé n'est pas un commun.",
        ),
        "body": {
            "name": _t("Citadelle padel club", "Club de padel de la Citadelle"),
            "summary": _t("Four padel courts for members.", "Quatre terrains de padel."),
            "description": _t(
                "Courts by the hour, for members only.",
                "Des terrains à l'heure, pour les membres uniquement.",
            ),
            "category": "green_public_space",
            "nature": "material",
            "address": "Avenue du 43e Régiment d'Infanterie, 59800 Lille",
            "lat": 50.6417,
            "lon": 3.0455,
            "district": "Vauban-Esquermes",
            "ownership": "collective",
            "legal_form": "company",
            "governance": {"access": "members", "fees": "fixed_fee"},
        },
    },
]


def _find(db: Session, name_en: str) -> Commons | None:
    return db.scalars(
        select(Commons).where(Commons.sort_name == fold(name_en)[:200]).limit(1)
    ).first()


def seed(db: Session, demo: dict[str, Any]) -> None:
    """Add the demo commons (once) and put them in ``demo["commons"]`` by key."""
    users = demo["users"]
    official = users["official"]
    found = demo.setdefault("commons", {})
    for entry in COMMONS:
        body = entry["body"]
        commons = _find(db, body["name"]["en"])
        if commons is None:
            author = users[entry["by"]]
            commons = services.propose(db, author, body, author.locale or "en")
            if entry["decision"] == "validate":
                services.validate(db, commons, official)
            elif entry["decision"] == "reject":
                locale = official.locale or "en"
                services.reject(db, commons, official, entry["reason"][locale])
            balance = entry.get("balance")
            if balance:
                services.record_balance(db, commons, users[entry["by"]], balance, "en")
            db.flush()
        found[entry["key"]] = commons
