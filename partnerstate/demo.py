"""The demo city: accounts first, then each feature package adds its own demo data.

Seeding is idempotent: every seeder looks for what it made before and reuses it,
so ``partnerstate init --demo`` can run any number of times.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from partnerstate.services import accounts, passwords

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
    role: str  # the global role of the account (official or member)
    name: str
    locale: str = "en"
    # What the person is in the demo city, for the printed list ("facilitator").
    part: str = ""

    @property
    def shown_role(self) -> str:
        return self.part or self.role


ACCOUNTS = (
    DemoAccount(
        "official@demo.partnerstate.org",
        "official-demo-2026",
        "official",
        "Claire Martin",
        "fr",
    ),
    # The assembly roles are given by assemblies.demo; ``part`` says them in the list.
    DemoAccount(
        "facilitator@demo.partnerstate.org",
        "facilitator-demo-2026",
        "member",
        "Yusuf Demir",
        "en",
        "facilitator",
    ),
    DemoAccount(
        "member@demo.partnerstate.org",
        "member-demo-2026",
        "member",
        "Ana Sousa",
        "en",
        "member",
    ),
    DemoAccount(
        "membre@demo.partnerstate.org",
        "membre-demo-2026",
        "member",
        "Louis Petit",
        "fr",
        "member, French, signs for the commons",
    ),
    DemoAccount(
        "observer@demo.partnerstate.org",
        "observer-demo-2026",
        "member",
        "Greta Berg",
        "en",
        "observer",
    ),
    DemoAccount(
        "newcomer@demo.partnerstate.org",
        "newcomer-demo-2026",
        "member",
        "Noor Haddad",
        "en",
        "newcomer, asked to join",
    ),
)


def seed_accounts(db: Session, demo: dict[str, Any]) -> None:
    users = demo.setdefault("users", {})
    for account in ACCOUNTS:
        user = accounts.find_user_by_email(db, account.email)
        if user is None:
            user = accounts.create_user(
                db, account.email, account.name, None, account.role, account.locale
            )
            # Printed for anyone to read: a cheap hash, made strong at the first login.
            user.password_hash = passwords.hash_public_password(account.password)
        users[account.email.split("@")[0]] = user


DEFAULT_SITE_URL = "http://127.0.0.1:6543"


def step_name(target: str) -> str:
    """What a seeder adds, for the progress lines: "accounts", "commons", "votes"…"""
    module_name, function = target.split(":")
    if function != "seed":
        return function.removeprefix("seed_")
    return module_name.removesuffix(".demo").rsplit(".", 1)[-1].removeprefix("demo_")


def seed(
    db: Session,
    site_url: str = DEFAULT_SITE_URL,
    progress: Callable[[str, Callable[[], None]], None] | None = None,
) -> list[DemoAccount]:
    """Run every seeder; return the demo accounts to print.

    ``site_url`` is where the demo will be served: the demo charter prints its
    verification link and QR code for that address. ``progress(name, run)``, if
    given, runs each step itself (the command line says what it is doing and how long
    it took, rather than staying silent while the charter is rendered).
    """
    demo: dict[str, Any] = {"site_url": site_url}
    for target in SEEDERS:
        module_name, function = target.split(":")

        def run(module_name: str = module_name, function: str = function) -> None:
            getattr(importlib.import_module(module_name), function)(db, demo)
            db.flush()

        if progress is None:
            run()
        else:
            progress(step_name(target), run)
    return list(ACCOUNTS)
