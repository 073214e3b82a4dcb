"""A realistic charter built from plain inputs, for tests, the benchmark and previews.

A shared garden in Lille's Moulins district, adopted by Schulze vote over three
options; modelled on Bologna-style collaboration pacts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reports import charter, render

CLOSED_AT = dt.datetime(2026, 3, 12, 18, 0, tzinfo=dt.UTC)

CITY_COMMITMENTS = (
    charter.Commitment(
        {
            "en": "Lends the plot at 12 rue d'Arras free of rent for the whole duration.",
            "fr": "Prête la parcelle du 12 rue d'Arras sans loyer pendant toute la durée.",
        },
        "space",
    ),
    charter.Commitment(
        {
            "en": "Pays for water and connects a rain-water tank before the first season.",
            "fr": "Prend en charge l'eau et raccorde une cuve de récupération avant la "
            "première saison.",
        },
        "utilities",
    ),
    charter.Commitment(
        {
            "en": "Lends tools and protective equipment from the municipal depot.",
            "fr": "Prête outils et équipements de protection du dépôt municipal.",
        },
        "equipment",
    ),
    charter.Commitment(
        {
            "en": "Insures volunteers for civil liability during garden activities.",
            "fr": "Assure les bénévoles en responsabilité civile pendant les activités du jardin.",
        },
        "insurance",
    ),
    charter.Commitment(
        {
            "en": "Trains two volunteers a year in first aid and safe tool use.",
            "fr": "Forme chaque année deux bénévoles aux premiers secours et à l'usage sûr "
            "des outils.",
        },
        "training",
    ),
    charter.Commitment(
        {
            "en": "Names a contact person in the parks department, answering within ten days.",
            "fr": "Désigne un interlocuteur au service des parcs, qui répond sous dix jours.",
        },
        "staff",
    ),
)

COMMONS_COMMITMENTS = (
    charter.Commitment(
        {
            "en": "Open the garden to the public every Saturday afternoon.",
            "fr": "Ouvrir le jardin au public chaque samedi après-midi.",
        }
    ),
    charter.Commitment(
        {
            "en": "Keep at least a third of the beds for schools and newcomers.",
            "fr": "Réserver au moins un tiers des bacs aux écoles et aux nouveaux venus.",
        }
    ),
    charter.Commitment(
        {
            "en": "Garden without pesticides and compost the neighbourhood's green waste.",
            "fr": "Jardiner sans pesticides et composter les déchets verts du quartier.",
        }
    ),
    charter.Commitment(
        {
            "en": "Publish a yearly community balance and present it to the assembly.",
            "fr": "Publier chaque année un bilan communautaire et le présenter à l'assemblée.",
        }
    ),
)

OPTIONS = (
    charter.VoteOption(
        11, {"en": "Shared garden pact (proposal)", "fr": "Pacte du jardin partagé (proposition)"}
    ),
    charter.VoteOption(
        12, {"en": "Pact with a school partnership", "fr": "Pacte avec partenariat scolaire"}
    ),
    charter.VoteOption(13, {"en": "No partnership", "fr": "Pas de partenariat"}, status_quo=True),
)

RESULT: dict[str, Any] = {
    "method": "schulze",
    "candidates": ["11", "12", "13"],
    "winners": ["12"],
    "outcome": "adopted",
    "turnout": {"ballots": 87, "electorate": 140},
    "quorum_met": True,
    "rounds": [{"round": 1, "elected": ["12"], "eliminated": [], "tied": []}],
    "pairwise": {
        "11": {"12": 38, "13": 70},
        "12": {"11": 45, "13": 74},
        "13": {"11": 15, "12": 11},
    },
    "tie_break": ["12", "11", "13"],
    "tie_broken": False,
}


def sample_content(
    locale: str = "en",
    base_url: str = "http://localhost",
    *,
    extra_paragraphs: int = 0,
) -> dict[str, Any]:
    """The sample charter's canonical content in ``locale``.

    ``extra_paragraphs`` lengthens the work plan (the benchmark's 6-page charter).
    """
    # User texts are Markdown, as typed in the forms: a numbered list, emphasis, a link.
    work_plan = {
        "en": "1. Spring: beds built with the neighbours.\n2. Summer: weekly open days.\n"
        "3. Autumn: harvest festival and seed exchange.\n"
        "4. Winter: composting and tool repair workshops.",
        "fr": "1. Printemps : construction des bacs avec les voisins.\n"
        "2. Été : portes ouvertes chaque semaine.\n"
        "3. Automne : fête des récoltes et troc de graines.\n"
        "4. Hiver : compostage et ateliers de réparation d'outils.",
    }
    for index in range(extra_paragraphs):
        for key in work_plan:
            work_plan[key] += "\n\n" + (
                f"Step {index + 1}: the gardeners and the parks department meet, review the "
                "beds, share the harvest and agree on the next season's tasks, keeping the "
                "garden open to every neighbour who wishes to join."
                if key == "en"
                else f"Étape {index + 1} : les jardiniers et le service des parcs se réunissent, "
                "passent en revue les bacs, partagent la récolte et conviennent des tâches de "
                "la saison suivante, en gardant le jardin ouvert à tout voisin qui veut "
                "s'y joindre."
            )
    proposal = charter.PartnershipText(
        id=7,
        title={"en": "Shared garden of the Moulins", "fr": "Jardin partagé des Moulins"},
        purpose={
            "en": "Turn a fallow municipal plot into a garden that neighbours grow together, "
            "open to schools and to **every resident** who wishes to learn. The garden's "
            "rules are on [the association's site](https://jardins-moulins.example/rules).",
            "fr": "Transformer une parcelle municipale en friche en un jardin que les voisins "
            "cultivent ensemble, ouvert aux écoles et à **toute personne** qui veut apprendre. "
            "Le règlement du jardin est sur [le site de l'association]"
            "(https://jardins-moulins.example/rules).",
        },
        city_commitments=CITY_COMMITMENTS,
        commons_commitments=COMMONS_COMMITMENTS,
        kind="ordinary",
        duration_months=36,
        objectives=work_plan,
        url=f"{base_url}/partnerships/7",
    )
    adopted = charter.apply_alternative(
        proposal,
        {
            "title": {
                "en": "Shared garden of the Moulins, with the schools",
                "fr": "Jardin partagé des Moulins, avec les écoles",
            }
        },
    )
    decision = charter.Decision(
        vote_id=5,
        method="schulze",
        options=OPTIONS,
        winner_option_id=12,
        ballots=87,
        electorate=140,
        quorum_percent=30,
        quorum_met=True,
        closed_at=CLOSED_AT,
        result_url=f"{base_url}/votes/5",
        result=RESULT,
    )
    return charter.build_content(
        adopted,
        charter.Parties(
            city_name="Ville de Lille" if locale == "fr" else "City of Lille",
            city_department="Direction des parcs et jardins"
            if locale == "fr"
            else "Parks and gardens department",
            city_signatory=charter.Signatory(
                "Claire Martin",
                "Adjointe à la nature en ville"
                if locale == "fr"
                else "Deputy mayor for nature in the city",
            ),
            commons_stewards="Association Les Jardiniers des Moulins",
            commons_legal_form="association loi 1901",
            commons_signatory=charter.Signatory(
                "Yusuf Demir", "Co-président" if locale == "fr" else "Co-chair"
            ),
        ),
        charter.CommonsRecord(
            id=3,
            name={"en": "Moulins shared garden", "fr": "Jardin partagé des Moulins"},
            summary={
                "en": "A 900 m² plot cared for by 40 neighbours.",
                "fr": "Une parcelle de 900 m² entretenue par 40 voisins.",
            },
            boundary={
                "en": "The fenced plot between rue d'Arras and the tram depot wall.",
                "fr": "La parcelle clôturée entre la rue d'Arras et le mur du dépôt de tram.",
            },
            address="12 rue d'Arras, 59000 Lille",
            district="Moulins",
            latitude=50.6222,
            longitude=3.0706,
            category="food",
            intervention="care",
            output_licence="CC BY-SA 4.0",
            url=f"{base_url}/commons/3",
        ),
        decision,
        locale=locale,
        reference="2026-0007",
        issued_on=dt.date(2026, 3, 20),
        translate=lambda message, mapping=None: render.translate(locale, message, mapping),
        fallback_locale="fr",
        adopted=charter.AdoptedVersion(
            label=OPTIONS[1].label,
            alternative=True,
            summary={
                "en": "two local schools each get four beds and a weekly session.",
                "fr": "deux écoles du quartier disposent chacune de quatre bacs et d'une "
                "séance hebdomadaire.",
            },
        ),
    )
