"""Password hashing with argon2, upgrading old hashes when their owner logs in."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 12

# Passwords printed for anyone to read (the demo city's) protect nothing: they are hashed
# with the cheapest parameters, so that the demo is seeded in seconds, and rehashed at
# full strength when their owner first logs in (``check_needs_rehash`` below).
_public_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# A hash that no password matches, so an unknown email costs as much time as a
# wrong password and does not reveal which accounts exist. Made on first use: hashing
# costs a third of a second, which every command and app start paid on import.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("not a real password, only spends time")
    return _DUMMY_HASH


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the hasher (the test suite uses cheap parameters; production never calls this)."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def hash_public_password(password: str) -> str:
    """A cheap hash for a password that is public anyway (demo accounts); upgraded at login."""
    return _public_hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> tuple[bool, str | None]:
    """Check ``password``; return (ok, new_hash) where new_hash is set if it needs rehashing."""
    try:
        _hasher.verify(stored_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False, None
    if stored_hash is None:
        return False, None
    if _hasher.check_needs_rehash(stored_hash):
        return True, _hasher.hash(password)
    return True, None
