"""Build the synthetic city of :mod:`.plan` through the packages' services.

Everything that has a rule goes through the service that enforces it: assemblies,
the census import, partnerships and every lifecycle move, opening, casting,
importing and closing votes, issuing and signing charters, meetings and minutes.
Where the services work one row at a time and the row has no rule beyond its
shape, the city is built in batches instead (one statement or one flush per
batch, never per row): resident accounts (one argon2 hash shared by all, as
hashing 50,000 passwords would take an hour), memberships with their audit
entries, verifications by census (marking the census entries used), published
commons (each checked by the register's own validation) and arguments (each
checked by the deliberation's own rules). Paper ballots go through the BLT
import, as a city's paper ballots would.

Deterministic for a seed: names, texts, who belongs where, who argues what and
how ballots rank are drawn from ``random.Random(seed)``. Secrets (receipts,
tie-break seeds, census salts) stay random, as they must.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from assemblies import census as census_file
from assemblies import rules as assembly_rules
from assemblies import services as assemblies
from assemblies.models import Assembly, CensusEntry, Membership, ResidentVerification
from deliberation.debate_models import Argument
from deliberation.services import arguments as debate
from deliberation.votes import services as votes
from deliberation.votes.models import Vote, VoteElector
from partnerstate.commons import services as commons_services
from partnerstate.commons import taxonomy as tx
from partnerstate.commons.models import Commons, CommonsRevision
from partnerstate.database import utcnow
from partnerstate.demo_city.plan import CLOSED_VOTE_FATES, UNVOTED_FATES, CityPlan
from partnerstate.demo_city.texts import KINDS, localized
from partnerstate.models import AuditEntry, User
from partnerstate.partnerships import services as partnerships
from partnerstate.partnerships.models import Partnership
from partnerstate.services import accounts
from partnerstate.services.passwords import hash_password
from partnerstate.settings import DEVELOPMENT_BASE_URL

BATCH = 2_000
EMAIL_DOMAIN = "city.example"
# Every synthetic account has this password (it is a demo; the official's is printed).
PASSWORD = "demo-city-2026"  # noqa: S105 -- a published demo password, like the demo's
OFFICIAL_EMAIL = f"official@{EMAIL_DOMAIN}"
TZ = ZoneInfo("Europe/Paris")
LOCALES = ("en", "fr", "en", "es", "de", "nl", "it", "ca")
FIRST = (
    "Ana",
    "Louis",
    "Noor",
    "Yusuf",
    "Greta",
    "Claire",
    "Amina",
    "Bruno",
    "Chloé",
    "David",
    "Élise",
    "Farid",
    "Hana",
    "Igor",
    "Jeanne",
    "Karim",
    "Lena",
    "Marc",
    "Nadia",
    "Omar",
)
LAST = (
    "Martin",
    "Petit",
    "Haddad",
    "Demir",
    "Berg",
    "Sousa",
    "Benali",
    "Lefebvre",
    "Nguyen",
    "Moreau",
    "Dubois",
    "Garcia",
    "Rossi",
    "Müller",
    "Janssen",
    "Kowalski",
    "Laurent",
)
DISTRICTS = (
    "Fives",
    "Wazemmes",
    "Moulins",
    "Vauban",
    "Lille-Centre",
    "Saint-Maurice",
    "Bois-Blancs",
    "Vieux-Lille",
    "Faubourg de Béthune",
    "Hellemmes",
)
WORDS = (
    "open",
    "shared",
    "neighbours",
    "volunteers",
    "weekly",
    "free",
    "families",
    "workshop",
    "together",
    "care",
    "students",
    "elders",
    "market",
    "square",
    "river",
    "school",
)
STANCES = ("for", "against", "neutral")
POSTCODES = ("59000", "59800", "59260", "59160", "59777", "59046")


@dataclass
class City:
    """What was built (ids), for the command's summary and the tests."""

    official: User
    assembly_ids: list[int] = field(default_factory=list)
    members_by_assembly: dict[int, list[int]] = field(default_factory=dict)
    commons_ids: list[int] = field(default_factory=list)
    partnership_ids: list[int] = field(default_factory=list)
    closed_vote_ids: list[int] = field(default_factory=list)
    open_vote_id: int | None = None
    charter_ids: list[int] = field(default_factory=list)
    # (partnership id, language) of each charter: one current charter per language.
    charter_languages: set[tuple[int, str]] = field(default_factory=set)
    largest_deliberation_id: int | None = None
    base_url: str = DEVELOPMENT_BASE_URL  # where the charters' verification links point


