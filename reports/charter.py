"""The charter's canonical content: plain data in, one JSON-able dict out.

No database and no web framework here. :func:`build_content` takes what an
adopted partnership says (already merged with the winning alternative, see
:func:`apply_alternative`), the parties, the commons record and the decision, and
freezes the *whole text* of the charter in the charter's language: headings,
standard clauses, every commitment as a numbered article item, the decision.
The charter's verification code is the SHA-256 of :func:`canonical_json` of that
dict, so the code identifies the text and nothing else (signatures are recorded
beside it and never change it).

Articles follow the 23 sections of a public–commons charter (CONCEPTS.md):
sections 1–2 (title, parties) make the title page and the preamble, 3–21 become
numbered articles — optional ones are left out when there is nothing to say and
the numbering closes up — and 22–23 (signatures, annexes) close the document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import babel.numbers

from partnerstate.i18n import _, date_text, text_direction
from partnerstate.localized import pick

#: Version 2: user-written texts are paragraphs ``{"markdown": source}`` (version 1
#: split them into plain-text paragraphs and printed the Markdown raw).
FORMAT = "partnerstate-charter/2"
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")

Translate = Callable[..., str]
Text = str | Mapping[str, str] | None


# --- inputs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Signatory:
    name: str = ""
    role: str = ""


@dataclass(frozen=True)
class Commitment:
    description: Text
    kind: str | None = None
    # The kind's label as the partnerships package words it (a msgid), when known.
    kind_label: Any = None
    quantity: str = ""


@dataclass(frozen=True)
class PartnershipText:
    """What the adopted version of the partnership says (user content, any language)."""

    id: Any
    title: Text
    purpose: Text
    city_commitments: Sequence[Commitment] = ()
    commons_commitments: Sequence[Commitment] = ()
    kind: str = "ordinary"  # ordinary | complex | civic_use
    duration_months: int | None = None
    objectives: Text = None
    access_rules: Text = None
    governance: Text = None
    resources: Text = None
    outputs: Text = None
    output_licence: str = ""  # the licence's label, in the charter's language
    liability: Text = None
    monitoring: Text = None
    breaches: Text = None
    dispute_resolution: Text = None
    url: str = ""


@dataclass(frozen=True)
class Parties:
    city_name: str
    city_department: str = ""
    city_signatory: Signatory = field(default_factory=Signatory)
    commons_stewards: str = ""
    commons_legal_form: str = ""
    commons_signatory: Signatory = field(default_factory=Signatory)


@dataclass(frozen=True)
class CommonsRecord:
    id: Any
    name: Text
    summary: Text = None
    boundary: Text = None
    address: str = ""
    district: str = ""
    latitude: float | None = None
    longitude: float | None = None
    category: str = ""
    category_label: str = ""
    intervention: str = ""
    output_licence: str = ""
    data_licence: str = ""
    access_policy: str = ""
    url: str = ""


@dataclass(frozen=True)
class VoteOption:
    id: Any
    label: Text
    status_quo: bool = False


@dataclass(frozen=True)
class Decision:
    """The vote that adopted the partnership, with its stored result (the full trace)."""

    vote_id: Any
    method: str
    options: Sequence[VoteOption]
    winner_option_id: Any
    ballots: int
    electorate: int
    quorum_percent: float | int | None
    quorum_met: bool
    closed_at: dt.datetime | None
    result_url: str = ""
    result: Mapping[str, Any] = field(default_factory=dict)
    # Paper ballots counted in the room (part of ``ballots``): nothing ties them to the
    # electorate, so the turnout is online voters against the electorate, paper apart.
    paper: int = 0

    @property
    def online(self) -> int:
        return max(self.ballots - self.paper, 0)


@dataclass(frozen=True)
class AdoptedVersion:
    """The option that won: the original proposal, or an alternative that amended it."""

    label: Text
    alternative: bool = False
    summary: Text = None


# --- canonical form -------------------------------------------------------------------


def canonical_json(content: Mapping[str, Any]) -> bytes:
    """The one byte sequence a content dict stands for: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def digest(content: Mapping[str, Any]) -> str:
    """The verification code: SHA-256 of the canonical JSON, lower-case hex."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def normalize_code(code: str | None) -> str | None:
    """A verification code as typed or scanned, or None when it cannot be one."""
    if not code:
        return None
    cleaned = code.strip().lower()
    return cleaned if SHA256_RE.match(cleaned) else None


def apply_alternative(
    proposal: PartnershipText, changes: Mapping[str, Any] | None
) -> PartnershipText:
    """The proposal with the winning alternative's changed fields laid over it.

    Only fields the alternative actually sets (not None, not empty) override the
    proposal: an amendment that rewrites the purpose keeps the original commitments.
    """
    if not changes:
        return proposal
    known = set(PartnershipText.__dataclass_fields__) - {"id", "url"}
    updates = {
        name: value
        for name, value in changes.items()
        if name in known and value not in (None, "", [], {})
    }
    for name in ("city_commitments", "commons_commitments"):
        if name in updates:
            updates[name] = tuple(_commitment(item) for item in updates[name])
    return replace(proposal, **updates)


def _commitment(item: Any) -> Commitment:
    if isinstance(item, Commitment):
        return item
    if isinstance(item, Mapping):
        return Commitment(
            description=item.get("description"),
            kind=item.get("kind"),
            quantity=str(item.get("quantity") or ""),
        )
    return Commitment(description=str(item))


#: The user-written fields of a partnership's text, as (field, heading key) pairs.
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "title"),
    ("purpose", "purpose"),
    ("objectives", "objectives"),
    ("access_rules", "access"),
    ("governance", "governance"),
    ("resources", "resources"),
    ("outputs", "outputs"),
    ("liability", "liability"),
    ("monitoring", "monitoring"),
    ("breaches", "breaches"),
    ("dispute_resolution", "disputes"),
)


def _has(value: Text, locale: str) -> bool:
    if not value:
        return True  # nothing written, nothing to translate
    if isinstance(value, Mapping):
        return bool(str(value.get(locale) or "").strip()) or not any(
            str(v or "").strip() for v in value.values()
        )
    return True  # a plain string is the text in every language asked


def missing_translations(partnership: PartnershipText, locale: str) -> list[tuple[str, int]]:
    """What of ``partnership``'s text has no version in ``locale``: ``(heading key, item)``.

    ``item`` is 0 for a whole text, else the 1-based number of a commitment in its
    article. A charter issued in that language would fall back to another language
    for each of these, so the review step names them instead of offering the language.
    """
    missing = [
        (key, 0) for field, key in TEXT_FIELDS if not _has(getattr(partnership, field), locale)
    ]
    for key in ("city_commitments", "commons_commitments"):
        for number, item in enumerate(getattr(partnership, key), start=1):
            if not _has(item.description, locale):
                missing.append((key, number))
    return missing


# --- labels ---------------------------------------------------------------------------

TYPE_LABELS = {
    "ordinary": _("Ordinary collaboration pact"),
    "complex": _("Complex collaboration pact"),
    "civic_use": _("Civic-use declaration"),
}

#: The city's enabling commitments by kind (unknown kinds are shown as given).
COMMITMENT_KINDS = {
    "space": _("Space"),
    "utilities_maintenance": _("Utilities and maintenance"),
    "utilities": _("Utilities and maintenance"),
    "tools_equipment": _("Tools and equipment"),
    "equipment": _("Tools and equipment"),
    "fee_exemption": _("Fee exemption"),
    "staff_support": _("Staff support"),
    "staff": _("Staff support"),
    "training": _("Training"),
    "insurance": _("Insurance"),
    "funding": _("Funding"),
    "data": _("Data"),
    "communication": _("Communication"),
}

METHOD_LABELS = {
    "schulze": _("Schulze method"),
    "ranked-pairs": _("Ranked pairs"),
    "irv": _("Instant-runoff voting"),
    "stv": _("Single transferable vote"),
    "schulze-stv": _("Schulze STV"),
    "plurality": _("Plurality"),
}

HEADINGS = {
    "principles": _("Principles"),
    "commons": _("The commons and its boundaries"),
    "purpose": _("Purpose and general interest"),
    "objectives": _("Objectives, actions and work plan"),
    "city_commitments": _("The city's enabling commitments"),
    "commons_commitments": _("The commoners' commitments"),
    "access": _("Access and collective use"),
    "governance": _("Governance and decision rules"),
    "resources": _("Resources and economy"),
    "outputs": _("Outputs and licences"),
    "liability": _("Liability, insurance and safety"),
    "duration": _("Duration, suspension and renewal"),
    "monitoring": _("Monitoring and evaluation"),
    "transparency": _("Transparency"),
    "breaches": _("Breaches and exclusion"),
    "disputes": _("Dispute resolution"),
    "amendment": _("Amendment"),
    "end": _("End of the collaboration"),
    "decision": _("The decision"),
}

# (section key, section number in CONCEPTS.md, required?)
ARTICLE_SECTIONS: tuple[tuple[str, int, bool], ...] = (
    ("principles", 3, True),
    ("commons", 4, True),
    ("purpose", 5, True),
    ("objectives", 6, False),
    ("city_commitments", 7, True),
    ("commons_commitments", 8, True),
    ("access", 9, False),
    ("governance", 10, True),
    ("resources", 11, False),
    ("outputs", 12, False),
    ("liability", 13, False),
    ("duration", 14, True),
    ("monitoring", 15, True),
    ("transparency", 16, True),
    ("breaches", 17, False),
    ("disputes", 18, True),
    ("amendment", 19, True),
    ("end", 20, True),
    ("decision", 21, False),
)

# Standard clauses: what Bologna-style regulations write into every pact.
PRINCIPLES = _(
    "The parties act in mutual trust and good faith. The collaboration is open to anyone "
    "who wishes to contribute, inclusive, sustainable, and treats every contributor equally."
)
COMMONS_INTRO = _(
    "This charter concerns the commons \u201c${name}\u201d as recorded in the public register "
    "of the commons (record no. ${id})."
)
PURPOSE_INTERVENTION = _("Type of intervention: ${intervention}.")
CITY_COMMITMENTS_INTRO = _(
    "Acting as a partner state, the city enables and protects what the commoners create in "
    "common. It undertakes to:"
)
COMMONS_COMMITMENTS_INTRO = _(
    "The commoners keep the commons open and non-exclusive, care for it, and report on "
    "their activity. They undertake to:"
)
NO_COMMITMENTS = _("No specific commitment is recorded.")
GOVERNANCE_DEFAULT = _(
    "The commons is governed by its community. Questions about this charter are discussed "
    "in the assembly of the commons; when consensus cannot be reached, the assembly decides "
    "by preferential vote."
)
ACCESS_POLICY = _("Access policy recorded in the register: ${policy}.")
OUTPUT_LICENCE = _("What the commons produces is shared under the licence ${licence}.")
DATA_LICENCE = _("Data about the commons is published under the licence ${licence}.")
DURATION_MONTHS = _(
    "This charter takes effect when both parties have signed it and lasts ${months} months."
)
DURATION_OPEN = _("This charter takes effect when both parties have signed it.")
SUSPENSION = _(
    "Either party may suspend the collaboration for serious reasons, giving written "
    "notice with its reasons to the other party."
)
RENEWAL_ORDINARY = _("It may be renewed by agreement of the parties.")
RENEWAL_COMPLEX = _("It may be renewed once the parties have evaluated the collaboration.")
MONITORING_DEFAULT = _(
    "The commoners report on the collaboration every year, with a community balance covering "
    "rootedness, social return, internal democracy and care. The city and the assembly "
    "evaluate it together before any renewal."
)
TRANSPARENCY = _(
    "This charter, its signatures and the reports made under it are public. The city "
    "publishes them in the register of the commons as open data."
)
DISPUTES = _(
    "Any dispute about this charter is first submitted to a conciliation committee of three "
    "members: one named by each party and one named jointly. The committee makes a "
    "non-binding proposal within 30 days."
)
AMENDMENT = _(
    "This charter may be amended only in writing, by agreement of both parties, after the "
    "assembly of the commons has been consulted."
)
END = _(
    "At the end of the collaboration, works carried out, goods lent and data gathered are "
    "handed back or shared as agreed, so that the commons remains available to all."
)
DECISION_TEXT = _(
    "On ${date}, the assembly of the commons decided by ranked vote (${method}) among "
    "${options} options, including \u201cno partnership\u201d (status quo)."
)
DECISION_TURNOUT = _("${ballots} of ${electorate} members voted (turnout ${turnout}).")
DECISION_PAPER = _(
    "${paper} paper ballots counted in the room were added to them; the quorum counts every ballot."
)
DECISION_QUORUM_MET = _("The quorum of ${quorum} was met.")
DECISION_NO_QUORUM_RULE = _("No quorum was required.")
DECISION_WINNER = _("The option \u201c${winner}\u201d won and this charter records it.")
# The alternative's summary (Markdown) follows as a paragraph of its own.
DECISION_AMENDED = _(
    "The adopted version is the alternative \u201c${label}\u201d proposed during the deliberation:"
)
DECISION_LINK = _("The full result, with every round, is published at ${url}.")


# --- the builder ----------------------------------------------------------------------


def build_content(
    partnership: PartnershipText,
    parties: Parties,
    commons: CommonsRecord,
    decision: Decision | None,
    *,
    locale: str,
    reference: str,
    issued_on: dt.date,
    translate: Translate,
    fallback_locale: str = "en",
    adopted: AdoptedVersion | None = None,
    timezone: str = "Europe/Paris",
    supersedes: str | None = None,
) -> dict[str, Any]:
    """The charter's canonical content, every text in ``locale``.

    ``supersedes`` is the code of the withdrawn charter this one replaces, if any: it
    is part of the text, so a charter issued again never has the same code.

    ``translate(message, mapping=None)`` turns a msgid into ``locale``'s text; user
    content (locale-keyed dicts) is picked in ``locale`` with ``fallback_locale``.
    """

    rtl = text_direction(locale) == "rtl"

    def text(value: Text) -> str:
        return pick(value, locale, fallback_locale).strip() if value else ""

    def tr(message: Any, **mapping: Any) -> str:
        return translate(message, mapping=mapping or None)

    commons_name = text(commons.name)
    articles: list[dict[str, Any]] = []
    bodies = {
        "principles": lambda: _article(paragraphs=[tr(PRINCIPLES)]),
        "commons": lambda: _commons_article(commons, commons_name, text, tr),
        "purpose": lambda: _article(
            paragraphs=_markdown(text(partnership.purpose))
            + (
                [tr(PURPOSE_INTERVENTION, intervention=commons.intervention)]
                if commons.intervention
                else []
            )
        ),
        "objectives": lambda: _article(paragraphs=_markdown(text(partnership.objectives))),
        "city_commitments": lambda: _commitments_article(
            partnership.city_commitments,
            tr(CITY_COMMITMENTS_INTRO),
            text,
            tr,
            kinds=True,
            rtl=rtl,
        ),
        "commons_commitments": lambda: _commitments_article(
            partnership.commons_commitments,
            tr(COMMONS_COMMITMENTS_INTRO),
            text,
            tr,
            kinds=False,
            rtl=rtl,
        ),
        "access": lambda: _article(
            paragraphs=_markdown(text(partnership.access_rules))
            or ([tr(ACCESS_POLICY, policy=commons.access_policy)] if commons.access_policy else [])
        ),
        "governance": lambda: _article(
            paragraphs=_markdown(text(partnership.governance)) or [tr(GOVERNANCE_DEFAULT)]
        ),
        "resources": lambda: _article(paragraphs=_markdown(text(partnership.resources))),
        "outputs": lambda: _article(
            paragraphs=_markdown(text(partnership.outputs))
            + (
                [tr(OUTPUT_LICENCE, licence=partnership.output_licence or commons.output_licence)]
                if partnership.output_licence or commons.output_licence
                else []
            )
            + ([tr(DATA_LICENCE, licence=commons.data_licence)] if commons.data_licence else [])
        ),
        "liability": lambda: _article(paragraphs=_markdown(text(partnership.liability))),
        "duration": lambda: _article(paragraphs=_duration(partnership, tr)),
        "monitoring": lambda: _article(
            paragraphs=_markdown(text(partnership.monitoring)) or [tr(MONITORING_DEFAULT)]
        ),
        "transparency": lambda: _article(paragraphs=[tr(TRANSPARENCY)]),
        "breaches": lambda: _article(paragraphs=_markdown(text(partnership.breaches))),
        "disputes": lambda: _article(
            paragraphs=_markdown(text(partnership.dispute_resolution)) or [tr(DISPUTES)]
        ),
        "amendment": lambda: _article(paragraphs=[tr(AMENDMENT)]),
        "end": lambda: _article(paragraphs=[tr(END)]),
        "decision": lambda: _decision_article(decision, adopted, text, tr, locale, timezone),
    }
    for key, section, required in ARTICLE_SECTIONS:
        body = bodies[key]()
        if not required and not body["paragraphs"] and not body["commitments"]:
            continue  # an optional section with nothing to say is left out
        number = len(articles) + 1
        for position, item in enumerate(body["commitments"], start=1):
            item["number"] = f"{number}.{position}"
        articles.append(
            {"number": number, "section": section, "key": key, "heading": tr(HEADINGS[key]), **body}
        )

    return {
        "format": FORMAT,
        "locale": locale,
        "reference": reference,
        "issued_on": issued_on.isoformat(),
        "supersedes": supersedes,
        "title": text(partnership.title),
        "type": partnership.kind,
        "type_label": tr(TYPE_LABELS.get(partnership.kind, partnership.kind)),
        "duration_months": partnership.duration_months,
        "partnership": {"id": partnership.id, "url": partnership.url},
        "parties": {
            "city": {
                "name": parties.city_name,
                "department": parties.city_department,
                "signatory": _signatory(parties.city_signatory),
            },
            "commons": {
                "name": commons_name,
                "stewards": parties.commons_stewards,
                "legal_form": parties.commons_legal_form,
                "signatory": _signatory(parties.commons_signatory),
            },
        },
        "commons": {
            "id": commons.id,
            "name": commons_name,
            "summary": text(commons.summary),
            "boundary": text(commons.boundary),
            "address": commons.address,
            "district": commons.district,
            "latitude": commons.latitude,
            "longitude": commons.longitude,
            "category": commons.category,
            "category_label": commons.category_label,
            "url": commons.url,
        },
        "adopted_version": (
            {
                "label": text(adopted.label),
                "alternative": adopted.alternative,
                "summary": text(adopted.summary),
            }
            if adopted is not None
            else None
        ),
        "articles": articles,
        "decision": _decision_data(decision, text) if decision is not None else None,
    }


def _article(
    paragraphs: list[str] | None = None,
    commitments: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {"paragraphs": paragraphs or [], "commitments": commitments or [], **extra}


def _paragraphs(value: str) -> list[str]:
    """Blank-line separated paragraphs of plain text (user content is never HTML here)."""
    return [part.strip() for part in re.split(r"\n\s*\n", value or "") if part.strip()]


def _markdown(value: str) -> list[dict[str, str]]:
    """A user-written text as one paragraph entry: its Markdown source, kept whole.

    The source (not HTML) is what the code hashes; templates render it with
    :func:`partnerstate.markup.render_markdown`, like the pages do.
    """
    return [{"markdown": value}] if value else []


def _signatory(person: Signatory) -> dict[str, str]:
    return {"name": person.name.strip(), "role": person.role.strip()}


def _commons_article(
    commons: CommonsRecord, name: str, text: Callable[[Text], str], tr: Callable[..., str]
) -> dict[str, Any]:
    paragraphs = [tr(COMMONS_INTRO, name=name, id=commons.id)]
    paragraphs += _paragraphs(text(commons.summary))
    paragraphs += _paragraphs(text(commons.boundary))
    location = {
        "address": commons.address,
        "district": commons.district,
        "latitude": commons.latitude,
        "longitude": commons.longitude,
    }
    return _article(paragraphs=paragraphs, location=location)


def _commitments_article(
    commitments: Sequence[Commitment],
    intro: str,
    text: Callable[[Text], str],
    tr: Callable[..., str],
    *,
    kinds: bool,
    rtl: bool = False,
) -> dict[str, Any]:
    items = []
    for commitment in commitments:
        description = text(commitment.description)
        if not description:
            continue
        if commitment.quantity:
            quantity = commitment.quantity
            if rtl:
                # "85 m²" in Arabic text would read "m² 85": isolated, it keeps its order.
                quantity = f"\u2068{quantity}\u2069"
            description = f"{description} ({quantity})"
        item: dict[str, Any] = {"text": description}
        if kinds:
            kind = commitment.kind or ""
            item["kind"] = kind
            label = commitment.kind_label or COMMITMENT_KINDS.get(kind)
            item["kind_label"] = tr(label) if label else kind
        items.append(item)
    return _article(paragraphs=[intro] if items else [tr(NO_COMMITMENTS)], commitments=items)


def _duration(partnership: PartnershipText, tr: Callable[..., str]) -> list[str]:
    months = partnership.duration_months
    first = tr(DURATION_MONTHS, months=months) if months else tr(DURATION_OPEN)
    renewal = RENEWAL_ORDINARY if partnership.kind == "ordinary" else RENEWAL_COMPLEX
    return [first, tr(SUSPENSION), tr(renewal)]


def _option_label(decision: Decision, option_id: Any, text: Callable[[Text], str]) -> str:
    for option in decision.options:
        if str(option.id) == str(option_id):
            return text(option.label)
    return str(option_id)


def _decision_article(
    decision: Decision | None,
    adopted: AdoptedVersion | None,
    text: Callable[[Text], str],
    tr: Callable[..., str],
    locale: str,
    timezone: str,
) -> dict[str, Any]:
    if decision is None:
        return _article()
    closed = decision.closed_at
    date = ""
    if closed is not None:
        date = date_text(closed, locale, timezone)
    method = tr(METHOD_LABELS.get(decision.method, decision.method))
    paragraphs: list[Any] = [
        tr(DECISION_TEXT, date=date, method=method, options=len(decision.options))
    ]
    turnout = min(decision.online / decision.electorate, 1.0) if decision.electorate else 0
    paragraphs.append(
        tr(
            DECISION_TURNOUT,
            ballots=babel.numbers.format_decimal(decision.online, locale=locale),
            electorate=babel.numbers.format_decimal(decision.electorate, locale=locale),
            # One decimal, with the locale's own spacing ("62.1%", "62,1 %").
            turnout=babel.numbers.format_percent(
                round(turnout, 3), locale=locale, decimal_quantization=False
            ),
        )
    )
    if decision.paper:
        paper = babel.numbers.format_decimal(decision.paper, locale=locale)
        paragraphs.append(tr(DECISION_PAPER, paper=paper))
    if decision.quorum_percent:
        quorum = babel.numbers.format_percent(decision.quorum_percent / 100, locale=locale)
        paragraphs.append(tr(DECISION_QUORUM_MET, quorum=quorum))
    else:
        paragraphs.append(tr(DECISION_NO_QUORUM_RULE))
    paragraphs.append(
        tr(DECISION_WINNER, winner=_option_label(decision, decision.winner_option_id, text))
    )
    if adopted is not None and adopted.alternative and text(adopted.summary):
        paragraphs.append(tr(DECISION_AMENDED, label=text(adopted.label)))
        paragraphs += _markdown(text(adopted.summary))
    if decision.result_url:
        paragraphs.append(tr(DECISION_LINK, url=decision.result_url))
    return _article(paragraphs=paragraphs)


def _turnout_data(decision: Decision) -> dict[str, int]:
    # Charters of votes without paper ballots keep the shape (and code) they always had.
    turnout = {"ballots": decision.ballots, "electorate": decision.electorate}
    if decision.paper:
        turnout |= {"online": decision.online, "paper": decision.paper}
    return turnout


def _decision_data(decision: Decision, text: Callable[[Text], str]) -> dict[str, Any]:
    """The decision as data, for the annex and for machines reading the attachment."""
    return {
        "vote_id": decision.vote_id,
        "method": decision.method,
        "options": [
            {"id": option.id, "label": text(option.label), "status_quo": option.status_quo}
            for option in decision.options
        ],
        "winner": {
            "id": decision.winner_option_id,
            "label": _option_label(decision, decision.winner_option_id, text),
        },
        "turnout": _turnout_data(decision),
        "quorum_percent": decision.quorum_percent,
        "quorum_met": decision.quorum_met,
        "closed_at": decision.closed_at.isoformat() if decision.closed_at else None,
        "result_url": decision.result_url,
        "result": json.loads(json.dumps(dict(decision.result), sort_keys=True)),
    }
