"""Arguments and replies: who may post when, threads, the edit window, deletion, safety."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from deliberation.debate_models import Argument
from deliberation.services import arguments
from partnerstate.partnerships import vocabulary as vocab
from partnerstate.partnerships.errors import Conflict, Forbidden, Invalid
from tests.conftest import bearer, csrf_token, log_in
from tests.form_errors import field_errors
from tests.partnerstate.partnerships import helpers


@pytest.fixture
def cast(db, official):
    return helpers.make_cast(db, official)


@pytest.fixture
def partnership(db, cast):
    return helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "deliberation")


def comments_url(partnership):
    return f"/api/v1/partnerships/{partnership.id}/comments"


def post(app, db, user, partnership, status=201, **body):
    body.setdefault("body", "The city should also insure the tools.")
    body.setdefault("stance", "for")
    return app.post_json(comments_url(partnership), body, headers=bearer(db, user), status=status)


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "observer", "facilitator"])
def test_members_observers_and_facilitators_argue(app, db, cast, partnership, who):
    response = post(app, db, getattr(cast, who), partnership)
    assert isinstance(response.json["id"], int)
    assert response.json["stance"] == "for"


def test_a_non_member_may_not_post(app, db, cast, partnership):
    response = post(app, db, cast.outsider, partnership, status=403)
    assert response.json["error"]["code"] == "forbidden"


def test_an_official_who_is_not_a_member_may_not_post(app, db, cast, partnership):
    post(app, db, cast.official, partnership, status=403)


def test_anonymous_posting_is_401(app, partnership):
    app.post_json(comments_url(partnership), {"body": "x", "stance": "for"}, status=401)


@pytest.mark.parametrize("status", ["voting", "adopted", "rejected", "active", "closed"])
def test_posting_outside_deliberation_is_409(app, db, cast, status):
    partnership = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, status)
    response = post(app, db, cast.member, partnership, status=409)
    # The state in words for people, its code for programs.
    label = vocab.status_label(status).interpolate()
    assert f"“{label}”" in response.json["error"]["message"]
    assert response.json["error"]["fields"] == {"status": status}


def test_posting_after_the_deadline_is_409(app, db, cast, partnership):
    partnership.deliberation_ends_at = helpers.later(-1)
    db.commit()
    post(app, db, cast.member, partnership, status=409)


@pytest.mark.parametrize("stance", ["maybe", "", "FOR", None, 3])
def test_an_invalid_stance_is_422(app, db, cast, partnership, stance):
    response = post(app, db, cast.member, partnership, status=422, stance=stance)
    assert "stance" in response.json["error"]["fields"]


@pytest.mark.parametrize("body", ["", "x" * 10_001])
def test_an_empty_or_huge_body_is_422(app, db, cast, partnership, body):
    post(app, db, cast.member, partnership, status=422, body=body)


def test_a_blank_body_is_422(app, db, cast, partnership):
    response = post(app, db, cast.member, partnership, status=422, body="   ")
    assert "body" in response.json["error"]["fields"]


def test_replies_thread_under_their_parent(app, db, cast, partnership):
    parent = post(app, db, cast.member, partnership, stance="against").json["id"]
    reply = post(app, db, cast.observer, partnership, stance="for", parent_id=parent).json
    assert reply["parent_id"] == parent
    nested = post(app, db, cast.member, partnership, stance="neutral", parent_id=reply["id"]).json
    listing = app.get(comments_url(partnership)).json
    assert [c["id"] for c in listing["items"]] == [parent, reply["id"], nested["id"]]
    assert listing["counts"] == {"for": 0, "against": 1, "neutral": 0}


def test_a_reply_to_a_post_of_another_partnership_is_422(app, db, cast, partnership):
    other = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "deliberation")
    foreign = post(app, db, cast.member, other).json["id"]
    response = post(app, db, cast.member, partnership, status=422, parent_id=foreign)
    assert "parent_id" in response.json["error"]["fields"]
    post(app, db, cast.member, partnership, status=422, parent_id=999999)


def test_unknown_partnership_is_404(app, db, cast):
    app.post_json(
        "/api/v1/partnerships/999999/comments",
        {"body": "x", "stance": "for"},
        headers=bearer(db, cast.member),
        status=404,
    )


def test_the_author_edits_within_the_window(app, db, cast, partnership):
    comment = post(app, db, cast.member, partnership).json
    url = f"{comments_url(partnership)}/{comment['id']}"
    edited = app.patch_json(
        url, {"body": "Better said.", "stance": "neutral"}, headers=bearer(db, cast.member)
    ).json
    assert (
        edited["body"] == "Better said." and edited["stance"] == "neutral" and edited["edited_at"]
    )
    app.patch_json(url, {"body": "Not mine"}, headers=bearer(db, cast.observer), status=403)
    argument = db.get(Argument, comment["id"])
    argument.created_at -= dt.timedelta(minutes=16)
    db.commit()
    response = app.patch_json(
        url, {"body": "Too late"}, headers=bearer(db, cast.member), status=409
    )
    assert "15" in response.json["error"]["message"]


def test_deleting_leaves_a_mark(app, db, cast, partnership):
    comment = post(app, db, cast.member, partnership).json
    reply = post(app, db, cast.observer, partnership, parent_id=comment["id"]).json
    url = f"{comments_url(partnership)}/{comment['id']}"
    app.delete(url, headers=bearer(db, cast.observer), status=403)
    deleted = app.delete(url, headers=bearer(db, cast.member)).json
    assert deleted["deleted"] is True and deleted["body"] is None
    app.delete(url, headers=bearer(db, cast.member), status=409)
    listing = app.get(comments_url(partnership)).json["items"]
    assert [c["deleted"] for c in listing] == [True, False]
    assert listing[1]["id"] == reply["id"] and listing[1]["parent_id"] == comment["id"]
    assert app.get(comments_url(partnership)).json["counts"]["for"] == 0


# --- the service --------------------------------------------------------------------------------


def test_service_checks(db, cast, partnership):
    with pytest.raises(Forbidden):
        arguments.post(db, partnership, cast.outsider, "x", "for")
    with pytest.raises(Invalid):
        arguments.post(db, partnership, cast.member, "x", "sideways")
    argument = arguments.post(db, partnership, cast.member, "Fine", "for", locale="fr")
    assert argument.locale == "fr" and argument.partnership_version == partnership.version
    later = argument.created_at + arguments.EDIT_WINDOW + dt.timedelta(seconds=1)
    with pytest.raises(Conflict):
        arguments.edit(db, argument, cast.member, "Changed", now=later)
    assert arguments.can_edit(argument, cast.member)
    assert not arguments.can_edit(argument, cast.observer)


def test_the_debate_groups_by_stance_and_counts_standing_arguments(db, cast, partnership):
    first = arguments.post(db, partnership, cast.member, "Yes", "for")
    arguments.post(db, partnership, cast.observer, "Yes too", "for")
    against = arguments.post(db, partnership, cast.facilitator, "No", "against")
    arguments.post(db, partnership, cast.member, "Why?", "neutral")
    arguments.post(db, partnership, cast.observer, "Because", "against", parent_id=first.id)
    arguments.delete(db, against, cast.facilitator)
    debate = arguments.debate(db, partnership)
    assert debate.counts == {"for": 2, "against": 0, "neutral": 1}
    assert len(debate.by_stance["against"]) == 1  # the deleted one keeps its place
    assert debate.by_stance["for"][0].replies[0].argument.body == "Because"
    assert debate.by_stance["for"][0].count() == 2


# --- the page -----------------------------------------------------------------------------------


def test_members_argue_and_reply_through_the_page(app, db, cast, partnership):
    log_in(app, cast.member.email)
    page = app.get(f"/partnerships/{partnership.id}")
    form = next(
        f
        for f in page.forms.values()
        if f.action.endswith("/arguments") and not f["parent_id"].value
    )
    form["stance"] = "against"
    form["body"] = "Three years is **too long** for a first pact."
    response = form.submit()
    assert response.status_int == 303
    page = response.follow()
    assert "<strong>too long</strong>" in page.text
    assert "Arguments against" in page.text
    log_in(app, cast.observer.email)
    page = app.get(f"/partnerships/{partnership.id}")
    reply_form = next(
        f for f in page.forms.values() if "parent_id" in f.fields and f["parent_id"].value
    )
    reply_form["body"] = "Two years, then."
    reply_form.submit().follow()
    argument = db.query(Argument).filter_by(body="Two years, then.").one()
    assert argument.parent_id is not None and argument.stance == "neutral"


def test_arguments_for_and_against_are_side_by_side_with_counts(app, db, cast, partnership):
    arguments.post(db, partnership, cast.member, "Good for the neighbourhood", "for")
    arguments.post(db, partnership, cast.observer, "Too expensive", "against")
    arguments.post(db, partnership, cast.facilitator, "Cheap, actually", "for")
    db.commit()
    text = app.get(f"/partnerships/{partnership.id}").text
    assert "2 for · 1 against · 0 neutral" in text
    assert 'class="sides"' in text
    assert (
        text.index("Arguments for")
        < text.index("Good for the neighbourhood")
        < text.index("Arguments against")
        < text.index("Too expensive")
    )


def test_the_page_posting_errors_are_shown_with_the_text_kept(app, db, cast, partnership):
    log_in(app, cast.member.email)
    token = csrf_token(app, "/profile")
    response = app.post(
        f"/partnerships/{partnership.id}/arguments",
        {"csrf_token": token, "stance": "sideways", "body": "Kept text"},
        status=422,
    )
    assert "Kept text" in response.text and "error-summary" in response.text


def test_the_top_level_stance_is_a_choice_nothing_preselected(app, db, cast, partnership):
    # "For" used to be checked in advance: a member could argue for without meaning to.
    log_in(app, cast.member.email)
    page = app.get(f"/partnerships/{partnership.id}")
    form = next(
        f
        for f in page.forms.values()
        if f.action.endswith("/arguments") and not f["parent_id"].value
    )
    assert form["stance"].value is None
    group = page.html.select_one("#stance").find_parent("fieldset")
    assert (
        group.select_one("legend")
        .get_text(strip=True)
        .startswith("Your position on the partnership")
    )
    form["body"] = "I am not sure yet."
    response = form.submit(status=422)
    errors = field_errors(response)
    assert errors == {"stance": ["Choose your position: for, against, or neutral."]}
    radios = response.html.select("input[name=stance]")
    assert len(radios) == 3 and not any(radio.has_attr("checked") for radio in radios)
    for radio in radios:
        assert "stance-error" in radio["aria-describedby"].split()
        assert radio["aria-invalid"] == "true"
    assert "I am not sure yet." in response.text
    assert db.query(Argument).count() == 0
    # A reply still starts as neutral.
    argument = arguments.post(db, partnership, cast.observer, "Too long a term", "against")
    db.commit()
    reply = app.get(f"/partnerships/{partnership.id}/arguments", {"parent": argument.id})
    assert reply.html.select_one("input[name=stance][checked]")["value"] == "neutral"


def test_a_non_member_sees_no_form_and_is_refused(app, db, cast, partnership):
    log_in(app, cast.outsider.email)
    page = app.get(f"/partnerships/{partnership.id}")
    assert "Only members of the partnership" in page.text
    assert "Add an argument" not in page.text
    token = csrf_token(app, "/profile")
    app.post(
        f"/partnerships/{partnership.id}/arguments",
        {"csrf_token": token, "stance": "for", "body": "x"},
        status=403,
    )


def test_anonymous_visitors_read_and_are_invited_to_log_in(app, db, cast, partnership):
    arguments.post(db, partnership, cast.member, "Visible to all", "for")
    db.commit()
    page = app.get(f"/partnerships/{partnership.id}")
    assert "Visible to all" in page.text and "Log in" in page.text
    response = app.get(f"/partnerships/{partnership.id}/arguments", status=303)
    assert "/login" in response.location


def test_posting_on_a_draft_is_404_for_members(app, db, cast):
    # Members do not see drafts at all: the draft does not exist for them.
    draft = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    post(app, db, cast.member, draft, status=404)


def test_a_draft_shows_no_deliberation(app, db, cast):
    draft = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons)
    log_in(app, cast.facilitator.email)
    page = app.get(f"/partnerships/{draft.id}")
    assert 'id="deliberation"' not in page.text
    token = csrf_token(app, "/profile")
    response = app.post(
        f"/partnerships/{draft.id}/arguments", {"csrf_token": token, "stance": "for", "body": "x"}
    )
    assert response.status_int == 303
    assert "not open" in response.follow().text


def test_closed_deliberation_says_so(app, db, cast):
    voting = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "voting")
    log_in(app, cast.member.email)
    assert "The deliberation is closed" in app.get(f"/partnerships/{voting.id}").text


def test_edit_and_delete_through_pages(app, db, cast, partnership):
    argument = arguments.post(db, partnership, cast.member, "Frist draft", "for")
    db.commit()
    log_in(app, cast.member.email)
    page = app.get(f"/partnerships/{partnership.id}")
    assert f"/arguments/{argument.id}/edit" in page.text
    form = next(
        f
        for f in app.get(
            f"/partnerships/{partnership.id}/arguments/{argument.id}/edit"
        ).forms.values()
        if f.action.endswith("/edit")
    )
    form["body"] = "First draft"
    form.submit().follow()
    db.refresh(argument)
    assert argument.body == "First draft" and argument.edited_at
    confirm = app.get(f"/partnerships/{partnership.id}/arguments/{argument.id}/delete")
    next(f for f in confirm.forms.values() if f.action.endswith("/delete")).submit().follow()
    db.refresh(argument)
    assert argument.deleted
    assert "Deleted by its author." in app.get(f"/partnerships/{partnership.id}").text
    log_in(app, cast.observer.email)
    app.get(f"/partnerships/{partnership.id}/arguments/{argument.id}/edit", status=403)


def test_the_edit_link_disappears_after_the_window(app, db, cast, partnership):
    argument = arguments.post(db, partnership, cast.member, "Old", "for")
    argument.created_at -= dt.timedelta(minutes=20)
    db.commit()
    log_in(app, cast.member.email)
    assert f"/arguments/{argument.id}/edit" not in app.get(f"/partnerships/{partnership.id}").text
    response = app.get(f"/partnerships/{partnership.id}/arguments/{argument.id}/edit", status=303)
    assert "no longer be changed" in response.follow().text


def assert_nothing_runs(page):
    """No element the user could have written runs a script, whatever the page shows as text."""
    for element in page.html.find_all(True):
        assert not [name for name in element.attrs if name.lower().startswith("on")], element
    for link in page.html.select("[href], [src]"):
        target = (link.get("href") or link.get("src")).strip().lower()
        assert not target.startswith(("javascript", "vbscript", "data:")), link
    assert "alert" not in " ".join(script.text for script in page.html.select("script"))
    assert not page.html.select(".prose img, .prose svg, .prose iframe, .prose script")
    # The scheme is never written literally, not even as text (text.py says why).
    assert "javascript:" not in page.text.lower()


@pytest.mark.parametrize(
    "payload",
    [
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        "[click](javascript:alert(1))",
        "<svg onload=alert(1)>",
        "<script>alert(1)</script>",
        "[x](JaVaScRiPt:alert(1))",
        "&lt;img src=x onerror=alert(1)&gt;",
    ],
)
def test_event_handlers_and_javascript_links_are_shown_inert(app, db, cast, partnership, payload):
    argument_id = post(app, db, cast.member, partnership, body=f"Look: {payload}").json["id"]
    page = app.get(f"/partnerships/{partnership.id}")
    assert_nothing_runs(page)
    # What the user typed is shown as text (an entity as the character it names).
    prose = page.html.select_one(f"#argument-{argument_id} > .prose")
    assert prose.get_text().strip() == html.unescape(f"Look: {payload}")
    assert not prose.select("a")


@pytest.mark.parametrize(
    ("body", "shown", "links"),
    [
        (
            "**For** it, because <https://x.org> and …",
            "For it, because https://x.org and …",
            ["https://x.org"],
        ),
        ("if a<b and c>d then", "if a<b and c>d then", []),
        ("`<div>` is a tag", "<div> is a tag", []),
        ("<ana@x.org>", "ana@x.org", ["mailto:ana@x.org"]),
        ("Use &lt;b&gt; to bold", "Use <b> to bold", []),
        ("<script>alert(1)</script>", "<script>alert(1)</script>", []),
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>", []),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))", []),
    ],
)
def test_an_argument_posted_on_the_page_shows_what_was_typed(
    app, db, cast, partnership, body, shown, links
):
    log_in(app, cast.member.email)
    token = csrf_token(app, f"/partnerships/{partnership.id}")
    response = app.post(
        f"/partnerships/{partnership.id}/arguments",
        {"csrf_token": token, "stance": "for", "body": body},
        status=303,
    )
    page = response.follow()
    argument = db.query(Argument).filter_by(partnership_id=partnership.id).one()
    assert argument.body == body
    prose = page.html.select_one(f"#argument-{argument.id} > .prose")
    assert prose.get_text().strip() == shown
    assert [a["href"] for a in prose.select("a")] == links
    assert_nothing_runs(page)


def test_unknown_posts_are_404(app, db, cast, partnership):
    log_in(app, cast.member.email)
    app.get(f"/partnerships/{partnership.id}/arguments/999999/edit", status=404)
    other = helpers.make_partnership(db, cast.official, cast.assembly, cast.commons, "deliberation")
    argument = arguments.post(db, other, cast.member, "Elsewhere", "for")
    db.commit()
    app.get(f"/partnerships/{partnership.id}/arguments/{argument.id}/edit", status=404)


def test_the_debate_reads_in_french(app, db, cast, partnership):
    arguments.post(db, partnership, cast.observer, "Trop cher", "against", locale="fr")
    db.commit()
    log_in(app, cast.member.email)
    page = app.get(f"/partnerships/{partnership.id}", {"_LOCALE_": "fr"})
    assert "Arguments contre" in page.text and "0 pour · 1 contre · 0 neutres" in page.text
    assert ">Contre</label>" in page.text and "Votre position sur le partenariat" in page.text
    assert '<div class="prose" lang="fr">' in page.text


def test_a_long_post_is_folded_behind_details(app, db, cast, partnership):
    """A 10,000-character argument shows its beginning; the whole text opens without JS."""
    long_text = "First words of a long argument. " + "word " * 1990
    long_post = arguments.post(db, partnership, cast.member, long_text, "for")
    short_post = arguments.post(db, partnership, cast.member, "Short and sweet.", "against")
    db.commit()
    page = app.get(f"/partnerships/{partnership.id}").html
    folded = page.select_one(f"#argument-{long_post.id} .folded-post")
    excerpt = folded.select_one(".excerpt").get_text()
    assert excerpt.strip().startswith("First words of a long argument.")
    assert excerpt.strip().endswith("…") and len(excerpt) < 600
    details = folded.select_one("details.long-post")
    assert details.summary.get_text(strip=True) == "Read the whole post"
    assert details.select_one(".prose").get_text().count("word") == 1991
    short = page.select_one(f"#argument-{short_post.id}")
    assert short.select_one(".folded-post") is None
    assert "Short and sweet." in short.get_text()


def test_a_long_deliberation_is_shown_a_page_of_threads_at_a_time(app, db, cast, partnership):
    roots = []
    for n in range(arguments.THREADS_PER_PAGE + 5):
        stance = ("for", "against", "neutral")[n % 3]
        roots.append(arguments.post(db, partnership, cast.member, f"Thread {n} opens", stance))
    arguments.post(db, partnership, cast.observer, "A late reply", "for", parent_id=roots[1].id)
    arguments.post(db, partnership, cast.observer, "On page two", "for", parent_id=roots[-1].id)
    db.commit()

    first = arguments.debate(db, partnership)
    assert (first.page, first.pages, first.total_posts) == (1, 2, arguments.THREADS_PER_PAGE + 7)
    shown = [node.argument.body for nodes in first.by_stance.values() for node in nodes]
    assert len(shown) == arguments.THREADS_PER_PAGE and "Thread 0 opens" in shown
    assert first.counts == {"for": 12, "against": 12, "neutral": 11}  # of the whole debate
    second = arguments.debate(db, partnership, page=2)
    threads = [node for nodes in second.by_stance.values() for node in nodes]
    assert len(threads) == 5
    last = next(node for node in threads if node.argument.id == roots[-1].id)
    assert [reply.argument.body for reply in last.replies] == ["On page two"]

    url = f"/partnerships/{partnership.id}"
    page = app.get(url)
    assert "Thread 0 opens" in page.text and "A late reply" in page.text
    assert f"Thread {arguments.THREADS_PER_PAGE} opens" not in page.text
    assert "Threads: page 1 of 2" in page.text
    later = app.get(url, {"threads": "2"})
    assert "On page two" in later.text and "Thread 0 opens" not in later.text
    assert 'rel="prev"' in later.text


def test_the_comments_api_hands_out_a_page_at_a_time(app, db, cast, partnership, monkeypatch):
    from deliberation.views import api_debate

    monkeypatch.setattr(api_debate, "COMMENTS_PAGE_SIZE", 3)
    first = arguments.post(db, partnership, cast.member, "Post 0", "for")
    for n in range(1, 5):
        arguments.post(db, partnership, cast.member, f"Post {n}", "against")
    arguments.post(db, partnership, cast.observer, "Reply", "for", parent_id=first.id)
    db.commit()
    listing = app.get(comments_url(partnership)).json
    assert [c["body"] for c in listing["items"]] == ["Post 0", "Post 1", "Post 2"]
    assert listing["counts"] == {"for": 1, "against": 4, "neutral": 0}
    assert listing["next"].endswith(f"/api/v1/partnerships/{partnership.id}/comments?page=2")
    rest = app.get(listing["next"].split("localhost", 1)[1]).json
    assert [c["body"] for c in rest["items"]] == ["Post 3", "Post 4", "Reply"]
    assert rest["next"] is None
