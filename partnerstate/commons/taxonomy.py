"""The vocabularies of the commons register: pure data with lazily translated labels.

Every list is an ordered mapping ``id -> label``. Ids are what the database and the
API store (stable, English, snake_case); labels are TranslationStrings translated
at rendering time, so this module imports neither Pyramid's request nor SQLAlchemy.
The domains are the contract's ``category`` ids (``GET /api/v1/commons/categories``);
nature and intervention type are the taxonomy's two other axes.
"""

from __future__ import annotations

from dataclasses import dataclass

from partnerstate.i18n import _, _p

# Lifecycle of a record: proposed -> published | rejected; published -> archived.
PROPOSED = "proposed"
PUBLISHED = "published"
REJECTED = "rejected"
ARCHIVED = "archived"

STATUSES = {
    PROPOSED: _("Proposed"),
    PUBLISHED: _("Published"),
    REJECTED: _p("commons", "Rejected"),
    ARCHIVED: _("Archived"),
}

# Statuses anyone may see: refused nominations stay public, as in England's register.
PUBLIC_STATUSES = (PUBLISHED, REJECTED, ARCHIVED)
# A refused proposal stays public for the city's accountability, but its contact details
# were given to the city, not to the public: only listed records show them to everyone.
CONTACT_PUBLIC_STATUSES = (PUBLISHED, ARCHIVED)

NATURES = {
    "material": _("Material"),
    "immaterial": _("Immaterial"),
    "digital": _("Digital"),
}

# The domains (the API's ``category``), in the order CONCEPTS.md lists them.
DOMAINS = {
    "food": _("Food"),
    "housing": _("Housing"),
    "energy": _("Energy"),
    "mobility": _("Mobility"),
    "water": _("Water"),
    "green_public_space": _("Green and public space"),
    "culture": _("Culture"),
    "knowledge_education": _("Knowledge and education"),
    "care_health": _("Care and health"),
    "making_repair": _("Making and repair"),
    "finance_currencies": _("Finance and currencies"),
    "digital_data": _("Digital and data"),
}

INTERVENTIONS = {
    "care": _("Care"),
    "shared_management": _("Shared management"),
    "regeneration": _("Regeneration"),
}

OWNERSHIPS = {
    "municipal": _("Municipal"),
    "public": _("Other public body"),
    "private": _("Private (with the owner's consent)"),
    "collective": _("Collective"),
    "intangible": _("Intangible (no owner)"),
}

LEGAL_FORMS = {
    "informal": _("Informal group"),
    "association": _("Association"),
    "cooperative": _("Cooperative"),
    "foundation": _("Foundation"),
    "company": _("Company"),
    "public_body": _("Public body"),
    "other": _("Other"),
}

DECISION_RULES = {
    "consensus": _("Consensus"),
    "consent": _("Consent (no reasoned objection)"),
    "majority": _("Majority vote"),
    "supermajority": _("Qualified majority"),
    "delegated": _("Elected committee"),
    "other": _("Other"),
}

ACCESS_POLICIES = {
    "open": _("Open to anyone"),
    "members": _("Members only"),
    "booking": _("On booking"),
}

FEES_POLICIES = {
    "free": _("Free"),
    "pay_what_you_can": _("Pay what you can"),
    "sliding_scale": _("Sliding scale"),
    "membership_fee": _("Membership fee"),
    "fixed_fee": _("Fixed fee"),
}

OUTPUT_LICENCES = {
    "cc_by": "CC BY 4.0",
    "cc_by_sa": "CC BY-SA 4.0",
    "cc0": "CC0 1.0",
    "peer_production": _("Peer Production Licence"),
    "copyfair": _("CopyFair licence"),
    "gpl": "GNU GPL",
    "cern_ohl": "CERN OHL",
    "other": _("Other"),
    "none": _("No licence (all rights reserved)"),
}

DATA_LICENCES = {
    "odbl": "ODbL",
    "licence_ouverte": _("Licence Ouverte / Etalab 2.0"),
    "cc_by": "CC BY 4.0",
    "cc0": "CC0 1.0",
    "other": _("Other"),
    "none": _("No licence (all rights reserved)"),
}


