"""Preferential votes as people meet them: rank on a phone, change, close, check, recount.

Two journeys on the demo assembly (Lille), whose electorate is the facilitator and the
two verified members (``facilitator``, ``member``, ``membre``):

- a partnership vote (Schulze): an official drafts a partnership and opens deliberation,
  a member proposes an alternative, the facilitator opens the vote; the three electors
  rank on phone-sized browsers, one changes their ballot, which changes the winner; the
  facilitator closes; a visitor reads the result and its pairwise tables; a voter checks
  the receipt; the BLT file recounted by ``partnerstate tally`` names the same winner;
- an STV election of two delegates, opened from the assembly page.

Every object is new and uniquely named: the demo ones stay as the other tests expect.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from deliberation.blt import parse_blt
from tests.browser.conftest import assert_accessible
from tests.browser.journeys import (
    DEMO_ASSEMBLY,
    DESKTOP,
    PHONE,
    draft_partnership,
    flash,
    person,
    submit,
    unique,
)

pytestmark = pytest.mark.browser

STATUS_QUO = "Status quo: no partnership"
SUBPROCESS_TIMEOUT_S = 60


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def people(browser: Any, base_url: str) -> Iterator[Callable[[str], Any]]:
    """``people(who)``: that person's own browser, signed in once for the whole module.

    The official works at a desk; the electors use phones; ``"visitor"`` has no account.
    Keeping each session open is what people do, and saves a login per step.
    """
    with ExitStack() as stack:
        pages: dict[str, Any] = {}

        def page_of(who: str) -> Any:
            if who not in pages:
                account = None if who == "visitor" else who
                size = PHONE if who in ("facilitator", "member", "membre") else DESKTOP
                pages[who] = stack.enter_context(person(browser, base_url, account, **size))
            return pages[who]

        yield page_of


def cast(page: Any, vote_path: str, ranks: dict[str, int]) -> None:
    """Fill the ballot (option label → rank number; the others left unranked) and send it."""
    page.goto(vote_path)
    ballot = page.get_by_role("group", name=re.compile(r"^Rank the (options|candidates)$"))
    # A voter who voted before sees their ballot: start again from nothing ranked.
    for select in ballot.get_by_role("combobox").all():
        select.select_option("")
    for label, number in ranks.items():
        ballot.get_by_label(label, exact=True).select_option(label=f"Choice {number}")
    submit(page, "main form.ballot")


def receipt_of(page: Any) -> str:
    """The receipt the ballot page shows a voter who has voted."""
    receipt = page.locator(".voted strong.receipt")
    expect(receipt).to_have_text(re.compile(r"^[A-Z0-9]{4}(-[A-Z0-9]{4})+$"))
    return receipt.inner_text()


def check_receipt(page: Any, receipt: str) -> Any:
    """Type a receipt into the results' form; return the answer (role=status)."""
    page.get_by_label("Receipt", exact=True).fill(receipt)
    with page.expect_navigation():
        page.locator("form.receipt-form button[type=submit]").click()
    return page.locator("p.receipt-result[role=status]")


def partnerstate_command() -> list[str]:
    """How this environment runs the ``partnerstate`` command (the venv's script first)."""
    script = Path(sys.executable).with_name("partnerstate")
    if script.exists():
        return [str(script)]
    found = shutil.which("partnerstate")
    if found:
        return [found]
    return [sys.executable, "-c", "from partnerstate.cli import main; main()"]


def recount(page: Any, folder: Path) -> tuple[Any, dict[str, Any]]:
    """Download the results' BLT file, then run the command the page prints on it.

    Returns the parsed BLT file and the command's JSON report.
    """
    link = page.get_by_role("link", name="Download the anonymous ballots (BLT)")
    # The file as served: plain UTF-8 text.
    served = page.request.get(link.get_attribute("href"))
    assert served.ok
    assert served.headers["content-type"].startswith("text/plain")
    assert "charset=utf-8" in served.headers["content-type"].lower()
    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    path = folder / download.suggested_filename
    download.save_as(path)
    assert path.suffix == ".blt"
    text = path.read_text(encoding="utf-8")
    assert text == served.text()
    election = parse_blt(text)

    # "With partnerstate installed, this command gives the same result:" — run it.
    words = shlex.split(page.locator("pre.command code").inner_text())
    assert words[:2] == ["partnerstate", "tally"]
    assert words[2] == path.name, "the command names the file the link downloads"
    command = [*partnerstate_command(), "tally", str(path), *words[3:], "--format", "json"]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S, check=False
    )
    assert done.returncode == 0, done.stderr
    return election, json.loads(done.stdout)


# --- a partnership vote -------------------------------------------------------------------------


