"""The other reports: a vote's result and a meeting's minutes as PDF, read back."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from partnerstate.database import utcnow
from reports import registry
from tests.conftest import log_in
from tests.reports import pdfs
from tests.reports.conftest import make_scene

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def voted(db):
    """A partnership vote with two ballots, closed at a fixed time."""
    from deliberation.votes import services as votes

    scene = make_scene(db, status="deliberation")
    vote = votes.open_partnership_vote(db, scene.partnership, scene.official, quorum_percent=10)
    db.commit()
    ids = [o.id for o in vote.options]
    votes.cast_ballot(db, vote, scene.member, [ids[0], ids[-1]])
    votes.cast_ballot(db, vote, scene.facilitator, [ids[0]])
    db.commit()
    return scene, vote


def _close(db, scene, vote, when=None):
    from deliberation.votes import services as votes

    votes.close_vote(db, vote, scene.official, now=when)
    db.commit()


def test_the_registry_has_the_three_reports():
    assert {"charter", "vote_result", "minutes"} <= set(registry.names())


def test_a_closed_vote_as_pdf(app, db, voted):
    scene, vote = voted
    app.get(f"/votes/{vote.id}/report.pdf", status=404)  # not public before the close
    _close(db, scene, vote)
    response = app.get(f"/votes/{vote.id}/report.pdf")
    assert response.content_type == "application/pdf"
    text = pdfs.text(response.body)
    assert "Community garden at the tram depot" in text
    assert "Schulze method" in text
    assert "2 of 2 members voted online (100%)" in text
    assert "Pairwise matrix" in text
    assert "Status quo: no partnership" in text
    assert vote.tie_break_seed in text
    assert f"/api/v1/votes/{vote.id}/ballots.blt" in text.replace(" ", "")
    assert "Adopted" in text
    result = json.loads(pdfs.attachments(response.body)["result.json"])
    assert result["winners"] == vote.result["winners"]
    assert "pdfaid:part" in pdfs.xmp(response.body)
    pdfs.first_page_png(response.body, "vote-report")


def test_paper_ballots_never_push_the_reported_turnout_past_100_percent(app, db, voted):
    from deliberation.votes import services as votes

    scene, vote = voted
    names = "".join(f'"{n}"\n' for n in range(len(vote.options)))
    votes.import_paper_ballots(db, vote, f"{len(vote.options)} 1\n40 1 0\n0\n{names}")
    _close(db, scene, vote)
    text = pdfs.text(app.get(f"/votes/{vote.id}/report.pdf").body)
    assert "2 of 2 members voted online (100%); 40 paper ballots" in text
    assert "42 ballots, online and on paper: the quorum counts them all" in text
    assert "2,100" not in text


def test_the_vote_report_in_french(app, db, voted):
    scene, vote = voted
    _close(db, scene, vote)
    text = pdfs.text(app.get(f"/votes/{vote.id}/report.pdf?_LOCALE_=fr").body)
    assert "Méthode" in text and "Participation" in text
    assert "Résultat d'un vote préférentiel".upper() in text.upper()


def test_unknown_votes_have_no_report(app):
    app.get("/votes/999999/report.pdf", status=404)


def _meeting(db, scene, starts_at):
    from assemblies.services import meetings

    meeting = meetings.schedule_meeting(
        db,
        scene.assembly,
        scene.official,
        {
            "title": "Spring assembly",
            "starts_at": starts_at.isoformat(),
            "location": "Maison de quartier, 2 rue Bourjembois",
            "agenda": ["Welcome", "The garden pact", "Any other business"],
        },
        "en",
        PARIS,
    )
    db.commit()
    return meeting


def test_minutes_as_pdf(app, db, voted):
    from assemblies.services import meetings

    scene, vote = voted
    starts = (utcnow() + dt.timedelta(days=2)).replace(hour=17, minute=0, second=0, microsecond=0)
    meeting = _meeting(db, scene, starts)
    url = f"/assemblies/{scene.assembly.id}/meetings/{meeting.id}/minutes.pdf"
    # Before the minutes are recorded the report says so.
    text = pdfs.text(app.get(url).body)
    assert "The minutes have not been recorded yet." in text
    assert "The garden pact" in text

    meetings.record_minutes(
        db,
        meeting,
        scene.official,
        "## Decisions\n\nThe assembly **adopted** the garden pact.\n\n"
        "1. Order seeds\n2. Fix the gate\n\nSee [the pact](https://city.example/p/7).",
        [scene.member.id, scene.facilitator.id],
        now=starts + dt.timedelta(hours=1),
    )
    db.commit()
    _close(db, scene, vote, when=starts + dt.timedelta(minutes=50))

    anonymous = pdfs.text(app.get(url).body)
    for expected in ("Spring assembly", "Welcome", "Any other business",
                     "Maison de quartier", "The assembly adopted the garden pact.",
                     "2 people attended", "Community garden at the tram depot"):  # fmt: skip
        assert expected in anonymous, expected
    # Names of those present only for people who may see the assembly's members.
    assert "Mia Member" not in anonymous
    # Markdown as on the page, the link's address printed after its text.
    assert "**" not in anonymous
    assert "1. Order seeds 2. Fix the gate" in anonymous
    assert "See the pact (https://city.example/p/7)." in anonymous
    log_in(app, scene.member.email)
    with_names = app.get(url).body
    assert "Mia Member" in pdfs.text(with_names)
    pdfs.first_page_png(with_names, "minutes")


def test_unknown_meetings_have_no_minutes(app, db, scene):
    app.get(f"/assemblies/{scene.assembly.id}/meetings/999999/minutes.pdf", status=404)
    app.get("/assemblies/999999/meetings/1/minutes.pdf", status=404)
