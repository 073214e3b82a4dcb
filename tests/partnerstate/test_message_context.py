"""One English word, two translations: messages with a context (``msgctxt``).

"Rejected" qualifies a partnership (una alianza: "Rechazada") and a commons (un bien
común: "Rechazado"); without a context the Spanish register said "Rechazada" of a commons.
"""

from __future__ import annotations

from pyramid.i18n import Localizer

from partnerstate.commons import taxonomy
from partnerstate.i18n import _p, load_translations
from partnerstate.partnerships import vocabulary
from reports import render
from reports.views.pages import STATUS_LABELS


def localizer(locale: str) -> Localizer:
    return Localizer(locale, load_translations(locale))


def test_a_partnership_and_a_commons_are_rejected_each_in_its_gender():
    spanish = localizer("es")
    assert spanish.translate(vocabulary.STATUSES["rejected"]) == "Rechazada"
    assert spanish.translate(taxonomy.STATUSES[taxonomy.REJECTED]) == "Rechazado"
    arabic = localizer("ar")
    assert arabic.translate(vocabulary.STATUSES["rejected"]) == "مرفوضة"
    assert arabic.translate(taxonomy.STATUSES[taxonomy.REJECTED]) == "مرفوض"


def test_a_charter_is_signed_in_its_gender_in_the_charters_own_rendering():
    # The charters' renderer translates outside a request, with its own catalog lookup.
    assert render.translate("it", STATUS_LABELS["signed"]) == "Firmata"
    assert render.translate("it", vocabulary.STATUSES["signed"]) == "Firmato"


def test_an_unknown_context_falls_back_to_the_english():
    assert localizer("es").translate(_p("nowhere", "Rejected")) == "Rejected"
