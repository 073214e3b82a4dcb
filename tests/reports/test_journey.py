"""End to end through the API, as a city would script it: a vote adopts a partnership
(an amended version wins), its charter is issued, both parties sign, anyone verifies."""

from __future__ import annotations

import hashlib

import pytest

from tests import factories
from tests.conftest import bearer, log_in
from tests.reports import pdfs


def _city(app, db, locale):
    official = factories.make_user(db, role="official", name="Claire Martin")
    facilitator = factories.make_user(db, name="Yusuf Demir")
    voters = [factories.make_user(db, name=f"Voter {n}") for n in range(5)]
    o = bearer(db, official)
    assembly = app.post_json(
        "/api/v1/assemblies",
        {"name": "Assemblée des communs", "city": "Lille", "default_locale": locale},
        headers=o,
        status=201,
    ).json["id"]
    for person, role in [(facilitator, "facilitator"), *[(v, "member") for v in voters]]:
        app.post_json(
            f"/api/v1/assemblies/{assembly}/members",
            {"email": person.email, "role": role},
            headers=o,
            status=201,
        )
    commons = app.post_json(
        "/api/v1/commons",
        {"name": "Jardin partagé des Moulins", "description": "Un jardin de quartier.",
         "category": "food", "address": "12 rue d'Arras, Lille", "lat": 50.6222, "lon": 3.0706},
        headers=o,
        status=201,
    ).json["id"]  # fmt: skip
    return official, facilitator, voters, assembly, commons


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_from_vote_to_verified_signed_charter(app, db, locale):
    official, facilitator, voters, assembly, commons = _city(app, db, locale)
    o = bearer(db, official)
    partnership = app.post_json(
        "/api/v1/partnerships",
        {
            "assembly_id": assembly,
            "commons_id": commons,
            "title": "Shared garden" if locale == "en" else "Jardin partagé",
            "purpose": "Grow food together." if locale == "en" else "Cultiver ensemble.",
            "city_commitments": [
                {"kind": "space", "description": "The plot, rent-free"},
                {"kind": "insurance", "description": "Insurance for volunteers"},
            ],
            "commons_commitments": [{"description": "Open every Saturday"}],
            "duration_months": 36,
        },
        headers=o,
        status=201,
    ).json["id"]
    app.post_json(f"/api/v1/partnerships/{partnership}/deliberation", {}, headers=o, status=200)

    # Before adoption there is no charter.
    app.post_json(f"/api/v1/partnerships/{partnership}/charter", {}, headers=o, status=409)

    alternative = app.post_json(
        f"/api/v1/partnerships/{partnership}/alternatives",
        {"title": "With the schools", "summary": "Two schools get four beds each."},
        headers=bearer(db, voters[0]),
        status=201,
    ).json["id"]
    vote = app.post_json(
        f"/api/v1/partnerships/{partnership}/vote",
        {"method": "schulze", "quorum_percent": 20},
        headers=bearer(db, facilitator),
        status=201,
    ).json
    options = {o["status_quo"]: o for o in vote["options"] if o["status_quo"]}
    status_quo = options[True]["id"]
    ids = [o["id"] for o in vote["options"]]
    proposal, amended = [i for i in ids if i != status_quo][:2]
    assert alternative
    for voter in voters:
        app.post_json(
            f"/api/v1/votes/{vote['id']}/ballots",
            {"ranking": [amended, proposal, status_quo]},
            headers=bearer(db, voter),
            status=201,
        )
    results = app.post_json(
        f"/api/v1/votes/{vote['id']}/close", {}, headers=bearer(db, facilitator), status=200
    ).json
    assert results["outcome"] == "adopted"
    assert app.get(f"/api/v1/partnerships/{partnership}").json["status"] == "adopted"

    # The member may not issue; the official issues in the assembly's language.
    app.post_json(
        f"/api/v1/partnerships/{partnership}/charter", {}, headers=bearer(db, voters[1]), status=403
    )
    issued = app.post_json(
        f"/api/v1/partnerships/{partnership}/charter", {}, headers=o, status=201
    ).json
    assert issued["status"] == "awaiting_signatures"
    code = issued["sha256"]
    pdf = app.get(f"/api/v1/charters/{issued['id']}/pdf").body
    text = pdfs.text(pdf)
    assert "Jardin partagé des Moulins" in text
    assert "With the schools" in text  # the amended version is the one adopted
    assert code in text.replace(" ", "")
    assert hashlib.sha256(pdfs.attachments(pdf)["charter.json"]).hexdigest() == code
    if locale == "fr":
        assert "Ville de Lille" in text and "Clause de l'État partenaire".upper() in text
    else:
        assert "City of Lille" in text and "PARTNER-STATE CLAUSE" in text
    pdfs.first_page_png(pdf, f"journey-{locale}")

    sign = f"/api/v1/charters/{issued['id']}/signatures"
    app.post_json(sign, {"name": "Claire Martin", "role": "Mayor", "party": "city"}, headers=o,
                  status=201)  # fmt: skip
    app.post_json(sign, {"name": "Claire Martin", "role": "Mayor", "party": "city"}, headers=o,
                  status=409)  # fmt: skip
    last = app.post_json(
        sign, {"name": "Yusuf Demir", "role": "Co-chair", "party": "commons"}, headers=o,
        status=201,
    ).json  # fmt: skip
    assert last["status"] == "signed"
    assert app.get(f"/api/v1/partnerships/{partnership}").json["status"] == "active"

    verified = app.get(f"/api/v1/charters/verify/{code}").json
    assert verified == {**verified, "valid": True, "charter_id": issued["id"], "status": "signed"}
    assert [s["name"] for s in verified["signatures"]] == ["Claire Martin", "Yusuf Demir"]
    assert app.get(f"/api/v1/charters/{issued['id']}").json["sha256"] == code

    # The QR code's address: the public verification page, in the page's language.
    page = app.get(f"/charters/verify/{code}", headers={"Accept-Language": locale})
    assert "Yusuf Demir" in page.text
    assert f'lang="{locale}"' in page.text

    # The vote's result as a PDF, the same trace as the results page.
    report = app.get(f"/votes/{vote['id']}/report.pdf")
    assert report.content_type == "application/pdf"
    assert "With the schools" in pdfs.text(report.body)
    log_in(app, official.email)
    assert code in app.get(f"/charters/{issued['id']}").text
