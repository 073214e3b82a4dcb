"""How a commons looks from outside: API JSON, GeoJSON features and CSV rows.

Texts are given in the request's language (``name``), with every language in
``translations`` so that clients can show or edit the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from partnerstate.commons import taxonomy as tx
from partnerstate.commons.models import Commons
from partnerstate.commons.resources import shows_contact
from partnerstate.i18n import LOCALES
from partnerstate.localized import pick

TRANSLATED = ("name", "summary", "description", "boundary")


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _locale(request: Any) -> str:
    return str(request.locale_name)


def summary_json(request: Any, commons: Commons) -> dict[str, Any]:
    """The fields a list shows."""
    locale = _locale(request)
    return {
        "id": commons.id,
        "status": commons.status,
        "name": pick(commons.name, locale),
        "summary": pick(commons.summary, locale),
        "category": commons.category,
        "nature": commons.nature,
        "intervention": commons.intervention,
        "address": commons.address,
        "district": commons.district,
        "lat": commons.latitude,
        "lon": commons.longitude,
        "ostrom_score": commons.ostrom_score,
        "created_at": _iso(commons.created_at),
        "updated_at": _iso(commons.updated_at),
        "published_at": _iso(commons.published_at),
        "url": request.route_url("commons.show", id=commons.id),
    }


def governance_json(commons: Commons, locale: str) -> dict[str, Any]:
    return {
        "description": pick(commons.governance, locale),
        "decision_rule": commons.decision_rule,
        "rules_url": commons.rules_url,
        "access": commons.access_policy,
        "fees": commons.fees_policy,
        "fees_details": pick(commons.fees_details, locale),
        "inclusion": pick(commons.inclusion_measures, locale),
    }


def detail_json(request: Any, commons: Commons) -> dict[str, Any]:
    """The whole record."""
    locale = _locale(request)
    data = summary_json(request, commons)
    contact = shows_contact(request, commons)
    data.update(
        {
            "description": pick(commons.description, locale),
            "aliases": list(commons.aliases or []),
            "established_on": _iso(commons.established_on),
            "rejection_reason": commons.rejection_reason,
            "decided_at": _iso(commons.decided_at),
            "boundary": pick(commons.boundary, locale),
            "area": commons.area,
            "ownership": commons.ownership,
            "owner_name": commons.owner_name,
            "owner_consent": commons.owner_consent,
            "owner_consent_on": _iso(commons.owner_consent_on),
            "stewards": commons.stewards,
            "legal_form": commons.legal_form,
            "contact_email": commons.contact_email if contact else "",
            "contact_phone": commons.contact_phone if contact else "",
            "website": commons.website,
            "active_members": commons.active_members,
            "governance": governance_json(commons, locale),
            "output_licence": commons.output_licence,
            "data_licence": commons.data_licence,
            "ostrom": {
                principle: {
                    "score": entry["score"],
                    "evidence": pick(entry.get("evidence"), locale),
                }
                for principle, entry in (commons.ostrom or {}).items()
            },
            "balances": [
                {
                    "year": balance.year,
                    **{
                        dimension: getattr(balance, dimension)
                        for dimension in tx.BALANCE_DIMENSIONS
                    },
                    "notes": pick(balance.notes, locale),
                }
                for balance in commons.balances
            ],
            "translations": {field: dict(getattr(commons, field) or {}) for field in TRANSLATED},
        }
    )
    return data


def record_url(request: Any) -> Any:
    """A fast ``id -> page URL`` for exports of thousands of records (one route_url call)."""
    template = request.route_url("commons.show", id=0).removesuffix("/0")
    return lambda commons_id: f"{template}/{commons_id}"


def domain_labels(request: Any) -> dict[str, str]:
    return {key: str(request.translate(label)) for key, label in tx.DOMAINS.items()}


def feature(
    request: Any, row: Any, url: Any = None, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """A GeoJSON Feature from a row of (id, name, summary, category, nature, district, …)."""
    locale = _locale(request)
    url = url or record_url(request)
    labels = labels or domain_labels(request)
    return {
        "type": "Feature",
        "id": row.id,
        "geometry": {"type": "Point", "coordinates": [row.longitude, row.latitude]},
        "properties": {
            "id": row.id,
            "name": pick(row.name, locale),
            "summary": pick(row.summary, locale),
            "category": row.category,
            "category_label": labels.get(row.category, row.category),
            "nature": row.nature,
            "district": row.district,
            "address": row.address,
            "status": row.status,
            "url": url(row.id),
        },
    }


def csv_header() -> list[str]:
    header = ["id", "status"]
    for field in ("name", "summary"):
        header += [f"{field}_{locale}" for locale in LOCALES]
    header += [
        "aliases", "category", "category_label", "nature", "intervention", "address",
        "latitude", "longitude", "district", "ownership", "owner_name", "stewards",
        "legal_form", "contact_email", "website", "active_members", "decision_rule",
        "access_policy", "fees_policy", "output_licence", "data_licence", "ostrom_score",
    ]  # fmt: skip
    header += [f"ostrom_{principle}" for principle in tx.OSTROM_IDS]
    header += ["established_on", "published_at", "updated_at", "url"]
    return header


def csv_rows(request: Any, records: Iterable[Commons]) -> Iterable[list[Any]]:
    url = record_url(request)
    labels = domain_labels(request)
    for c in records:
        row: list[Any] = [c.id, c.status]
        for field in ("name", "summary"):
            texts = getattr(c, field) or {}
            row += [texts.get(locale, "") for locale in LOCALES]
        row += [
            "; ".join(c.aliases or []),
            c.category,
            labels.get(c.category, c.category),
            c.nature,
            c.intervention or "",
            c.address,
            c.latitude if c.latitude is not None else "",
            c.longitude if c.longitude is not None else "",
            c.district,
            c.ownership or "",
            c.owner_name,
            c.stewards,
            c.legal_form or "",
            c.contact_email if shows_contact(request, c) else "",
            c.website,
            c.active_members if c.active_members is not None else "",
            c.decision_rule or "",
            c.access_policy or "",
            c.fees_policy or "",
            c.output_licence or "",
            c.data_licence or "",
            c.ostrom_score if c.ostrom_score is not None else "",
        ]
        ostrom = c.ostrom or {}
        row += [ostrom.get(p, {}).get("score", "") for p in tx.OSTROM_IDS]
        row += [
            _iso(c.established_on) or "",
            _iso(c.published_at) or "",
            _iso(c.updated_at) or "",
            url(c.id),
        ]
        yield [defuse_formula(value) for value in row]


def defuse_formula(value: Any) -> Any:
    """Spreadsheets run cells starting with = + - @ as formulas; make them plain text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