def test_members_rank_a_partnership_on_their_phones_then_anyone_checks_and_recounts(
    people: Callable[[str], Any], tmp_path: Path
) -> None:
    proposal = unique("Faubourg pantry pact")
    alternative = unique("Pantry pact with a shorter term")

    # An official drafts the partnership and opens the deliberation.
    official = people("official")
    partnership_path = draft_partnership(official, proposal)

    ends_on = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    official.locator("#move-open_deliberation-ends_on").fill(ends_on)
    submit(official, "main form[action$='/moves/open_deliberation']")
    expect(flash(official)).to_contain_text("The partnership is now:")

    # A member proposes an alternative: it becomes an option on the ballot.
    member = people("member")
    member.goto(partnership_path)
    member.get_by_role("link", name="Propose an alternative").click()
    member.locator("#alt_title").fill(alternative)
    member.locator("#summary").fill("Two years first, then we see.")
    member.locator("#duration_months").fill("24")
    submit(member)
    expect(flash(member)).to_contain_text("Your alternative was added")

    # The facilitator opens the vote (Schulze by default) from the partnership page.
    facilitator = people("facilitator")
    facilitator.goto(partnership_path)
    facilitator.get_by_role("link", name="Open the vote…").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Open the vote")
    expect(facilitator.locator("main ol.option-list li")).to_have_text(
        [proposal, alternative, STATUS_QUO]
    )
    expect(facilitator.get_by_label("Schulze method (recommended)")).to_be_checked()
    submit(facilitator)
    expect(flash(facilitator)).to_contain_text("Voting is open.")
    expect(facilitator).to_have_url(re.compile(r"/votes/\d+$"))
    vote_path = "/votes/" + facilitator.url.rsplit("/", 1)[1]
    expect(facilitator.get_by_role("heading", level=1)).to_have_text(proposal)
    assert_accessible(facilitator)  # the ballot, on a phone

    # The three electors rank the options on their phones.
    cast(facilitator, vote_path, {alternative: 1, proposal: 2, STATUS_QUO: 3})
    expect(flash(facilitator)).to_contain_text("Your ballot was recorded.")
    receipts = {"facilitator": receipt_of(facilitator)}

    # An empty ballot is refused, with a message, and nothing is recorded.
    member.goto(vote_path)
    submit(member, "main form.ballot")
    error = member.get_by_role("alert")
    expect(error).to_contain_text("Your ballot was not recorded:")
    expect(error).to_contain_text("Rank at least one option.")
    expect(member.locator(".voted")).to_have_count(0)
    cast(member, vote_path, {proposal: 1, alternative: 2, STATUS_QUO: 3})
    expect(flash(member)).to_contain_text("Your ballot was recorded.")
    receipts["member"] = receipt_of(member)

    # First the alternative, without the proposal (left unranked: below everything)...
    membre = people("membre")
    cast(membre, vote_path, {alternative: 1, STATUS_QUO: 2})
    expect(flash(membre)).to_contain_text("Your ballot was recorded.")
    receipts["membre"] = receipt_of(membre)
    # ...then a change of mind: the new ballot replaces the old, with the same receipt.
    cast(membre, vote_path, {proposal: 1, alternative: 2})
    expect(flash(membre)).to_contain_text(
        f"Your ballot was changed. Your receipt is still {receipts['membre']}."
    )
    ballot = membre.locator("main form.ballot")
    expect(ballot.get_by_label(proposal, exact=True)).to_have_value("1")
    expect(ballot.get_by_label(alternative, exact=True)).to_have_value("2")
    expect(ballot.get_by_label(STATUS_QUO, exact=True)).to_have_value("")
    expect(ballot.get_by_role("button")).to_have_text("Change my ballot")
    assert len(set(receipts.values())) == 3, receipts

    # The facilitator closes the vote; the results replace the ballot.
    facilitator.goto(vote_path)
    facilitator.get_by_role("link", name="Close the vote and publish the results…").click()
    expect(facilitator.locator("main")).to_contain_text("So far: 3 ballots (3 online, 0 on paper)")
    submit(facilitator)
    expect(flash(facilitator)).to_contain_text("The vote is closed and the results are published.")
    expect(facilitator.locator("main form.ballot")).to_have_count(0)

    # Anyone, without an account, sees who won and why; membre's change decided it
    # (with the first ballot the alternative would have won two to one).
    visitor = people("visitor")
    visitor.goto(vote_path)
    results = visitor.locator("#results")
    expect(results.locator(".outcome")).to_contain_text("Adopted")
    expect(results.locator(".outcome")).to_contain_text(f"Winner: {proposal}")
    expect(results).to_contain_text("3 of the 3 people in the electorate voted online (100%)")
    expect(results).to_contain_text(
        f"{proposal} beats every other option head to head (the Condorcet winner)."
    )
    pairwise = visitor.get_by_role("table", name=re.compile("^Pairwise matrix"))
    row = pairwise.get_by_role("row").filter(has_text=f"1. {proposal}")
    # Proposal over alternative 2:1, over the status quo 3:0 (columns: 1, 2, 3).
    expect(row.locator("td")).to_have_text(["—", "2 (wins)", "3 (wins)"])
    expect(visitor.get_by_role("table", name=re.compile("^Strongest paths"))).to_be_visible()
    heatmap = visitor.locator("svg#pairwise-chart[role=img]")
    expect(heatmap).to_be_visible()
    expect(heatmap.locator("title")).to_have_text("Heat-map of the pairwise matrix")
    expect(results).to_contain_text("No tie had to be broken.")
    assert_accessible(visitor)
    # The partnership page says so too.
    visitor.goto(partnership_path)
    expect(visitor.locator("#vote")).to_contain_text(f"Adopted — won by: {proposal}")

    # A voter checks their receipt (case and dashes do not matter); a made-up one is not found.
    membre.goto(vote_path)
    answer = check_receipt(membre, receipts["membre"].lower().replace("-", ""))
    expect(answer).to_have_text(f"The ballot with receipt {receipts['membre']} was counted.")
    answer = check_receipt(membre, "AAAA-AAAA-AAAA-AAAA")
    expect(answer).to_have_text("No counted ballot has this receipt.")
    membre.get_by_role("link", name="The list of the 3 counted receipts").click()
    expect(membre.locator("ul.receipt-list code")).to_have_text(sorted(receipts.values()))

    # The anonymous ballots, recounted by the command line, name the same winner.
    membre.goto(vote_path)
    election, report = recount(membre, tmp_path)
    assert election.candidates == [proposal, alternative, STATUS_QUO]
    assert election.title == proposal
    assert sum(weight for weight, _ranking in election.ballots) == 3
    assert report["method"] == "schulze"
    assert report["winners"] == [proposal]


