"""Alembic migrations; `rotnem migrate` upgrades to head."""
