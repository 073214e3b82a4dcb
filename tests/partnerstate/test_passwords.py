"""Password hashes: public (demo) passwords are hashed cheaply and upgraded at login."""

from __future__ import annotations

import argon2
import pytest

from partnerstate.services import passwords


@pytest.fixture
def strong_hasher():
    """Production-like parameters for the test, then the suite's cheap ones again."""
    previous = passwords._hasher
    passwords.use_hasher(argon2.PasswordHasher(time_cost=2, memory_cost=4096, parallelism=1))
    yield
    passwords.use_hasher(previous)


def test_a_public_password_is_hashed_cheaply_then_upgraded_at_login(strong_hasher):
    cheap = passwords.hash_public_password("member-demo-2026")
    assert argon2.extract_parameters(cheap).memory_cost == 1024
    ok, upgraded = passwords.verify_password(cheap, "member-demo-2026")
    assert ok and upgraded is not None
    assert argon2.extract_parameters(upgraded).memory_cost == 4096
    assert passwords.verify_password(upgraded, "member-demo-2026") == (True, None)
    assert passwords.verify_password(cheap, "wrong password") == (False, None)


def test_an_unknown_account_still_costs_a_hash(strong_hasher):
    assert passwords.verify_password(None, "anything at all") == (False, None)