def _t(en: str, fr: str) -> dict[str, str]:
    return {"en": en, "fr": fr}


def build(
    db: Session,
    plan: CityPlan,
    seed: int = 1,
    progress: Callable[[int], Any] | None = None,
    base_url: str = DEVELOPMENT_BASE_URL,
) -> City:
    """Fill ``db`` with the city of ``plan``; ``progress(n)`` is told of each batch done.

    ``base_url`` (PARTNERSTATE_BASE_URL for the command) is printed in the charters'
    verification links: they are issued here, outside any request.

    The progress units add up to :func:`progress_total` (``plan``).
    """
    rng = random.Random(seed)  # noqa: S311 -- reproducible demo data, not secrets
    tick = progress or (lambda n: None)
    official = accounts.find_user_by_email(db, OFFICIAL_EMAIL) or accounts.create_user(
        db, OFFICIAL_EMAIL, "City official", PASSWORD, "official", "en"
    )
    city = City(official, base_url=base_url.rstrip("/"))
    _assemblies(db, city, plan, seed)
    _census(db, city, plan, tick)
    _members(db, city, plan, rng, tick)
    _commons(db, city, plan, rng, tick)
    _partnerships(db, city, plan, rng, tick)
    _meetings(db, city, plan, rng, tick)
    db.flush()
    return city


def progress_total(plan: CityPlan) -> int:
    """The sum of the units :func:`build` reports."""
    per_assembly = plan.residents // plan.assemblies
    return (
        per_assembly * plan.assemblies
        + plan.members_per_assembly * plan.assemblies
        + plan.commons
        + plan.partnerships
        + plan.meetings // plan.assemblies * plan.assemblies
    )


# --- assemblies, census, members ------------------------------------------------------------


def _assemblies(db: Session, city: City, plan: CityPlan, seed: int) -> None:
    for number in range(1, plan.assemblies + 1):
        assembly = assemblies.create_assembly(
            db,
            localized(
                "Assembly of the commons, sector {number}",
                "Assemblée des communs, secteur {number}",
                number=number,
            ),
            "Lille",
            "fr" if number % 2 else "en",
            description=localized(
                "The commons of sector {number} (synthetic city, seed {seed}).",
                "Les communs du secteur {number} (ville synthétique, graine {seed}).",
                number=number,
                seed=seed,
            ),
            quorum_percent=20,
            join_policy=assembly_rules.OPEN,
            requires_verification=True,
            creator=city.official,
        )
        city.assembly_ids.append(assembly.id)


def _resident(assembly_number: int, n: int) -> tuple[str, str]:
    """The census line of resident ``n`` of an assembly (identifier, postcode), normalised."""
    identifier = census_file.normalize_identifier(f"S{assembly_number:02d}-{n:07d}")
    return identifier, POSTCODES[n % len(POSTCODES)]


def _census(db: Session, city: City, plan: CityPlan, tick: Callable[[int], Any]) -> None:
    per_assembly = plan.residents // plan.assemblies
    for number, assembly_id in enumerate(city.assembly_ids, 1):
        parsed = census_file.CensusFile(
            census_file.POSTCODE, [_resident(number, n) for n in range(per_assembly)]
        )
        assembly = db.get(Assembly, assembly_id)
        assemblies.import_census(db, assembly, parsed, city.official, progress=tick)