@dataclass(frozen=True)
class Principle:
    """One of Elinor Ostrom's eight design principles for long-enduring commons."""

    id: str
    label: object
    question: object


OSTROM_PRINCIPLES = (
    Principle(
        "boundaries",
        _("Clearly defined boundaries"),
        _("Is it clear what the resource is and who may use it?"),
    ),
    Principle(
        "local_rules",
        _("Rules fit local conditions"),
        _("Do the rules of use and care suit this place and its people?"),
    ),
    Principle(
        "collective_choice",
        _("Those affected can change the rules"),
        _("Can the people the rules affect take part in changing them?"),
    ),
    Principle(
        "monitoring",
        _("Accountable monitoring"),
        _("Is use monitored by people accountable to the community?"),
    ),
    Principle(
        "graduated_sanctions",
        _("Graduated sanctions"),
        _("Are breaches answered in proportion, starting gently?"),
    ),
    Principle(
        "conflict_resolution",
        _("Cheap conflict resolution"),
        _("Is there a quick, low-cost way to settle disputes?"),
    ),
    Principle(
        "self_organisation",
        _("Right to self-organise recognised"),
        _("Do the authorities recognise the community's right to set its own rules?"),
    ),
    Principle(
        "nested_layers",
        _("Nested layers"),
        _("Is governance organised in layers, from the local group up to wider networks?"),
    ),
)
OSTROM_IDS = tuple(principle.id for principle in OSTROM_PRINCIPLES)
OSTROM_MIN, OSTROM_MAX = 0, 3
OSTROM_SCORE_LABELS = {
    0: _("absent"),
    1: _("emerging"),
    2: _("in place"),
    3: _("strong"),
}

# The yearly community balance (Barcelona's Balanç Comunitari): four dimensions, 0-100.
BALANCE_DIMENSIONS = {
    "rootedness": _("Rootedness in the neighbourhood"),
    "social_return": _("Social return"),
    "internal_democracy": _("Internal democracy"),
    "care": _("Care (of people and of the resource)"),
}

# Sort orders of the register: id -> label.
SORTS = {
    "name": _("Name (A to Z)"),
    "newest": _("Newest first"),
    "updated": _("Recently updated"),
    "ostrom": _("Ostrom self-assessment (highest first)"),
}

# What each step of a record's history is called.
REVISION_ACTIONS = {
    "created": _("Proposed"),
    "edited": _("Edited"),
    "validated": _("Validated and published"),
    "rejected": _p("commons", "Rejected"),
    "archived": _("Archived"),
    "balance": _("Community balance reported"),
}

# Column -> label, to say in the history which fields an edit changed.
FIELD_LABELS = {
    "name": _("Name"),
    "summary": _("Summary"),
    "description": _("Description"),
    "aliases": _("Other names"),
    "established_on": _("Active since"),
    "category": _("Domain"),
    "nature": _("Nature"),
    "intervention": _("Type of intervention"),
    "address": _("Address"),
    "latitude": _("Latitude"),
    "longitude": _("Longitude"),
    "district": _("District"),
    "boundary": _("Boundaries"),
    "area": _("Area"),
    "ownership": _("Ownership"),
    "owner_name": _("Owner"),
    "owner_consent": _("Owner's consent"),
    "owner_consent_on": _("Date of the owner's consent"),
    "stewards": _("Stewards"),
    "legal_form": _("Legal form"),
    "contact_email": _("Contact email"),
    "contact_phone": _("Contact phone"),
    "website": _("Website"),
    "active_members": _("Number of active members"),
    "decision_rule": _("Decision rule"),
    "governance": _("How decisions are made"),
    "rules_url": _("Rules document"),
    "access_policy": _("Access"),
    "fees_policy": _("Fees"),
    "fees_details": _("Fees: details"),
    "inclusion_measures": _("Inclusion measures"),
    "output_licence": _("Licence of what it produces"),
    "data_licence": _("Licence of its data"),
    "ostrom": _("Ostrom self-assessment"),
}
