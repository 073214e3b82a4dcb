"""Reading a charter's inputs from the packages that own them, in one place.

The partnership and its commons come from the core (``partnerstate.partnerships``,
``partnerstate.commons``); the assembly from the assemblies package; the vote,
its options and stored result from ``deliberation.votes``; the winning
alternative from ``deliberation``. Feature packages are imported inside the
functions, when the app that includes them is running. Everything is turned into
the plain dataclasses of :mod:`reports.charter`, which knows none of these models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from partnerstate.i18n import _
from partnerstate.localized import pick
from reports import charter

Translate = Callable[..., str]


@dataclass(frozen=True)
class CharterInputs:
    partnership: charter.PartnershipText
    commons: charter.CommonsRecord
    decision: charter.Decision | None
    adopted: charter.AdoptedVersion | None
    city_name: str
    commons_stewards: str
    commons_legal_form: str
    fallback_locale: str


def assembly_of(db: Session, partnership: Any) -> Any | None:
    from partnerstate.partnerships import membership

    try:
        return membership.get_assembly(db, partnership.assembly_id)
    except ImportError:  # pragma: no cover - the assemblies package is always installed
        return None


def default_locale(db: Session, partnership: Any, site_default: str) -> str:
    """The assembly's language, else the partnership's, else the site's."""
    assembly = assembly_of(db, partnership)
    return getattr(assembly, "default_locale", None) or partnership.locale or site_default


CITY_OF = _("City of ${city}")


def city_name(db: Session, partnership: Any, locale: str, translate: Translate) -> str:
    """The city party as the charter names it: "City of Lille", else the assembly's name."""
    assembly = assembly_of(db, partnership)
    city = getattr(assembly, "city", None) or ""
    if isinstance(city, dict):
        city = pick(city, locale, partnership.locale)
    if city:
        return translate(CITY_OF, {"city": city})
    name = getattr(assembly, "name", None) or ""
    return pick(name, locale, partnership.locale) if isinstance(name, dict) else str(name)


def _label(table: Mapping[str, Any], key: str | None, translate: Translate) -> str:
    if not key:
        return ""
    label = table.get(key)
    return translate(label) if label is not None else key


def partnership_text(
    content: Mapping[str, Any], partnership_id: Any, translate: Translate, base_url: str
) -> charter.PartnershipText:
    """A partnership's text (``Partnership.content()``, or a ballot option's frozen
    version of it) as the charter builder's input."""
    from partnerstate.commons import taxonomy as commons_tx
    from partnerstate.partnerships import vocabulary

    return charter.PartnershipText(
        id=partnership_id,
        title=content.get("title"),
        purpose=content.get("purpose"),
        city_commitments=tuple(
            _city_commitment(item, vocabulary) for item in content.get("city_commitments") or []
        ),
        commons_commitments=tuple(
            charter.Commitment(description=item.get("description"))
            for item in content.get("commons_commitments") or []
        ),
        kind=content.get("kind") or "ordinary",
        duration_months=content.get("duration_months"),
        objectives=content.get("objectives"),
        access_rules=content.get("access_rules"),
        governance=content.get("governance"),
        resources=content.get("resources"),
        output_licence=_label(commons_tx.OUTPUT_LICENCES, content.get("output_licence"), translate),
        monitoring=content.get("evaluation"),
        dispute_resolution=content.get("dispute_resolution"),
        url=f"{base_url}/partnerships/{partnership_id}",
    )


def _city_commitment(item: Mapping[str, Any], vocabulary: Any) -> charter.Commitment:
    kind = item.get("kind") or ""
    return charter.Commitment(
        description=item.get("description"),
        kind=kind,
        kind_label=vocabulary.COMMITMENT_KINDS.get(kind),
        quantity=str(item.get("quantity") or ""),
    )


def commons_record(commons: Any, translate: Translate, base_url: str) -> charter.CommonsRecord:
    from partnerstate.commons import taxonomy as commons_tx

    return charter.CommonsRecord(
        id=commons.id,
        name=commons.name,
        summary=commons.summary,
        boundary=commons.boundary,
        address=commons.address or "",
        district=commons.district or "",
        latitude=commons.latitude,
        longitude=commons.longitude,
        category=commons.category or "",
        category_label=_label(commons_tx.DOMAINS, commons.category, translate),
        intervention=_label(commons_tx.INTERVENTIONS, commons.intervention, translate),
        output_licence=_label(commons_tx.OUTPUT_LICENCES, commons.output_licence, translate),
        data_licence=_label(commons_tx.DATA_LICENCES, commons.data_licence, translate),
        access_policy=_label(commons_tx.ACCESS_POLICIES, commons.access_policy, translate),
        url=f"{base_url}/commons/{commons.id}",
    )


def charter_inputs(
    db: Session, partnership: Any, locale: str, translate: Translate, base_url: str
) -> CharterInputs:
    """Everything the charter of ``partnership`` says, read through the owning packages."""
    from partnerstate.commons import taxonomy as commons_tx

    decision, winner = adopting_vote(db, partnership, base_url)
    content = dict(partnership.content())
    adopted = None
    if winner is not None:
        # The adopted version: the winning option's text as it stood when voting opened.
        content.update(winner.changes)
        if winner.alternative:
            adopted = charter.AdoptedVersion(
                label=winner.title or content.get("title"), alternative=True, summary=winner.summary
            )
    text = partnership_text(content, partnership.id, translate, base_url)
    commons = partnership.commons
    return CharterInputs(
        partnership=text,
        commons=commons_record(commons, translate, base_url),
        decision=decision,
        adopted=adopted,
        city_name=city_name(db, partnership, locale, translate),
        commons_stewards=commons.stewards or "",
        commons_legal_form=_label(commons_tx.LEGAL_FORMS, commons.legal_form, translate),
        fallback_locale=partnership.locale or "en",
    )


# --- the vote ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WinningAlternative:
    """The winning option's text: an alternative's, or the proposal as frozen at the vote."""

    title: Any
    summary: Any
    changes: Mapping[str, Any]
    alternative: bool = True


def adopting_vote(
    db: Session, partnership: Any, base_url: str
) -> tuple[charter.Decision | None, WinningAlternative | None]:
    """The closed vote that adopted ``partnership`` and the winning option's text.

    ``(None, None)`` when no closed vote is recorded for it (the charter then has no
    decision article).
    """
    from reports import votes_adapter

    return votes_adapter.adopting_vote(db, partnership, base_url)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