def _members(
    db: Session, city: City, plan: CityPlan, rng: random.Random, tick: Callable[[int], Any]
) -> None:
    """Accounts, roles and census verifications: members verify with their census line."""
    password_hash = hash_password(PASSWORD)  # once: see the module's docstring
    per_assembly = plan.members_per_assembly
    facilitators = max(1, per_assembly // 500)
    observers = max(1, per_assembly // 50)
    for number, assembly_id in enumerate(city.assembly_ids, 1):
        salt = db.get(Assembly, assembly_id).census_salt
        ids: list[int] = []
        for start in range(0, per_assembly, BATCH):
            indices = range(start, min(per_assembly, start + BATCH))
            now = utcnow()
            rows = [
                {
                    "email": f"resident{number:02d}-{n:06d}@{EMAIL_DOMAIN}",
                    "display_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "password_hash": password_hash,
                    "role": "member",
                    "locale": rng.choice(LOCALES),
                    "created_at": now,
                }
                for n in indices
            ]
            user_ids = list(
                db.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), rows)
            )
            roles = [
                assembly_rules.FACILITATOR
                if n < facilitators
                else assembly_rules.OBSERVER
                if n < facilitators + observers
                else assembly_rules.MEMBER
                for n in indices
            ]
            db.execute(
                insert(Membership),
                [
                    {"assembly_id": assembly_id, "user_id": uid, "role": role,
                     "added_by_id": city.official.id, "created_at": now}
                    for uid, role in zip(user_ids, roles, strict=True)
                ],
            )  # fmt: skip
            db.execute(
                insert(AuditEntry),
                [
                    {"actor_id": city.official.id, "action": "assembly.member_add",
                     "object_type": "assembly", "object_id": str(assembly_id),
                     "details": {"user_id": uid, "role": role}, "created_at": now}
                    for uid, role in zip(user_ids, roles, strict=True)
                ],
            )  # fmt: skip
            # Voters prove residence with their own census line (observers do not vote).
            verified = [
                (uid, n)
                for uid, role, n in zip(user_ids, roles, indices, strict=True)
                if role != assembly_rules.OBSERVER
            ]
            db.execute(
                insert(ResidentVerification),
                [
                    {"assembly_id": assembly_id, "user_id": uid, "method": "census",
                     "verified_at": now}
                    for uid, _ in verified
                ],
            )  # fmt: skip
            db.execute(
                update(CensusEntry.__table__)
                .where(
                    CensusEntry.__table__.c.assembly_id == assembly_id,
                    CensusEntry.__table__.c.digest == bindparam("entry_digest"),
                )
                .values(used_by_id=bindparam("uid"), used_at=now),
                [
                    {"entry_digest": census_file.digest(salt, *_resident(number, n)), "uid": uid}
                    for uid, n in verified
                ],
            )
            ids.extend(user_ids)
            tick(len(indices))
        city.members_by_assembly[assembly_id] = ids


# --- commons ----------------------------------------------------------------------------


def _commons_body(n: int, rng: random.Random) -> dict[str, Any]:
    kind = KINDS[n % len(KINDS)]
    district = DISTRICTS[n % len(DISTRICTS)]
    category = list(tx.DOMAINS)[n % len(tx.DOMAINS)]
    words = " ".join(rng.choice(WORDS) for _ in range(30))
    return {
        "name": localized(
            "{kind} {district} {n}", "{kind} {district} {n}", kind=kind, district=district, n=n
        ),
        "summary": localized(
            "{kind} in {district}.", "{kind} à {district}.", kind=kind, district=district
        ),
        # Thirty random words, the bulk of the register's text: in two languages only.
        "description": _t(
            f"{kind['en']} in {district}: {words}.", f"{kind['fr']} à {district} : {words}."
        ),
        "category": category,
        "address": f"{n % 300 + 1} rue des Communs, Lille",
        "district": district,
        "lat": round(50.60 + rng.random() * 0.07, 5),
        "lon": round(3.00 + rng.random() * 0.12, 5),
        "stewards": f"Collective {n}",
    }


