"""Refused values are explained with the allowed choices in words, in the reader's language."""

from __future__ import annotations

from pyramid.testing import DummyRequest

from partnerstate.choices import labelled_codes, one_of
from partnerstate.i18n import Choices, _, translate
from tests.conftest import bearer
from tests.partnerstate.partnerships import helpers


def _request(wsgi_app, locale):
    request = DummyRequest()
    request.registry = wsgi_app.registry
    request.locale_name = locale
    from pyramid.interfaces import ILocalizer

    request.localizer = wsgi_app.registry.getUtility(ILocalizer, name=locale)
    return request


def test_labels_are_translated_and_joined_as_alternatives(wsgi_app):
    message = one_of([_("Space"), _("Utilities and maintenance"), _("Data")])
    english = translate(_request(wsgi_app, "en"), message)
    assert english == "Must be one of: Space, Utilities and maintenance, or Data."
    french = translate(_request(wsgi_app, "fr"), message)
    assert french == "Doit être l’une de ces valeurs : Espace, Fluides et entretien ou Données."


def test_codes_without_a_vocabulary_stay_codes(wsgi_app):
    named = labelled_codes(["a", "b"], None)
    assert translate(_request(wsgi_app, "en"), _("${x}", mapping={"x": named})) == "a or b"
    assert translate(_request(wsgi_app, "en"), _("${x}", mapping={"x": Choices()})) == ""


def test_the_api_names_a_services_choices_in_words(app, db, official):
    cast = helpers.make_cast(db, official)
    body = {
        "assembly_id": cast.assembly.id,
        "commons_id": cast.commons.id,
        "title": "Garden",
        "purpose": "Grow food.",
        "city_commitments": [{"kind": "castle", "description": "A castle"}],
        "commons_commitments": [{"description": "Open on Saturdays"}],
        "duration_months": 12,
    }
    response = app.post_json("/api/v1/partnerships", body, headers=bearer(db, official), status=422)
    message = response.json["error"]["fields"]["city_commitments.0.kind"]
    assert message.startswith("Must be one of: Space, Utilities and maintenance, ")
    assert "utilities_maintenance" not in message


def test_an_api_enum_error_gives_words_and_the_codes_to_send(app, db, official):
    cast = helpers.make_cast(db, official)
    partnership = helpers.make_partnership(
        db, official, cast.assembly, cast.commons, "deliberation"
    )
    response = app.post_json(
        f"/api/v1/partnerships/{partnership.id}/comments",
        {"body": "Hmm", "stance": "maybe"},
        headers=bearer(db, cast.member),
        status=422,
    )
    assert response.json["error"]["fields"]["stance"] == (
        "Must be one of: For (for), Against (against), or Neutral, or a question (neutral)."
    )
