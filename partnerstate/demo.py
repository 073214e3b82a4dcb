"""The demo city: accounts first, then each feature package adds its own demo data.

Seeding is idempotent: every seeder looks for what it made before and reuses it,
so ``partnerstate init --demo`` can run any number of times.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from partnerstate.services import accounts

# Feature seeders in dependency order: "module:function", each called as f(db, demo).
SEEDERS = (
    "partnerstate.demo:seed_accounts",
    "partnerstate.commons.demo:seed",
    "assemblies.demo:seed",
    "partnerstate.partnerships.demo:seed",
    "deliberation.demo_debate:seed",
    "deliberation.votes.demo:seed",
    "reports.demo:seed",
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    role: str
    name: str
    locale: str = "en"


ACCOUNTS = (
    DemoAccount(
        "official@demo.partnerstate.org",
        "official-demo-2026",
        "official",
        "Claire Martin",
        "fr",
    ),
    DemoAccount(
        "facilitator@demo.partnerstate.org", "facilitator-demo-2026", "member", "Yusuf Demir", "en"
    ),
    DemoAccount("member@demo.partnerstate.org", "member-demo-2026", "member", "Ana Sousa", "en"),
    DemoAccount("membre@demo.partnerstate.org", "membre-demo-2026", "member", "Louis Petit", "fr"),
    DemoAccount(
        "observer@demo.partnerstate.org", "observer-demo-2026", "member", "Greta Berg", "en"
    ),
    DemoAccount(
        "newcomer@demo.partnerstate.org", "newcomer-demo-2026", "member", "Noor Haddad", "en"
    ),
)


def seed_accounts(db: Session, demo: dict[str, Any]) -> None:
    users = demo.setdefault("users", {})
    for account in ACCOUNTS:
        user = accounts.find_user_by_email(db, account.email)
        if user is None:
            user = accounts.create_user(
                db, account.email, account.name, account.password, account.role, account.locale
            )
        users[account.email.split("@")[0]] = user


DEFAULT_SITE_URL = "http://127.0.0.1:6543"


def seed(db: Session, site_url: str = DEFAULT_SITE_URL) -> list[DemoAccount]:
    """Run every seeder; return the demo accounts to print.

    ``site_url`` is where the demo will be served: the demo charter prints its
    verification link and QR code for that address.
    """
    demo: dict[str, Any] = {"site_url": site_url}
    for target in SEEDERS:
        module_name, function = target.split(":")
        getattr(importlib.import_module(module_name), function)(db, demo)
        db.flush()
    return list(ACCOUNTS)