def _commons(
    db: Session, city: City, plan: CityPlan, rng: random.Random, tick: Callable[[int], Any]
) -> None:
    """Published commons, each checked by the register's validation, proposed by the official."""
    official = city.official
    for start in range(0, plan.commons, BATCH):
        now = utcnow()
        batch = []
        for n in range(start, min(plan.commons, start + BATCH)):
            values = commons_services.check_proposal(_commons_body(n, rng), "en")
            record = Commons(
                status=tx.PUBLISHED, proposer_id=official.id, created_at=now, updated_at=now,
                published_at=now, decided_at=now, decided_by_id=official.id,
                name={}, summary={}, description={}, aliases=[], boundary={}, governance={},
                fees_details={}, inclusion_measures={}, ostrom={}, address="", district="",
                owner_name="", owner_consent=False, stewards="", contact_email="",
                contact_phone="", website="", rules_url="",
            )  # fmt: skip
            for column, value in values.items():
                setattr(record, column, value)
            commons_services.refresh_derived(record)
            batch.append(record)
        db.add_all(batch)
        db.flush()
        for record in batch:
            db.add_all(
                [
                    CommonsRevision(commons_id=record.id, author_id=official.id,
                                    action="created", changes={}, created_at=now),
                    CommonsRevision(commons_id=record.id, author_id=official.id,
                                    action="validated", changes={}, created_at=now),
                    AuditEntry(actor_id=official.id, action="commons.validate",
                               object_type="commons", object_id=str(record.id),
                               details={}, created_at=now),
                ]
            )  # fmt: skip
            city.commons_ids.append(record.id)
        db.flush()
        tick(len(batch))


# --- partnerships, deliberations, votes, charters -----------------------------------------


def _fates(plan: CityPlan) -> list[str]:
    """Each partnership's fate: closed votes first, then the open vote, then the unvoted."""
    fates = [CLOSED_VOTE_FATES[n % len(CLOSED_VOTE_FATES)] for n in range(plan.closed_votes)]
    fates.append("voting")
    rest = plan.partnerships - len(fates)
    fates.extend(UNVOTED_FATES[n % len(UNVOTED_FATES)] for n in range(rest))
    return fates


def _partnership_body(n: int, rng: random.Random) -> dict[str, Any]:
    months = rng.choice((12, 24, 36))
    return {
        "title": localized("Pact number {n}", "Pacte numéro {n}", n=n),
        "type": "ordinary",
        "purpose": localized(
            "The city and the commons work together on project {n}.",
            "La ville et le commun travaillent ensemble au projet {n}.",
            n=n,
        ),
        "city_commitments": [
            {
                "kind": "space",
                "description": localized("A room twice a month", "Une salle deux fois par mois"),
            },
            {
                "kind": "insurance",
                "description": localized("Volunteers' insurance", "L'assurance des bénévoles"),
            },
        ],  # fmt: skip
        "commons_commitments": [
            {"description": localized("Open to every resident", "Ouvert à tous les habitants")}
        ],
        "duration_months": months,
    }


