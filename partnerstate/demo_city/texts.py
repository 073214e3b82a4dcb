"""The synthetic city's fixed texts in Spanish, Catalan, Italian, German and Dutch.

``build.py`` writes each text as an English and a French template; :func:`localized`
adds these languages' templates of the same English, and fills them all. A charter
the builder issues in Spanish or Dutch then reads in that language, pact and all.
"""

from __future__ import annotations

from typing import Any

#: English template -> {locale: template}; placeholders as in the English.
MORE: dict[str, dict[str, str]] = {
    "Assembly of the commons, sector {number}": {
        "es": "Asamblea de los comunes, sector {number}",
        "ca": "Assemblea dels comuns, sector {number}",
        "it": "Assemblea dei beni comuni, settore {number}",
        "de": "Versammlung der Gemeingüter, Sektor {number}",
        "nl": "Assemblee van de commons, sector {number}",
    },
    "The commons of sector {number} (synthetic city, seed {seed}).": {
        "es": "Los bienes comunes del sector {number} (ciudad sintética, semilla {seed}).",
        "ca": "Els comuns del sector {number} (ciutat sintètica, llavor {seed}).",
        "it": "I beni comuni del settore {number} (città sintetica, seme {seed}).",
        "de": "Die Gemeingüter von Sektor {number} (synthetische Stadt, Startwert {seed}).",
        "nl": "De commons van sector {number} (synthetische stad, seed {seed}).",
    },
    "{kind} {district} {n}": dict.fromkeys(("es", "ca", "it", "de", "nl"), "{kind} {district} {n}"),
    "{kind} in {district}.": {
        "es": "{kind} en {district}.",
        "ca": "{kind} a {district}.",
        "it": "{kind} a {district}.",
        "de": "{kind} in {district}.",
        "nl": "{kind} in {district}.",
    },
    "Pact number {n}": {
        "es": "Pacto número {n}",
        "ca": "Pacte número {n}",
        "it": "Patto numero {n}",
        "de": "Pakt Nummer {n}",
        "nl": "Pact nummer {n}",
    },
    "The city and the commons work together on project {n}.": {
        "es": "La ciudad y el bien común trabajan juntos en el proyecto {n}.",
        "ca": "La ciutat i el comú treballen plegats en el projecte {n}.",
        "it": "La città e il bene comune lavorano insieme al progetto {n}.",
        "de": "Die Stadt und das Gemeingut arbeiten gemeinsam am Projekt {n}.",
        "nl": "De stad en de commons werken samen aan project {n}.",
    },
    "A room twice a month": {
        "es": "Una sala dos veces al mes",
        "ca": "Una sala dues vegades al mes",
        "it": "Una sala due volte al mese",
        "de": "Ein Raum zweimal im Monat",
        "nl": "Een zaal twee keer per maand",
    },
    "Volunteers' insurance": {
        "es": "El seguro de los voluntarios",
        "ca": "L'assegurança dels voluntaris",
        "it": "L'assicurazione dei volontari",
        "de": "Die Versicherung der Ehrenamtlichen",
        "nl": "De verzekering van de vrijwilligers",
    },
    "Open to every resident": {
        "es": "Abierto a todos los residentes",
        "ca": "Obert a tots els residents",
        "it": "Aperto a tutti i residenti",
        "de": "Offen für alle Einwohnerinnen und Einwohner",
        "nl": "Open voor alle inwoners",
    },
    "Plenary {n}": {
        "es": "Plenario {n}",
        "ca": "Plenari {n}",
        "it": "Plenaria {n}",
        "de": "Plenum {n}",
        "nl": "Plenaire vergadering {n}",
    },
}

#: The kinds of commons, named in each language ({kind} in the templates above).
KINDS: tuple[dict[str, str], ...] = (
    {"en": "Community garden", "fr": "Jardin partagé", "es": "Huerto comunitario",
     "ca": "Hort comunitari", "it": "Orto comunitario", "de": "Gemeinschaftsgarten",
     "nl": "Buurtmoestuin"},
    {"en": "Repair café", "fr": "Café réparation", "es": "Repair café", "ca": "Repair café",
     "it": "Repair café", "de": "Repair-Café", "nl": "Repaircafé"},
    {"en": "Cooperative", "fr": "Coopérative", "es": "Cooperativa", "ca": "Cooperativa",
     "it": "Cooperativa", "de": "Genossenschaft", "nl": "Coöperatie"},
    {"en": "Library of things", "fr": "Bibliothèque d'objets", "es": "Biblioteca de objetos",
     "ca": "Biblioteca d'objectes", "it": "Biblioteca degli oggetti", "de": "Leihladen",
     "nl": "Spullenbibliotheek"},
    {"en": "Third place", "fr": "Tiers-lieu", "es": "Tercer lugar", "ca": "Espai comunitari",
     "it": "Spazio civico", "de": "Dritter Ort", "nl": "Derde plek"},
    {"en": "Open data collective", "fr": "Collectif données ouvertes",
     "es": "Colectivo de datos abiertos", "ca": "Col·lectiu de dades obertes",
     "it": "Collettivo dati aperti", "de": "Kollektiv für offene Daten",
     "nl": "Opendatacollectief"},
)  # fmt: skip


def localized(en: str, fr: str, **values: Any) -> dict[str, str]:
    """The text in every language it has, filled with ``values``.

    A value given as ``{locale: text}`` (a kind's name) is taken in each language.
    """
    templates = {"en": en, "fr": fr, **MORE.get(en, {})}
    return {
        locale: template.format(
            **{
                name: value.get(locale, value["en"]) if isinstance(value, dict) else value
                for name, value in values.items()
            }
        )
        for locale, template in templates.items()
    }
