"""Alembic migrations: one history for the whole schema (all packages)."""
