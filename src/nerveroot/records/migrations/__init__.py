"""Alembic migration scripts for the records database (applied by nerveroot.records.migrate)."""
