"""Screening archives of notes: one row per note into Parquet, in parallel, resumable."""
