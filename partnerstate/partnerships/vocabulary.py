"""Words of partnerships: types, kinds of commitment, states and moves, with lazy labels.

Ids are what the database and the API store; labels are TranslationStrings
translated when a page is rendered.
"""

from __future__ import annotations

from typing import Any

from partnerstate.i18n import _, _p

# Bologna-style law knows two sizes of pact; Naples adds recognised civic use.
TYPES = {
    "ordinary": _("Ordinary"),
    "complex": _("Complex"),
    "civic_use": _("Civic use"),
}

TYPE_HINTS = {
    "ordinary": _("Small, repeatable care of a space or service; usually up to 3 years."),
    "complex": _("Significant buildings or services; up to 4 years, renewable after evaluation."),
    "civic_use": _("A public asset governed by rules its open community wrote."),
}

# The partner-state clause: what the city commits to enable.
COMMITMENT_KINDS = {
    "space": _("Space"),
    "utilities_maintenance": _("Utilities and maintenance"),
    "tools_equipment": _("Tools and equipment"),
    "fee_exemption": _("Fee exemption"),
    "staff_support": _("Staff support"),
    "training": _("Training"),
    "insurance": _("Insurance"),
    "funding": _("Funding"),
    "data": _("Data"),
    "communication": _("Communication"),
}

# Other spellings API clients use for the same kinds (stored under the canonical id).
COMMITMENT_KIND_ALIASES = {
    "utilities": "utilities_maintenance",
    "maintenance": "utilities_maintenance",
    "utilities_and_maintenance": "utilities_maintenance",
    "tools": "tools_equipment",
    "equipment": "tools_equipment",
    "tools_and_equipment": "tools_equipment",
    "materials": "tools_equipment",
    "fees": "fee_exemption",
    "fee_waiver": "fee_exemption",
    "staff": "staff_support",
    "legal_support": "staff_support",
    "administrative_support": "staff_support",
    "legal_and_administrative_support": "staff_support",
    "communications": "communication",
}


def commitment_kind(value: str) -> str | None:
    """The canonical kind for ``value`` (case, spaces and hyphens ignored), or None."""
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    if key in COMMITMENT_KINDS:
        return key
    return COMMITMENT_KIND_ALIASES.get(key)


STATUSES = {
    "draft": _("Draft"),
    "deliberation": _("In deliberation"),
    "voting": _("Voting"),
    "adopted": _("Adopted"),
    "rejected": _p("partnership", "Rejected"),
    "no_quorum": _("No quorum"),
    "signed": _p("partnership", "Signed"),
    "active": _("Active"),
    "closed": _p("partnership", "Closed"),
}


def status_label(status: str) -> Any:
    """What people call a partnership's state, for messages (the code stays in the API)."""
    return STATUSES.get(status, status)


STATUS_HINTS = {
    "draft": _("The city is writing the proposal; the assembly has not started on it."),
    "deliberation": _(
        "Members of the assembly argue for and against and propose alternative versions."
    ),
    "voting": _("Members rank the proposal, its alternatives and “no partnership”."),
    "adopted": _("The assembly chose a version; the charter is being prepared for signature."),
    "rejected": _("“No partnership” won the vote."),
    "no_quorum": _("Too few members voted; the assembly may deliberate again."),
    "signed": _("Both parties signed the charter."),
    "active": _("The partnership is in force."),
    "closed": _("The partnership has ended or was withdrawn."),
}

# Buttons on the partnership page, and the audit log's words for each move.
TRANSITIONS = {
    "open_deliberation": _("Open deliberation"),
    "reopen_deliberation": _("Deliberate again"),
    "start_voting": _("Start voting"),
    "adopt": _("Adopted by vote"),
    "reject": _("Rejected by vote"),
    "record_no_quorum": _("Vote without quorum"),
    "sign": _("Charter signed"),
    "activate": _("Activate"),
    "close": _("Close"),
    "withdraw": _("Withdraw"),
}

TRANSITION_HINTS = {
    "open_deliberation": _("Members of the assembly may then argue and propose alternatives."),
    "reopen_deliberation": _("The vote had no quorum: open a new round of deliberation."),
    "activate": _("The signed partnership comes into force today."),
    "close": _("The partnership ends; say why (end of term, breach, by agreement…)."),
    "withdraw": _("The city withdraws its proposal; say why. This cannot be undone."),
}

# Text fields of a partnership, in the order of a charter's sections, with their labels.
TEXT_FIELDS = {
    "title": _("Title"),
    "purpose": _("Purpose and general interest"),
    "objectives": _("Objectives and work plan"),
    "access_rules": _("Access and collective-use rules"),
    "governance": _("Governance and decision rules"),
    "resources": _("Resources and economy"),
    "evaluation": _("Monitoring, evaluation and reporting"),
    "dispute_resolution": _("Dispute resolution"),
}

OTHER_FIELDS = {
    "kind": _("Type"),
    "city_commitments": _("The city's enabling commitments"),
    "commons_commitments": _("The commoners' commitments"),
    "output_licence": _("Licence of outputs"),
    "duration_months": _("Duration in months"),
}

FIELD_LABELS = {**TEXT_FIELDS, **OTHER_FIELDS}

DEFAULT_DISPUTE_RESOLUTION = (
    "Conciliation by a committee of three members: one named by each party and one "
    "jointly. The committee makes a non-binding proposal within 30 days."
)