# --- an election --------------------------------------------------------------------------------


def test_an_stv_election_opened_from_the_assembly_fills_its_seats(
    people: Callable[[str], Any], tmp_path: Path
) -> None:
    title = unique("Delegates to the pantry steering committee")
    first, second, third = (unique(name) for name in ("Amina", "Bruno", "Chloé"))

    facilitator = people("facilitator")
    facilitator.goto("/assemblies")
    facilitator.get_by_role("link", name=DEMO_ASSEMBLY).first.click()
    facilitator.get_by_role("link", name="Open an election…").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Open an election")
    # Sent empty, the form says what is missing.
    submit(facilitator)
    expect(facilitator.get_by_role("alert").first).to_be_visible()
    expect(facilitator.locator("#title")).to_have_attribute("aria-invalid", "true")

    facilitator.locator("#title").fill(title)
    expect(facilitator.get_by_label("Single transferable vote (STV)")).to_be_checked()
    facilitator.locator("#seats").fill("2")
    facilitator.locator("#candidates").fill(f"{first}\n{second}\n\n{third}\n")
    submit(facilitator)
    expect(flash(facilitator)).to_contain_text("The election is open.")
    vote_path = "/votes/" + facilitator.url.rsplit("/", 1)[1]
    expect(facilitator.locator("main ol.option-list li")).to_have_text([first, second, third])

    # STV takes one candidate per rank: two candidates given the same number are refused.
    member = people("member")
    cast(member, vote_path, {first: 1, second: 1})
    error = member.get_by_role("alert")
    expect(error).to_contain_text("Your ballot was not recorded:")
    expect(error).to_contain_text("does not allow equal ranks")
    # What was chosen is still there to correct.
    expect(member.get_by_label(first, exact=True)).to_have_value("1")
    expect(member.get_by_label(second, exact=True)).to_have_value("1")
    assert_accessible(member)
    cast(member, vote_path, {first: 1, second: 2})
    expect(flash(member)).to_contain_text("Your ballot was recorded.")

    for who, ranks in (("membre", {first: 1, third: 2}), ("facilitator", {second: 1, first: 2})):
        cast(people(who), vote_path, ranks)
        expect(flash(people(who))).to_contain_text("Your ballot was recorded.")

    facilitator.goto(vote_path + "/close")
    submit(facilitator)
    expect(flash(facilitator)).to_contain_text("The vote is closed")

    # Quota 2 (Droop: 3 ballots, 2 seats): the first candidate is elected in round 1.
    results = facilitator.locator("#results")
    expect(results.locator(".outcome")).to_contain_text(
        f"Elected, in order of election: {first} and {second}"
    )
    rounds = facilitator.get_by_role("table", name=re.compile("^Votes of each option"))
    expect(rounds).to_contain_text("quota: 2")
    expect(rounds.get_by_role("row").filter(has_text=first).locator("td").first).to_have_text(
        "2 elected"
    )
    expect(facilitator.locator("svg[id^='round-chart-'][role=img]").first).to_be_visible()
    assert_accessible(facilitator)

    election, report = recount(facilitator, tmp_path)
    assert election.candidates == [first, second, third]
    assert election.seats == 2
    assert report["winners"] == [first, second]