def _partnerships(
    db: Session, city: City, plan: CityPlan, rng: random.Random, tick: Callable[[int], Any]
) -> None:
    fates = _fates(plan)
    deliberating = [n for n, fate in enumerate(fates) if fate != "draft"]
    largest = next(n for n, fate in enumerate(fates) if fate == "deliberation")
    others = [n for n in deliberating if n != largest]
    per_other = max(1, (plan.arguments - plan.largest_deliberation) // max(1, len(others)))
    ballots_per_vote = max(1, plan.ballots // (plan.closed_votes + 1))
    official = city.official
    for n, fate in enumerate(fates):
        assembly_id = city.assembly_ids[n % len(city.assembly_ids)]
        partnership = partnerships.draft(
            db, official, assembly_id, city.commons_ids[n], _partnership_body(n, rng), locale="en"
        )
        city.partnership_ids.append(partnership.id)
        if fate != "draft":
            partnerships.open_deliberation(
                db, partnership, official, utcnow() + dt.timedelta(days=21)
            )
            count = plan.largest_deliberation if n == largest else per_other
            _post_arguments(db, partnership, city.members_by_assembly[assembly_id], count, rng)
            if n == largest:
                city.largest_deliberation_id = partnership.id
        if fate == "withdrawn":
            partnerships.withdraw(db, partnership, official, "The commons found another place.")
        elif fate not in ("draft", "deliberation"):
            _vote(db, city, partnership, fate, ballots_per_vote, plan.charters, rng)
        tick(1)
    _charters_in_more_languages(db, city, plan.charters)


def _post_arguments(
    db: Session, partnership: Partnership, members: list[int], count: int, rng: random.Random
) -> None:
    """``count`` arguments, a third of them replies, checked by the deliberation's rules."""
    debate.require_open(partnership, utcnow())
    authors = list(members[:: max(1, len(members) // 200)])
    posted: list[Argument] = []
    for start in range(0, count, BATCH):
        now = utcnow()
        batch = []
        for n in range(start, min(count, start + BATCH)):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
            # Every third post answers an earlier one (the flush inserts parents first).
            parent = rng.choice(posted) if posted and n % 3 == 2 else None
            argument = Argument(
                partnership_id=partnership.id,
                parent=parent,
                author_id=rng.choice(authors),
                stance=debate.clean_stance(STANCES[n % 3]),
                body=debate.clean_body(f"Argument {n}: {words}."),
                locale="en",
                partnership_version=partnership.version,
                created_at=now,
            )
            batch.append(argument)
            if parent is None:
                posted.append(argument)
        db.add_all(batch)
        db.flush()


def _ballots_blt(vote: Vote, count: int, favour: float, rng: random.Random) -> str:
    """``count`` paper ballots; a share ``favour`` ranks the proposal above the status quo."""
    options = list(vote.options)
    proposal = next(i for i, option in enumerate(options) if not option.status_quo) + 1
    status_quo = next(i for i, option in enumerate(options) if option.status_quo) + 1
    lines = [f"{len(options)} 1"]
    # Exactly that share, in a random order: the outcome is what the fate asks for.
    for_proposal = round(count * favour)
    order = [True] * for_proposal + [False] * (count - for_proposal)
    rng.shuffle(order)
    for favours in order:
        first, second = (proposal, status_quo) if favours else (status_quo, proposal)
        lines.append(f"1 {first} {second} 0")
    lines.append("0")
    lines.extend(f'"Option {n}"' for n in range(1, len(options) + 1))
    lines.append('"Paper ballots"')
    return "\n".join(lines) + "\n"


def _vote(
    db: Session,
    city: City,
    partnership: Partnership,
    fate: str,
    per_vote: int,
    charters_wanted: int,
    rng: random.Random,
) -> None:
    official = city.official
    closes_at = utcnow() + dt.timedelta(days=14) if fate == "voting" else None
    vote = votes.open_partnership_vote(db, partnership, official, closes_at=closes_at)
    electors = list(
        db.scalars(
            select(VoteElector.user_id)
            .where(VoteElector.vote_id == vote.id)
            .order_by(VoteElector.user_id)
        )
    )
    ids = [option.id for option in vote.options]  # the proposal first, the status quo last
    if fate == "rejected":
        ids.reverse()
    online = electors[:3]
    for uid in online:
        votes.cast_ballot(db, vote, db.get(User, uid), list(ids))
    if fate == "no_quorum":
        count = max(0, len(electors) * 15 // 100 - len(online))
    else:
        count = max(0, min(per_vote, len(electors) * 9 // 10) - len(online))
    favour = 0.3 if fate == "rejected" else 0.7
    if count:
        votes.import_paper_ballots(db, vote, _ballots_blt(vote, count, favour, rng), actor=official)
    if fate == "voting":
        city.open_vote_id = vote.id
        return
    votes.close_vote(db, vote, official)
    city.closed_vote_ids.append(vote.id)
    expected = "adopted" if fate in ("active", "closed") else fate
    if partnership.status != expected:  # pragma: no cover - the ballots decide it
        raise RuntimeError(f"partnership {partnership.id} is {partnership.status}, not {expected}")
    if expected == "adopted" and (fate != "adopted" or len(city.charter_ids) < charters_wanted):
        _charter(db, city, partnership, sign=fate in ("active", "closed"))
    if fate == "closed":
        partnerships.close(db, partnership, official, "The project ended as planned.")


# The languages a multilingual city prints its charters in, after the assembly's own.
CHARTER_LANGUAGES = ("en", "fr", "es", "ca", "it", "de", "nl", "ar")


def _charters_in_more_languages(db: Session, city: City, wanted: int) -> None:
    """Fewer pacts were adopted than charters wanted: issue theirs in more languages.

    A charter is one language's text, so a city with residents of many languages holds
    several charters for one pact; the first ones were issued in the assembly's language.
    """
    adopted = sorted({partnership_id for partnership_id, _ in city.charter_languages})
    for locale in CHARTER_LANGUAGES:
        for partnership_id in adopted:
            if len(city.charter_ids) >= wanted:
                return
            if (partnership_id, locale) not in city.charter_languages:
                _charter(db, city, db.get(Partnership, partnership_id), sign=False, locale=locale)


def _charter(
    db: Session, city: City, partnership: Partnership, sign: bool, locale: str | None = None
) -> None:
    from reports import services as charters

    official = city.official
    item = charters.issue(
        db,
        partnership,
        official,
        charters.IssueRequest(
            locale=locale,
            city_department="Direction des communs",
            city_signatory_name="City official",
            city_signatory_role="Deputy mayor for the commons",
            commons_signatory_name="Commons steward",
            commons_signatory_role="Steward",
        ),
        base_url=city.base_url,
    )
    city.charter_ids.append(item.id)
    city.charter_languages.add((partnership.id, item.locale))
    if sign:
        for party, name in (("city", "City official"), ("commons", "Commons steward")):
            charters.sign(db, item, official, party=party, name=name, place="Lille")


# --- meetings -----------------------------------------------------------------------------


def _meetings(
    db: Session, city: City, plan: CityPlan, rng: random.Random, tick: Callable[[int], Any]
) -> None:
    """Half the meetings are past (minutes, who attended), half to come (registrations)."""
    per_assembly = plan.meetings // plan.assemblies
    today = dt.datetime.now(TZ).replace(hour=18, minute=30, second=0, microsecond=0)
    for assembly_id in city.assembly_ids:
        assembly = db.get(Assembly, assembly_id)
        members = city.members_by_assembly[assembly_id]
        facilitator = db.get(User, members[0])
        for n in range(per_assembly):
            past = n % 2 == 0
            starts = today + dt.timedelta(days=(-7 - 3 * n) if past else (7 + 3 * n))
            data = {
                "title": localized("Plenary {n}", "Plénière {n}", n=n + 1),
                "starts_at": starts.isoformat(),
                "location": f"Maison des communs, salle {n % 5 + 1}",
                "agenda": ["Commons of the sector", "Partnerships under deliberation"],
            }
            meeting = assemblies.schedule_meeting(db, assembly, facilitator, data, "en", TZ)
            people = rng.sample(members, min(15, len(members)))
            if past:
                assemblies.record_minutes(
                    db, meeting, facilitator, f"Meeting {n + 1}: {len(people)} present.", people
                )
            else:
                from assemblies.models import Attendance

                now = utcnow()
                db.add_all(
                    Attendance(meeting_id=meeting.id, user_id=uid, registered_at=now)
                    for uid in people
                )
            tick(1)
        db.flush()


__all__: Sequence[str] = ("City", "PASSWORD", "OFFICIAL_EMAIL", "build", "progress_total")
