"""Issue 3's "done when", tried as a new user would, end to end through HTTP."""

from __future__ import annotations

import csv
import io

from tests.conftest import bearer, csrf_token, log_in


def test_a_commons_proposed_in_french_validated_found_mapped_exported(app, db, member, official):
    # A member proposes a commons in French, through the form.
    app.set_cookie("_LOCALE_", "fr")
    log_in(app, member.email)
    token = csrf_token(app, "/commons/new")
    page = app.post(
        "/commons/new",
        {
            "csrf_token": token,
            "name_fr": "Grainothèque des Bois-Blancs",
            "description_fr": "Des **semences paysannes** à emprunter puis à rendre.",
            "summary_fr": "Prenez des graines, rendez-en.",
            "category": "food",
            "nature": "material",
            "lat": "50.6345",
            "lon": "3.0296",
            "district": "Bois-Blancs",
        },
    ).follow()
    assert "Votre proposition attend la validation" in page.text
    commons_url = page.request.path
    commons_id = int(commons_url.rsplit("/", 1)[1])

    # Not public yet.
    anonymous_search = app.__class__(app.app, extra_environ=app.extra_environ)
    assert "Grainothèque" not in anonymous_search.get("/commons?q=paysannes").text

    # An official validates it through the API.
    response = app.post(f"/api/v1/commons/{commons_id}/validate", headers=bearer(db, official))
    assert response.json["status"] == "published"

    # Anyone finds it by a word of its description, in either interface language.
    visitor = anonymous_search
    for path in ("/commons?q=paysannes", "/commons?q=PAYSANNES&_LOCALE_=en"):
        assert "Grainothèque des Bois-Blancs" in visitor.get(path).text

    # The API finds it too.
    found = visitor.get("/api/v1/commons?q=semences").json["items"]
    assert [item["id"] for item in found] == [commons_id]

    # On the map (the GeoJSON the map script reads) and in both exports.
    features = visitor.get("/api/v1/commons.geojson").json["features"]
    assert [f["properties"]["id"] for f in features] == [commons_id]
    assert features[0]["geometry"]["coordinates"] == [3.0296, 50.6345]
    rows = list(csv.DictReader(io.StringIO(visitor.get("/commons.csv").text)))
    assert rows[0]["name_fr"] == "Grainothèque des Bois-Blancs"

    # Read in French, and in English (its only name is French, so it is shown as is,
    # while the interface is English).
    french = visitor.get(f"/commons/{commons_id}?_LOCALE_=fr").text
    assert '<html lang="fr" dir="ltr">' in french
    assert "<strong>semences paysannes</strong>" in french
    english = visitor.get(f"/commons/{commons_id}?_LOCALE_=en").text
    assert '<html lang="en" dir="ltr">' in english and "Grainothèque des Bois-Blancs" in english
    assert "Ostrom self-assessment" in english

    # The official adds the English text; the English page now uses it.
    app.patch_json(
        f"/api/v1/commons/{commons_id}",
        {"name": {"en": "Bois-Blancs seed library"}},
        headers=bearer(db, official),
    )
    record = visitor.get(f"/api/v1/commons/{commons_id}?_LOCALE_=en").json
    assert record["name"] == "Bois-Blancs seed library"
    assert record["translations"]["name"] == {
        "fr": "Grainothèque des Bois-Blancs",
        "en": "Bois-Blancs seed library",
    }
