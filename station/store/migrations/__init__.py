"""Alembic migration scripts, bundled in the package and run by ``station.store.migrate``."""
