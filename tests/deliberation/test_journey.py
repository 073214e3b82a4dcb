"""The issue's "done when", tried as a new user would, through the API and the pages."""

from __future__ import annotations

from deliberation.services import ballot_options
from partnerstate.partnerships.models import Partnership
from tests.conftest import bearer, log_in
from tests.partnerstate.partnerships import helpers


def test_from_draft_to_a_ballot(app, db, official):
    cast = helpers.make_cast(db, official)

    # An official drafts a partnership for a commons with three enabling commitments.
    created = app.post_json(
        "/api/v1/partnerships",
        {
            "assembly_id": cast.assembly.id,
            "commons_id": cast.commons.id,
            "title": "Repair café at the library",
            "purpose": "Fix things together instead of throwing them away.",
            "city_commitments": [
                {"kind": "space", "description": "The library hall every other Sunday"},
                {"kind": "insurance", "description": "Liability insurance for volunteers"},
                {"kind": "training", "description": "Electrical safety training"},
            ],
            "commons_commitments": [{"description": "Repairs are free of charge"}],
            "duration_months": 12,
        },
        headers=bearer(db, cast.official),
        status=201,
    ).json
    pid = created["id"]
    assert created["status"] == "draft"

    # Members cannot argue yet: the draft is not even there for them.
    comments = f"/api/v1/partnerships/{pid}/comments"
    member = bearer(db, cast.member)
    app.post_json(comments, {"body": "Too early", "stance": "for"}, headers=member, status=404)

    # A facilitator opens deliberation.
    opened = app.post_json(
        f"/api/v1/partnerships/{pid}/deliberation", {}, headers=bearer(db, cast.facilitator)
    )
    assert opened.json["status"] == "deliberation"

    # Members argue both ways and reply; a non-member cannot.
    pro = app.post_json(
        comments, {"body": "Less waste, more skills.", "stance": "for"}, headers=member, status=201
    ).json["id"]
    observer = bearer(db, cast.observer)
    con = app.post_json(
        comments, {"body": "Sundays are bad for families.", "stance": "against"}, headers=observer
    ).json["id"]
    app.post_json(
        comments,
        {"body": "Saturdays, then?", "stance": "neutral", "parent_id": con},
        headers=member,
        status=201,
    )
    app.post_json(
        comments, {"body": "Me too", "stance": "for"}, headers=bearer(db, cast.outsider), status=403
    )
    app.post_json(comments, {"body": "x", "stance": "sideways"}, headers=member, status=422)

    # One alternative reaches the ballot, another is declined with a reason.
    alternatives = f"/api/v1/partnerships/{pid}/alternatives"
    kept = app.post_json(
        alternatives,
        {"title": "On Saturdays", "summary": "Saturday mornings suit families.",
         "changes": {"duration_months": 24}},
        headers=bearer(db, cast.facilitator),
    ).json  # fmt: skip
    dropped = app.post_json(
        alternatives, {"title": "Saturdays too", "summary": "Same idea."}, headers=member
    ).json
    app.post_json(
        f"{alternatives}/{dropped['id']}/decline",
        {"reason": "duplicate", "note": "Same as “On Saturdays”."},
        headers=bearer(db, cast.facilitator),
    )
    partnership = db.get(Partnership, pid)
    assert [o.key for o in ballot_options(db, partnership)] == [
        "proposal",
        f"alternative:{kept['id']}",
    ]

    # A post is flagged and hidden.
    app.post_json(f"{comments}/{pro}/flags", {"reason": "off_topic"}, headers=observer, status=201)
    app.post_json(
        f"{comments}/{pro}/hide", {"reason": "Advertising."}, headers=bearer(db, cast.facilitator)
    )

    # The page reads well in English and French.
    page = app.get(f"/partnerships/{pid}")
    assert "Repair café at the library" in page.text
    assert "Hidden by a facilitator: Advertising." in page.text
    assert "Sundays are bad for families." in page.text and "Saturdays, then?" in page.text
    assert "Alternative: On Saturdays" in page.text
    assert "Duplicate of another option" in page.text
    french = app.get(f"/partnerships/{pid}", {"_LOCALE_": "fr"})
    assert "Les engagements habilitants de la ville" in french.text
    assert "Masqué par un·e animateur·rice : Advertising." in french.text
    assert "Doublon d’une autre option" in french.text
    app.get("/language/en")  # the parameter's choice sticks; back to English

    # The member who was replied to sees it in the notifications.
    log_in(app, cast.observer.email)
    assert "replied to your post" in app.get("/notifications").text
